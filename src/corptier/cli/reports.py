"""The effect report and the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corptier.cli.base import (
    WorkspaceOpt,
    app,
    console,
    friendly,
    open_workspace,
)


# --- evaluation: the effect report (issue 5) ---------------------------------------------------
@app.command()
@friendly
def report(
    period: Annotated[str, typer.Option("--period", "-p", help="Closed period, YYYY-MM.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="en or zh-CN (default: the workspace language).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the effect report of a period: reports/P/report.html, report.pdf, report.xlsx."""
    from corptier.close.inputs import run_standard
    from corptier.evaluation.report import write_report

    ws = open_workspace(workspace)
    for path in write_report(ws, period, lang, standard=run_standard(ws, period)):
        typer.echo(str(path))


# --- end of evaluation -------------------------------------------------------------------------

# --- demo -----------------------------------------------------------------------------------
@app.command()
@friendly
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo.")] = Path("demo"),
    customers: Annotated[int, typer.Option(help="Customers of the synthetic branch.")] = 5000,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic bank.")] = 2026,
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
) -> None:
    """Build a synthetic branch, load and close every period, and write the last report."""
    from corptier.demo import run_demo

    result = run_demo(directory, customers=customers, months=months, seed=seed,
                      language=language, progress=lambda m: console.print(m, highlight=False))
    last = result.last_close
    console.rule(f"corptier demo — {last.period}")
    console.print(f"Workspace: {result.workspace}")
    console.print(f"Input files: {result.incoming} ({len(result.periods)} periods)")
    console.print(f"Rows loaded: {result.rows_loaded:,}; rejected: {result.rows_rejected:,}")
    console.print(f"Standard {last.standard_id} v{last.standard_version}, run {last.run_id}")
    console.print("Tier distribution: "
                  + ", ".join(f"{k} {v}" for k, v in last.tier_counts.items()))
    console.print("Migration vs previous period: "
                  + ", ".join(f"{k} {v}" for k, v in last.migrations.items()))
    for path in result.report:
        console.print(f"Report: {path}")
    console.print(f"Try: corptier explain <customer> --period {last.period} "
                  f"--workspace {result.workspace}")


# --- end demo ---
