"""`corptier standard adopt` with users proposes; `standard approve ID` by another user adopts,
`standard reject ID` refuses; the maker cannot decide their own proposal."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from corptier.cli import app
from corptier.config import CONFIG_FILE, load_config
from corptier.errors import ApprovalError
from corptier.services import users
from corptier.workspace import Workspace


def _cli(ws: Workspace, token: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--workspace", str(ws.root)],
                              env={"CORPTIER_TOKEN": token, "COLUMNS": "200"})


def _candidate(ws: Workspace, version: str) -> Path:
    text = (ws.standards_dir / "default.yaml").read_text(encoding="utf-8")
    path = ws.root.parent / f"{version}.yaml"
    path.write_text(text.replace('version: "2026.1"', f'version: "{version}"'),
                    encoding="utf-8")
    return path


def test_with_users_adopt_proposes_and_another_user_approves(workspace: Workspace) -> None:
    alice = users.add_user(workspace, "alice").token
    bob = users.add_user(workspace, "bob", "user", by="alice").token
    made = _cli(workspace, alice, "standard", "adopt", str(_candidate(workspace, "2027.1")),
                "--period", "2026-10", "--note", "annual review")
    assert made.exit_code == 0, made.output
    proposal_id = re.search(r"standard approve (\d+)", made.output).group(1)  # type: ignore[union-attr]
    assert load_config(workspace.root / CONFIG_FILE).tiering.standard == "default.yaml"
    own = _cli(workspace, alice, "standard", "approve", proposal_id)
    assert own.exit_code == ApprovalError.exit_code and "may not decide" in own.output
    listed = _cli(workspace, bob, "standard", "proposals", "--state", "pending")
    assert "2027.1" in listed.output and "annual review" in listed.output
    approved = _cli(workspace, bob, "standard", "approve", proposal_id, "--note", "ok")
    assert approved.exit_code == 0, approved.output
    assert "2027.1" in approved.output
    active = load_config(workspace.root / CONFIG_FILE).tiering.standard
    assert active != "default.yaml" and "2027.1" in (workspace.standards_dir / active).read_text(
        encoding="utf-8")
    second = _cli(workspace, alice, "standard", "adopt", str(_candidate(workspace, "2027.2")),
                  "--period", "2026-11", "--note", "trial")
    second_id = re.search(r"standard approve (\d+)", second.output).group(1)  # type: ignore[union-attr]
    rejected = _cli(workspace, bob, "standard", "reject", second_id)
    assert rejected.exit_code == 0 and "bob" in rejected.output
    assert load_config(workspace.root / CONFIG_FILE).tiering.standard == active
