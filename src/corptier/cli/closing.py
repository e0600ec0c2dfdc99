"""The period close and what it publishes: close, tiers, explain."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corptier.cli.base import EngineOpt, PeriodOpt, WorkspaceOpt, app, print_json, say
from corptier.cli.labels import counts_line
from corptier.cli.language import _
from corptier.cli.progress import showing_progress
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import CloseResult


@app.command()
def close(
    period: PeriodOpt,
    engine: EngineOpt = None,
    standard: Annotated[
        Path | None, typer.Option(help="Standard file (default: [tiering] standard).")
    ] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who closes (default: your login name; with users, the user of "
                     "CORPTIER_TOKEN).")] = None,
    reclose_following: Annotated[bool, typer.Option(
        "--reclose-following", help="Also close again, in order, the later periods already "
                                    "published; all are published together.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Close a period: indicators, scores, tiers, hysteresis, overrides; publish one run."""
    from corptier.services import close_period, open_workspace

    ws = open_workspace(workspace)
    with showing_progress():
        result = close_period(ws, period, engine=engine, standard_path=standard,
                              by=acting(ws, by, login_default=True),
                              reclose_following=reclose_following)
    for each in (result, *result.reclosed):
        _say_closed(each)


def _say_closed(result: CloseResult) -> None:
    note = _(" (identical to the run already published)") if result.unchanged else ""
    say(_("Closed {period}: run {run_id}{note}, standard {standard} v{version}, {customers} "
          "customers, {seconds} s").format(
        period=result.period, run_id=result.run_id, note=note, standard=result.standard_id,
        version=result.standard_version, customers=result.customers,
        seconds=f"{result.seconds:.1f}"))
    say(_("Tiers: {counts}").format(counts=counts_line(result.tier_counts, "tier")))
    say(_("Migration: {counts}").format(counts=counts_line(result.migrations, "migration")))
    for override_id in result.overrides_refused:
        say(_("override {id} not applied: a risk cap fired and it has no risk "
              "exception").format(id=override_id))
    if result.overrides_not_applied:
        say(_("Overrides not applied: {reasons}").format(
            reasons="; ".join(result.overrides_not_applied)))
    for problem in result.follow_up_problems:
        say(_("Not done after the close: {problem}").format(problem=problem))


@app.command()
def tiers(
    period: PeriodOpt,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Export the published tiers of a period, sorted by customer id."""
    from corptier.services import export_tiers, open_workspace
    from corptier.services.outputs import write_export

    text = export_tiers(open_workspace(workspace), period, fmt)
    if out is None:
        sys.stdout.write(text)
    else:
        write_export(out, text, fmt)
        say(_("Wrote {path}").format(path=out))


@app.command()
def explain(
    customer: Annotated[str, typer.Argument(
        help="Customer id, USCC or exact registered name.")],
    period: PeriodOpt,
    lang: Annotated[str | None, typer.Option(help="en or zh-CN (default: workspace).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Explain a customer's published tier: points, gates, group, hysteresis, override,
    behaviour."""
    from corptier.services import explain_customer, open_workspace

    found = explain_customer(open_workspace(workspace), customer, period, lang)
    if as_json:
        print_json(found.data, sort_keys=True)
        return
    say(found.text)
