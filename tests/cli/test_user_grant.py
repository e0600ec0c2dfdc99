"""`corptier user grant` gives a role and a data scope; `serve` is listed."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from corptier.cli import app
from corptier.services import add_user, list_users


def _cli(ws, *args: str, token: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--workspace", str(ws.root)],
                              env={"CORPTIER_TOKEN": token})


def test_grant_gives_the_role_and_scope_and_only_an_admin_may(workspace) -> None:  # type: ignore[no-untyped-def]
    boss = add_user(workspace, "boss").token
    other = add_user(workspace, "head", by="boss").token
    done = _cli(workspace, "user", "grant", "head", "--role", "team_head", "--team", "一队",
                "--member", "RM01", "--member", "RM02", token=boss)
    assert done.exit_code == 0 and "now Team head" in done.output and "RM01, RM02" in done.output
    [head] = [u for u in list_users(workspace) if u.name == "head"]
    assert (head.team, head.team_members) == ("一队", ("RM01", "RM02"))
    refused = _cli(workspace, "user", "grant", "head", "--role", "admin", token=other)
    assert refused.exit_code == 8 and "only an admin" in refused.output
    bad = _cli(workspace, "user", "grant", "head", "--role", "rm", token=boss)
    assert bad.exit_code == 9 and "--rm" in bad.output


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and re.search(r"--port", result.output)
