"""`corptier override ...`: maker-checker tier overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corptier.cli.base import (
    WorkspaceOpt,
    app,
    console,
    friendly,
    open_workspace,
)
from corptier.workspace import Workspace

# --- tiering overrides (issue 4): `corptier override request|approve|reject|revoke|list` ---------
override_app = typer.Typer(
    no_args_is_help=True, help="Tier overrides: a maker requests, a different checker approves."
)
app.add_typer(override_app, name="override")
ByOpt = Annotated[str, typer.Option("--by", help="Who does this (user name).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Note kept with the decision.")]


def _override_tiers(ws: Workspace, standard: Path | None) -> list[str]:
    """Tier codes of --standard, else of the workspace's active standard ([tiering] standard)."""
    from corptier.close.inputs import active_standard

    return active_standard(ws, standard).tier_codes


def _parse_until(text: str) -> Any:
    from datetime import date

    from corptier.tiering.overrides import OverrideRequestError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise OverrideRequestError(f"--until must be a date YYYY-MM-DD; got {text!r}") from None


@override_app.command("request")
@friendly
def override_request(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    tier: Annotated[str, typer.Option("--tier", help="Tier code to apply, e.g. core.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    until: Annotated[str, typer.Option("--until", help="Last day it applies, YYYY-MM-DD.")],
    by: ByOpt,
    standard: Annotated[
        Path | None, typer.Option(help="Standard whose tiers are valid (default: the "
                                       "workspace's active standard).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Request an override; prints the new override's id (pending until approved)."""
    from corptier.tiering.overrides import request_override

    ws = open_workspace(workspace)
    override = request_override(ws.db, customer, tier, reason, _parse_until(until), by,
                                valid_tiers=_override_tiers(ws, standard))
    typer.echo(str(override.id))


def _override_decision(action: str, override_id: int, by: str, note: str | None,
                       workspace: Path) -> None:
    from corptier.tiering import overrides

    func = {"approve": overrides.approve, "reject": overrides.reject,
            "revoke": overrides.revoke}[action]
    override = func(open_workspace(workspace).db, override_id, by, note)
    console.print(f"override {override.id} ({override.customer_id} → {override.tier}) "
                  f"{override.state} by {by}", highlight=False)


@override_app.command("approve")
@friendly
def override_approve(override_id: Annotated[int, typer.Argument(metavar="ID")], by: ByOpt,
                     note: NoteOpt = None, workspace: WorkspaceOpt = Path(".")) -> None:
    """Approve a pending override (the approver must not be the requester)."""
    _override_decision("approve", override_id, by, note, workspace)


@override_app.command("reject")
@friendly
def override_reject(override_id: Annotated[int, typer.Argument(metavar="ID")], by: ByOpt,
                    note: NoteOpt = None, workspace: WorkspaceOpt = Path(".")) -> None:
    """Reject a pending override."""
    _override_decision("reject", override_id, by, note, workspace)


@override_app.command("revoke")
@friendly
def override_revoke(override_id: Annotated[int, typer.Argument(metavar="ID")], by: ByOpt,
                    note: NoteOpt = None, workspace: WorkspaceOpt = Path(".")) -> None:
    """Withdraw a pending override or end an approved one early."""
    _override_decision("revoke", override_id, by, note, workspace)


@override_app.command("list")
@friendly
def override_list(
    state: Annotated[str | None, typer.Option(
        "--state", help="pending, approved, rejected, revoked or expired.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Customer id.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List overrides with their state (expired ones read as expired)."""
    from datetime import UTC, datetime

    from rich.table import Table

    from corptier.tiering.overrides import effective_state, list_overrides

    today = datetime.now(UTC).date()
    rows = list_overrides(open_workspace(workspace).db, state, customer, today=today)
    grid = Table(title=f"Overrides ({len(rows)})", title_justify="left")
    for name in ("id", "customer", "tier", "state", "until", "requested by", "decided by",
                 "reason"):
        grid.add_column(name, justify="right" if name == "id" else "left",
                        no_wrap=name in ("id", "customer", "state", "until"))
    for o in rows:
        grid.add_row(str(o.id), o.customer_id, o.tier, effective_state(o, today),
                     o.valid_until.isoformat(), o.requested_by, o.decided_by or "", o.reason)
    console.print(grid)


# --- end tiering overrides ---
