"""Commands that bring data in: synth, load, indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corptier.cli.base import (
    EngineOpt,
    PeriodOpt,
    WorkspaceOpt,
    app,
    console,
    grid,
    print_json,
    say,
)
from corptier.cli.labels import label
from corptier.cli.language import _
from corptier.cli.progress import showing_progress
from corptier.cli.users import acting


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the period folders into.")],
    customers: Annotated[int, typer.Option(help="Customers in the history (ids 1..N).")] = 5000,
    months: Annotated[int, typer.Option(help="Months of history, 1-120.")] = 12,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2025-01",
    dirty: Annotated[bool, typer.Option(
        help="Inject row-level defects (always CSV, some files GBK; see <period>/_defects.json)."
    )] = False,
    profile: Annotated[Path | None, typer.Option(
        "--profile", help="Write the files in the export shape of this mapping profile "
                          "(names, Chinese headers, codes, 万元, GBK); load them with "
                          "`corptier load --profile`.")] = None,
    attrition: Annotated[float, typer.Option(
        help="Share of customers who silently leave in a year (they stop transacting, drain "
             "their balances and close; who and when: OUT/_truth.parquet).")] = 0.03,
) -> None:
    """Write a synthetic branch: OUT/<YYYY-MM>/ per month, each loadable by `corptier load`."""
    from corptier.services import synthesize_bank

    with showing_progress():
        summary = synthesize_bank(out, customers=customers, months=months, seed=seed, fmt=fmt,
                                  dirty=dirty, start=start, profile=profile,
                                  attrition=attrition)
    _print_synth_summary(summary, profile)


def _print_synth_summary(summary: Any, profile: Path | None = None) -> None:
    periods = summary.periods
    rows = [[label(name, "table"), f"{n:,}", f"{n / len(periods):,.0f}"]
            for name, n in summary.totals().items()]
    console.print(grid(
        _("Synthetic bank in {out} ({first} .. {last}, {n} periods, {format})").format(
            out=summary.out, first=periods[0], last=periods[-1], n=len(periods),
            format=summary.format),
        [_("table"), _("rows"), _("rows per period")], rows))
    if summary.dirty:
        count = sum(summary.defects.values())
        say(_("--dirty: {count} defects injected, written as CSV (some files GBK); each "
              "period's _defects.json lists them").format(count=f"{count:,}"))
    with_profile = f" --profile {profile}" if profile else ""
    say(_("Done in {seconds} s. Load a period with: {command}").format(
        seconds=f"{summary.seconds:.1f}",
        command=f"corptier load --period {periods[0]}{with_profile} {summary.out / periods[0]}"))


@app.command()
def load(
    path: Annotated[
        Path, typer.Argument(help="Folder with one file per table (.csv/.parquet/.xlsx).")
    ],
    period: PeriodOpt,
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the reconciliation as JSON.")
    ] = False,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who loads (default: your login name; with users, the user of "
                     "CORPTIER_TOKEN).")] = None,
    accept_partial: Annotated[bool, typer.Option(
        "--accept-partial",
        help="Load even when most rows of a table are rejected or of another period.",
    )] = False,
    profile: Annotated[Path | None, typer.Option(
        "--profile", help="Mapping profile (YAML) of the bank's export layout: file names, "
                          "headers, codes, units, date formats (docs/onboarding.md).")] = None,
) -> None:
    """Validate a period's table files and load them; rejected rows go to quarantine/<period>/."""
    from corptier.services import load_period, open_workspace

    ws = open_workspace(workspace)
    actor = acting(ws, by, login_default=True)
    if as_json:
        print_json(load_period(ws, period, path, by=actor, accept_partial=accept_partial,
                               profile=profile).to_dict())
        return
    with showing_progress():
        report = load_period(ws, period, path, by=actor, accept_partial=accept_partial,
                             profile=profile)
    _print_load_report(report, ws)


def _print_load_report(report: Any, ws: Any) -> None:
    rows = [[label(t.table, "table"), f"{t.read:,}", f"{t.accepted:,}", f"{t.rejected:,}",
             f"{t.warning_count:,}"]
            for t in report.tables.values()]
    rows.append([_("total"), f"{report.read:,}", f"{report.accepted:,}",
                 f"{report.rejected:,}", ""])
    console.print(grid(
        _("Load {period} from {source}").format(period=report.period, source=report.source),
        [_("table"), _("read"), _("accepted"), _("rejected"), _("warnings")], rows))
    for t in report.tables.values():
        for w in t.warnings:
            say(_("warning {where}").format(where=f"{t.table}.{w}"))
        for problem, count in list(t.problems.items())[:5]:
            column, kind = problem.split(": ", 1)
            say(_("problem {where} ({kind}): {count} rows").format(
                where=f"{t.table}.{column}", kind=kind, count=f"{count:,}"))
    for note in report.warnings:
        say(_("warning {where}").format(where=note))
    if report.rejected:
        say(_("Rejected rows (one line per problem): {path}").format(
            path=ws.quarantine_dir / report.period))
    say(_("Loaded into {path} (load id {load_id}, {seconds} s)").format(
        path=ws.data_dir, load_id=report.load_id, seconds=f"{report.seconds:.1f}"))


@app.command()
def indicators(
    period: PeriodOpt,
    engine: EngineOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the customer snapshot to FILE.parquet or .csv."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Compute the customer and group indicator snapshots of a period and register the run."""
    from corptier.services import compute_indicators, export_snapshot, open_workspace

    ws = open_workspace(workspace)
    with showing_progress():
        result = compute_indicators(ws, period, engine)
    say(_("{customers} customers, {groups} groups on {engine} in {seconds} s{plan} → {paths}")
        .format(customers=f"{result.customers:,}", groups=f"{result.groups:,}",
                engine=result.engine, seconds=f"{result.seconds:.1f}",
                plan=_(" (stored plan)") if result.plan_cached else "",
                paths=f"{result.customer_path.relative_to(ws.root)}, "
                      f"{result.group_path.relative_to(ws.root)}"))
    if out is not None:
        say(_("customer snapshot also written to {path}").format(
            path=export_snapshot(result, out)))
