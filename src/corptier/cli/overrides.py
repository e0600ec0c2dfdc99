"""`corptier override ...`: maker-checker tier overrides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corptier.cli.base import WorkspaceOpt, app, console, grid, group, say
from corptier.cli.labels import label
from corptier.cli.language import _
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import OverrideView

override_app = group("Tier overrides: a maker requests, a different checker approves.")
app.add_typer(override_app, name="override")
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Note kept with the decision.")]
IdArg = Annotated[int, typer.Argument(metavar="ID")]


@override_app.command("request")
def override_request(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    tier: Annotated[str, typer.Option("--tier", help="Tier code to apply, e.g. core.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    until: Annotated[str, typer.Option("--until", help="Last day it applies, YYYY-MM-DD.")],
    by: ByOpt = None,
    valid_from: Annotated[str | None, typer.Option(
        "--valid-from", help="First day it applies, YYYY-MM-DD (default: the approval date); "
                             "a re-close of a period ending on or after it applies it.")] = None,
    risk_exception: Annotated[str | None, typer.Option(
        "--risk-exception", help="Why risk accepts the tier above an immediate cap that "
                                 "fires for the customer (without it the cap wins).")] = None,
    standard: Annotated[
        Path | None, typer.Option(help="Standard whose tiers are valid (default: the "
                                       "workspace's active standard).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Request an override; prints the new override's id (pending until approved)."""
    from corptier.services import open_workspace, request_override

    ws = open_workspace(workspace)
    override = request_override(ws, customer, tier, reason, until, acting(ws, by),
                                standard_path=standard, risk_exception=risk_exception,
                                valid_from=valid_from)
    typer.echo(str(override.id))


def _decided(o: OverrideView, by: str) -> None:
    say(_("override {id} ({customer} → {tier}) {state} by {by}").format(
        id=o.id, customer=o.customer_id, tier=label(o.tier, "tier"),
        state=label(o.stored_state, "decision"), by=by))


@override_app.command("approve")
def override_approve(override_id: IdArg, by: ByOpt = None, note: NoteOpt = None,
                     workspace: WorkspaceOpt = Path(".")) -> None:
    """Approve a pending override (the approver must not be the requester)."""
    from corptier.services import approve_override, open_workspace

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _decided(approve_override(ws, override_id, by, note), by)


@override_app.command("reject")
def override_reject(override_id: IdArg, by: ByOpt = None, note: NoteOpt = None,
                    workspace: WorkspaceOpt = Path(".")) -> None:
    """Reject a pending override."""
    from corptier.services import open_workspace, reject_override

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _decided(reject_override(ws, override_id, by, note), by)


@override_app.command("revoke")
def override_revoke(override_id: IdArg, by: ByOpt = None, note: NoteOpt = None,
                    workspace: WorkspaceOpt = Path(".")) -> None:
    """Withdraw a pending override or end an approved one early."""
    from corptier.services import open_workspace, revoke_override

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _decided(revoke_override(ws, override_id, by, note), by)


@override_app.command("list")
def override_list(
    state: Annotated[str | None, typer.Option(
        "--state", help="pending, approved, rejected, revoked or expired.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Customer id.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List overrides with their state (expired ones read as expired) and risk exceptions;
    `override show ID` gives one in full."""
    from corptier.services import list_overrides, open_workspace

    rows = list_overrides(open_workspace(workspace), state, customer)
    console.print(grid(
        _("Overrides ({n})").format(n=len(rows)),
        [_("id"), _("customer"), _("tier"), _("state"), _("until"), _("requested by"),
         _("decided by"), _("reason")],
        [[str(o.id), o.customer_id, label(o.tier, "tier"), label(o.state, "state"),
          o.valid_until.isoformat(), o.requested_by, o.decided_by or "", _reason(o)]
         for o in rows]))


@override_app.command("show")
def override_show(override_id: IdArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """One override in full (its risk exception included) and its audit history."""
    from corptier.services import get_override, open_workspace, override_history

    ws = open_workspace(workspace)
    o = get_override(ws, override_id)
    facts = [(_("customer"), o.customer_id), (_("tier"), label(o.tier, "tier")),
             (_("state"), label(o.state, "state")), (_("reason"), o.reason),
             (_("risk exception"), o.risk_exception or _("none")),
             (_("from"), _starts(o)), (_("until"), o.valid_until.isoformat()),
             (_("requested by"), o.requested_by), (_("decided by"), o.decided_by or "")]
    console.print(grid(_("Override {id}").format(id=o.id), [_("field"), _("value")],
                       [[name, value] for name, value in facts]))
    console.print(grid(_("History"), [_("at"), _("by"), _("action")],
                       [[e.at.isoformat(sep=" ", timespec="seconds"), e.actor, e.action]
                        for e in override_history(ws, override_id)]))


def _reason(o: OverrideView) -> str:
    """The reason, with the risk exception below it when there is one (for the approver)."""
    if not o.risk_exception:
        return o.reason
    return f"{o.reason}\n{_('risk exception')}: {o.risk_exception}"


def _starts(o: OverrideView) -> str:
    """The first day it applies, or "approval date" while it is pending without one."""
    return o.valid_from.isoformat() if o.valid_from else _("approval date")
