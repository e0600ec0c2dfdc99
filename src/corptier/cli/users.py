"""`corptier user ...`: the people who act in a workspace, each with an API token."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corptier.cli.base import WorkspaceOpt, app, console, grid, group, say
from corptier.cli.labels import label
from corptier.cli.language import _

BANK_WIDE = ("admin", "analyst", "risk", "auditor")

if TYPE_CHECKING:
    from corptier.workspace import Workspace

user_app = group("Users: who acts. Once a workspace has users, commands act as the user of "
                 "the API token in CORPTIER_TOKEN.")
app.add_typer(user_app, name="user")
NameArg = Annotated[str, typer.Argument(metavar="NAME", help="User name.")]


def token() -> str | None:
    """The API token the CLI acts with (CORPTIER_TOKEN), if any."""
    return os.environ.get("CORPTIER_TOKEN") or None


def acting(ws: Workspace, by: str | None, *, login_default: bool = False) -> str:
    """The user a command acts as: the token's user when the workspace has users (a different
    `by` is refused), else `by` normalised (or the login name, for load and close)."""
    from corptier.services.users import acting_user

    return acting_user(ws, by, token(), login_default=login_default)


def _actor_or_none(ws: Workspace) -> str | None:
    from corptier.services.users import list_users

    return acting(ws, None) if list_users(ws) else None


@user_app.command("add")
def user_add(
    name: NameArg,
    role: Annotated[str | None, typer.Option("--role", help="admin, branch_head, team_head, "
                                                            "rm, analyst, risk, auditor or "
                                                            "user (the first user is an "
                                                            "admin).")] = None,
    password: Annotated[bool, typer.Option("--password", help="Also set a password "
                                                              "(prompted).")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a user and print their API token (shown once: keep it)."""
    from corptier.services import open_workspace
    from corptier.services.users import add_user

    ws = open_workspace(workspace)
    secret = (typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
              if password else None)
    made = add_user(ws, name, role, by=_actor_or_none(ws), password=secret)
    say(_("user {name} ({role}) added; API token (shown once): {token}").format(
        name=made.name, role=label(made.role, "role"), token=made.token))


@user_app.command("disable")
def user_disable(name: NameArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Disable a user (an admin only): their token and password stop working."""
    from corptier.services import open_workspace
    from corptier.services.users import disable_user

    ws = open_workspace(workspace)
    user = disable_user(ws, name, by=_actor_or_none(ws))
    say(_("user {name} disabled").format(name=user.name))


@user_app.command("token")
def user_token(name: NameArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Give a user a new API token (the old one stops working); prints it once."""
    from corptier.services import open_workspace
    from corptier.services.users import new_token

    ws = open_workspace(workspace)
    made = new_token(ws, name, by=_actor_or_none(ws))
    say(_("new API token of {name} (shown once): {token}").format(name=made.name,
                                                                 token=made.token))


@user_app.command("list")
def user_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the users with their role and state."""
    from corptier.services import open_workspace
    from corptier.services.users import list_users

    users = list_users(open_workspace(workspace))
    console.print(grid(_("Users ({n})").format(n=len(users)),
                       [_("name"), _("role"), _("state"), _("password")],
                       [[u.name, label(u.role, "role"),
                         label("disabled" if u.disabled else "enabled", "state"),
                         _("yes") if u.has_password else _("no")] for u in users]))


@user_app.command("grant")
def user_grant(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help="admin, branch_head, team_head, rm, "
                                                     "analyst, risk, auditor or user.")],
    rm: Annotated[str | None, typer.Option("--rm", help="The RM id of an rm.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="A team head's team.")] = None,
    member: Annotated[list[str] | None, typer.Option(
        "--member", help="An RM id of a team head's team (repeat).")] = None,
    sub_branch: Annotated[list[str] | None, typer.Option(
        "--sub-branch", help="A sub-branch a branch head heads (repeat).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Give a user a role and their data scope (an admin only)."""
    from corptier.services import grant_user, open_workspace

    ws = open_workspace(workspace)
    user = grant_user(ws, name, role, by=_actor_or_none(ws), rm_id=rm, team=team,
                      team_members=member or [], sub_branches=sub_branch or [])
    links = [*([user.rm_id] if user.rm_id else []), *user.team_members, *user.sub_branches]
    scope = ", ".join(links) or (_("the whole bank") if user.role in BANK_WIDE else _("none"))
    say(_("user {name} is now {role}; scope: {scope}").format(
        name=user.name, role=label(user.role, "role"), scope=scope))


@user_app.command("reset-password")
def user_reset_password(name: NameArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Set a user's password (their own, or anyone's by an admin): unlocks the user and ends
    their web sessions."""
    from corptier.services import open_workspace, reset_password

    ws = open_workspace(workspace)
    secret = typer.prompt(_("New password"), hide_input=True, confirmation_prompt=True)
    user = reset_password(ws, name, secret, by=_actor_or_none(ws))
    say(_("password of {name} reset").format(name=user.name))
