"""Commands that bring data in: synth, load, indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corptier.cli.base import (
    WorkspaceOpt,
    app,
    console,
    err_console,
    friendly,
    open_workspace,
)
from corptier.workspace import Workspace


# --- synth: the synthetic bank (issue 2) -----------------------------------------------------
@app.command()
@friendly
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
) -> None:
    """Write a synthetic branch: OUT/<YYYY-MM>/ per month, each loadable by `corptier load`."""
    from corptier.synth import check_parameters, synthesize

    check_parameters(customers, months, seed, fmt, start)
    with err_console.status("synthesising…") as status:
        summary = synthesize(out, customers, months, seed, fmt, dirty, start,
                             progress=lambda p: status.update(f"synthesising {p}…"))
    _print_synth_summary(summary)


def _print_synth_summary(summary: Any) -> None:
    from rich.console import JustifyMethod
    from rich.table import Table

    periods = summary.periods
    grid = Table(title=f"Synthetic bank in {summary.out} ({periods[0]} .. {periods[-1]}, "
                       f"{len(periods)} periods, {summary.format})", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("table", "left"), ("rows", "right"), ("rows per period", "right"))
    for name, justify in columns:
        grid.add_column(name, justify=justify)
    for name, rows in summary.totals().items():
        grid.add_row(name, f"{rows:,}", f"{rows / len(periods):,.0f}")
    console.print(grid)
    if summary.dirty:
        count = sum(summary.defects.values())
        console.print(f"--dirty: {count:,} defects injected, written as CSV (some files GBK); "
                      f"each period's _defects.json lists them")
    console.print(f"Done in {summary.seconds:.1f} s. Load a period with: corptier load "
                  f"--period {periods[0]} {summary.out / periods[0]}", highlight=False)


# --- end synth ---


# --- contract: corptier load ------------------------------------------------------------------
@app.command()
@friendly
def load(
    path: Annotated[
        Path, typer.Argument(help="Folder with one file per table (.csv/.parquet/.xlsx).")
    ],
    period: Annotated[str, typer.Option("--period", "-p", help="Period loaded, YYYY-MM.")],
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the reconciliation as JSON.")
    ] = False,
) -> None:
    """Validate a period's table files and load them; rejected rows go to quarantine/<period>/."""
    import json

    from corptier.contract.load import load_period

    ws = open_workspace(workspace)
    if as_json:
        report = load_period(ws, period, path)
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    with err_console.status("loading…") as status:
        report = load_period(ws, period, path, progress=lambda t: status.update(f"loading {t}…"))
    _print_load_report(report, ws)


def _print_load_report(report: Any, ws: Workspace) -> None:
    from rich.console import JustifyMethod
    from rich.table import Table

    grid = Table(title=f"Load {report.period} from {report.source}", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("table", "left"), ("read", "right"), ("accepted", "right"), ("rejected", "right"),
        ("warnings", "right"))
    for name, justify in columns:
        grid.add_column(name, justify=justify)
    for t in report.tables.values():
        rejected = f"[red]{t.rejected:,}[/]" if t.rejected else "0"
        grid.add_row(t.table, f"{t.read:,}", f"{t.accepted:,}", rejected, f"{t.warning_count:,}")
    grid.add_row("total", f"{report.read:,}", f"{report.accepted:,}",
                 f"{report.rejected:,}", "", style="bold")
    console.print(grid)
    for t in report.tables.values():
        for w in t.warnings:
            console.print(f"[yellow]warning[/] {t.table}.{w}", highlight=False)
        for problem, count in list(t.problems.items())[:5]:
            column, kind = problem.split(": ", 1)
            console.print(f"[red]problem[/] {t.table}.{column} ({kind}): {count:,} rows",
                          highlight=False)
    for note in report.warnings:
        console.print(f"[yellow]warning[/] {note}", highlight=False)
    if report.rejected:
        console.print(f"Rejected rows (one line per problem): {ws.quarantine_dir / report.period}")
    console.print(f"Loaded into {ws.data_dir} (load id {report.load_id}, {report.seconds:.1f} s)")
# --- end contract ---


# --- engine: corptier indicators (issue 3) ----------------------------------------------------
@app.command()
@friendly
def indicators(
    period: Annotated[str, typer.Option("--period", "-p", help="Loaded period, YYYY-MM.")],
    engine: Annotated[
        str | None, typer.Option("--engine", help="duckdb or spark (default: corptier.toml).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the customer snapshot to FILE.parquet or .csv."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Compute the customer and group indicator snapshots of a period and register the run."""
    from corptier.engine import compute_indicators
    from corptier.engine.export import export_snapshot

    ws = open_workspace(workspace)
    with err_console.status(f"computing indicators of {period}…"):
        result = compute_indicators(ws, period, engine)
    console.print(
        f"{result.customers:,} customers, {result.groups:,} groups on {result.engine} "
        f"in {result.seconds:.1f} s{' (stored plan)' if result.plan_cached else ''} → "
        f"{result.customer_path.relative_to(ws.root)}, "
        f"{result.group_path.relative_to(ws.root)}", highlight=False,
    )
    if out is not None:
        console.print(f"customer snapshot also written to {export_snapshot(result, out)}")


# --- end engine ---
