"""Users: commands act as the user of an API token once a workspace has users; tokens and
passwords are stored hashed; user admin is audited (issue 16)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import ApprovalError, AuditLogError, RequestError
from corptier.services import users
from corptier.workspace import Workspace

TOKEN = re.compile(r"ct_[A-Za-z0-9_-]{20,}")


def _cli(ws: Workspace, *args: str, token: str | None = None):
    env = {"CORPTIER_TOKEN": token} if token else {"CORPTIER_TOKEN": ""}
    return CliRunner().invoke(app, [*args, "--workspace", str(ws.root)], env=env)


def _token(output: str) -> str:
    found = TOKEN.search(output)
    assert found, output
    return found.group(0)


def _request(ws: Workspace, token: str | None, *extra: str):
    until = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    return _cli(ws, "override", "request", "C0042", "--tier", "core", "--reason", "mandate",
                "--until", until, *extra, token=token)


def test_the_first_user_is_an_admin(workspace: Workspace) -> None:
    with pytest.raises(RequestError, match=r"first user .* must be an admin"):
        users.add_user(workspace, "alice", "user")
    made = users.add_user(workspace, "Alice")
    assert (made.name, made.role) == ("alice", "admin") and made.token.startswith("ct_")


def test_commands_act_as_the_token_user(workspace: Workspace) -> None:
    added = _cli(workspace, "user", "add", "alice")
    assert added.exit_code == 0, added.output
    alice = _token(added.output)
    assert _request(workspace, None, "--by", "alice").exit_code == ApprovalError.exit_code
    assert _request(workspace, "ct_wrong").exit_code == ApprovalError.exit_code
    refused = _request(workspace, alice, "--by", "bob")
    assert refused.exit_code == ApprovalError.exit_code
    assert "cannot act as bob" in refused.output
    made = _request(workspace, alice)
    assert made.exit_code == 0, made.output
    override_id = made.stdout.strip()

    bob = _token(_cli(workspace, "user", "add", "bob", token=alice).output)
    assert _cli(workspace, "user", "add", "eve", token=bob).exit_code == ApprovalError.exit_code
    own = _cli(workspace, "override", "approve", override_id, token=alice)
    assert own.exit_code == ApprovalError.exit_code and "someone else" in own.output
    ok = _cli(workspace, "override", "approve", override_id, token=bob)
    assert ok.exit_code == 0 and "approved by bob" in ok.output


def test_a_disabled_user_and_a_replaced_token_no_longer_act(workspace: Workspace) -> None:
    alice = users.add_user(workspace, "alice").token
    bob = users.add_user(workspace, "bob", by="alice").token
    renewed = _cli(workspace, "user", "token", "bob", token=bob)
    assert renewed.exit_code == 0
    new_bob = _token(renewed.output)
    assert _request(workspace, bob).exit_code == ApprovalError.exit_code
    assert _request(workspace, new_bob).exit_code == 0
    assert _cli(workspace, "user", "disable", "bob", token=alice).exit_code == 0
    assert _request(workspace, new_bob).exit_code == ApprovalError.exit_code
    with pytest.raises(ApprovalError, match="not an enabled user"):
        from corptier.services import approve_override

        approve_override(workspace, 1, "bob")


def test_tokens_and_passwords_are_stored_hashed(workspace: Workspace) -> None:
    made = users.add_user(workspace, "alice", password="correct horse battery")
    with workspace.db.connect() as conn:
        row = conn.execute(sa.text("SELECT token_hash, password_hash FROM app_user")).one()
        dump = " ".join(str(v) for r in conn.execute(sa.text("SELECT * FROM audit_log"))
                        for v in r)
    assert row.token_hash == users.token_hash(made.token) and made.token not in dump
    assert row.password_hash.startswith("$argon2id$")
    assert users.authenticate_password(workspace, "ALICE", "correct horse battery") == "alice"
    with pytest.raises(ApprovalError):
        users.authenticate_password(workspace, "alice", "wrong password!!")


def test_without_users_by_is_normalised_and_checked(workspace: Workspace) -> None:
    made = _request(workspace, None, "--by", "ＡＬＩＣＥ")
    assert made.exit_code == 0
    own = _cli(workspace, "override", "approve", made.stdout.strip(), "--by", "alice\u200b")
    assert own.exit_code == ApprovalError.exit_code
    mixed = _cli(workspace, "override", "approve", made.stdout.strip(), "--by", "\u0430lice")
    assert mixed.exit_code == RequestError.exit_code and "CYRILLIC" in mixed.output


def test_audit_verify_cli(workspace: Workspace) -> None:
    users.add_user(workspace, "alice")
    users.add_user(workspace, "bob", by="alice")
    ok = _cli(workspace, "audit", "verify")
    assert ok.exit_code == 0 and "audit log OK: 2 entries" in ok.output
    with workspace.db.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER audit_log_no_update"))
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    broken = _cli(workspace, "audit", "verify")
    assert broken.exit_code == AuditLogError.exit_code
    assert "broken at entry 2: edited" in broken.output


def test_with_users_load_close_and_adopt_need_a_token(workspace: Workspace, tmp_path) -> None:
    users.add_user(workspace, "alice")
    for args in (("load", str(tmp_path), "--period", "2026-09"),
                 ("close", "--period", "2026-09"),
                 ("standard", "adopt", str(workspace.standards_dir / "default.yaml"),
                  "--period", "2026-09", "--by", "alice")):
        result = _cli(workspace, *args)
        assert result.exit_code == ApprovalError.exit_code, (args, result.output)
        assert "API token" in result.output
