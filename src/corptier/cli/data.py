"""Commands that bring data in: synth, load, indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from corptier.cli.base import (
    EngineOpt,
    PeriodOpt,
    WorkspaceOpt,
    app,
    console,
    err_console,
    grid,
    print_json,
    say,
)
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
) -> None:
    """Write a synthetic branch: OUT/<YYYY-MM>/ per month, each loadable by `corptier load`."""
    from corptier.services import synthesize_bank

    with err_console.status(Text("synthesising…")) as status:
        summary = synthesize_bank(out, customers=customers, months=months, seed=seed, fmt=fmt,
                                  dirty=dirty, start=start, profile=profile,
                                  progress=lambda p: status.update(Text(f"synthesising {p}…")))
    _print_synth_summary(summary, profile)


def _print_synth_summary(summary: Any, profile: Path | None = None) -> None:
    periods = summary.periods
    rows = [[name, f"{n:,}", f"{n / len(periods):,.0f}"] for name, n in summary.totals().items()]
    console.print(grid(f"Synthetic bank in {summary.out} ({periods[0]} .. {periods[-1]}, "
                       f"{len(periods)} periods, {summary.format})",
                       ["table", "rows", "rows per period"], rows))
    if summary.dirty:
        count = sum(summary.defects.values())
        say(f"--dirty: {count:,} defects injected, written as CSV (some files GBK); "
            "each period's _defects.json lists them")
    with_profile = f" --profile {profile}" if profile else ""
    say(f"Done in {summary.seconds:.1f} s. Load a period with: corptier load "
        f"--period {periods[0]}{with_profile} {summary.out / periods[0]}")


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
    with err_console.status(Text("loading…")) as status:
        report = load_period(ws, period, path, by=actor, accept_partial=accept_partial,
                             profile=profile,
                             progress=lambda t: status.update(Text(f"loading {t}…")))
    _print_load_report(report, ws)


def _print_load_report(report: Any, ws: Any) -> None:
    rows = [[t.table, f"{t.read:,}", f"{t.accepted:,}", f"{t.rejected:,}", f"{t.warning_count:,}"]
            for t in report.tables.values()]
    rows.append(["total", f"{report.read:,}", f"{report.accepted:,}", f"{report.rejected:,}", ""])
    console.print(grid(f"Load {report.period} from {report.source}",
                       ["table", "read", "accepted", "rejected", "warnings"], rows))
    for t in report.tables.values():
        for w in t.warnings:
            say(f"warning {t.table}.{w}")
        for problem, count in list(t.problems.items())[:5]:
            column, kind = problem.split(": ", 1)
            say(f"problem {t.table}.{column} ({kind}): {count:,} rows")
    for note in report.warnings:
        say(f"warning {note}")
    if report.rejected:
        say(f"Rejected rows (one line per problem): {ws.quarantine_dir / report.period}")
    say(f"Loaded into {ws.data_dir} (load id {report.load_id}, {report.seconds:.1f} s)")


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
    with err_console.status(Text(f"computing indicators of {period}…")):
        result = compute_indicators(ws, period, engine)
    say(f"{result.customers:,} customers, {result.groups:,} groups on {result.engine} "
        f"in {result.seconds:.1f} s{' (stored plan)' if result.plan_cached else ''} → "
        f"{result.customer_path.relative_to(ws.root)}, {result.group_path.relative_to(ws.root)}")
    if out is not None:
        say(f"customer snapshot also written to {export_snapshot(result, out)}")
