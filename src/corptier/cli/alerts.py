"""`corptier alerts ...`: dynamics alerts (动态跟踪): list, acknowledge, resolve, dismiss."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corptier.cli.base import WorkspaceOpt, app, console, grid, group, say
from corptier.cli.labels import label
from corptier.cli.language import _, translator
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import AlertView

alerts_app = group("Dynamics alerts: raised at every close, acknowledged, resolved or "
                   "dismissed.")
app.add_typer(alerts_app, name="alerts")
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")]
IdArg = Annotated[int, typer.Argument(metavar="ID")]


@alerts_app.command("list")
def alerts_list(
    mine: Annotated[bool, typer.Option("--mine", help="Only the alerts of the acting user "
                                                      "(an RM's customers; a team head's "
                                                      "escalated ones).")] = False,
    by: ByOpt = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="open, acknowledged, resolved or dismissed.")] = None,
    severity: Annotated[str | None, typer.Option(
        "--severity", help="critical, high, medium or low.")] = None,
    period: Annotated[str | None, typer.Option(
        "--period", "-p", help="Only alerts alive in this period, YYYY-MM.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List alerts, newest first, with their state, severity and escalation."""
    from corptier.services import list_alerts, open_workspace

    ws = open_workspace(workspace)
    who = acting(ws, by) if mine else None
    rows = list_alerts(ws, mine=who, state=state, severity=severity, period=period)
    lang = translator().lang
    console.print(grid(
        _("Alerts ({n})").format(n=len(rows)),
        [_("id"), _("customer"), _("alert"), _("severity"), _("state"), _("RM"),
         _("escalated"), _("period"), _("facts"), _("note")],
        [[str(a.id), a.customer_id, a.title(lang), label(a.severity, "severity"),
          _state(a), a.rm_id or "", _("yes") if a.escalated else "",
          _periods(a), a.facts, a.note or ""] for a in rows]))


def _state(a: AlertView) -> str:
    text = label(a.state, "alert_state")
    return text if a.holds or a.state not in ("open", "acknowledged") else (
        f"{text} · {_('no longer holds')}")


def _periods(a: AlertView) -> str:
    return a.first_period if a.first_period == a.last_period else (
        f"{a.first_period}–{a.last_period}")


def _done(a: AlertView, by: str) -> None:
    say(_("alert {id} ({customer}) {state} by {by}").format(
        id=a.id, customer=a.customer_id, state=label(a.state, "alert_decision"), by=by))


@alerts_app.command("ack")
def alerts_ack(alert_id: IdArg, by: ByOpt = None, note: Annotated[str | None, typer.Option(
        "--note", help="Optional note kept in the audit log.")] = None,
        workspace: WorkspaceOpt = Path(".")) -> None:
    """Acknowledge an open alert (it stops counting towards escalation)."""
    from corptier.services import acknowledge_alert, open_workspace

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _done(acknowledge_alert(ws, alert_id, by, note), by)


@alerts_app.command("resolve")
def alerts_resolve(alert_id: IdArg, by: ByOpt = None, note: Annotated[str | None, typer.Option(
        "--note", help="What was done (required).")] = None,
        workspace: WorkspaceOpt = Path(".")) -> None:
    """Resolve an open or acknowledged alert, with a note saying what was done."""
    from corptier.services import open_workspace, resolve_alert

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _done(resolve_alert(ws, alert_id, by, note), by)


@alerts_app.command("dismiss")
def alerts_dismiss(alert_id: IdArg, by: ByOpt = None, note: Annotated[str | None, typer.Option(
        "--note", help="Why it is dismissed (required).")] = None,
        workspace: WorkspaceOpt = Path(".")) -> None:
    """Dismiss an open or acknowledged alert (e.g. a false alarm), with a reason."""
    from corptier.services import dismiss_alert, open_workspace

    ws = open_workspace(workspace)
    by = acting(ws, by)
    _done(dismiss_alert(ws, alert_id, by, note), by)


@alerts_app.command("validate")
def alerts_validate(
    file: Annotated[Path, typer.Argument(help="Alert rules file, e.g. standards/alerts.yaml.")],
) -> None:
    """Check an alert rules file: one line per problem with its line and field."""
    from corptier.services import validate_alert_rules

    rules = validate_alert_rules(file)
    say(_("{file}: OK ({rules} rules, {enabled} enabled)").format(
        file=file, rules=len(rules.rules), enabled=len(rules.enabled)))


@alerts_app.command("evaluate")
def alerts_evaluate(
    period: Annotated[str, typer.Option("--period", "-p", help="A closed period, YYYY-MM.")],
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Alert rules file (default: standards/alerts.yaml).")] = None,
    by: ByOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Evaluate the alert rules on a closed period again (a close does it by itself)."""
    from corptier.services import evaluate_alerts, open_workspace

    ws = open_workspace(workspace)
    done = evaluate_alerts(ws, period, rules_path=rules,
                           by=acting(ws, by, login_default=True))
    say(_("alerts of {period}: {raised} raised, {updated} updated, {gone} no longer hold, "
          "{escalated} escalated").format(period=done.period, raised=done.raised,
                                          updated=done.updated, gone=done.no_longer_holding,
                                          escalated=done.escalated))
