"""`corptier user ...`: the people who act in a workspace, each with an API token."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corptier.cli.base import WorkspaceOpt, app, console, grid, group, say
from corptier.cli.labels import label
from corptier.cli.language import _

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
    role: Annotated[str | None, typer.Option("--role", help="admin or user (the first user "
                                                            "is an admin).")] = None,
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
        name=made.name, role=_(made.role), token=made.token))


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
                       [[u.name, _(u.role), label("disabled" if u.disabled else "enabled",
                                                  "state"),
                         _("yes") if u.has_password else _("no")] for u in users]))
