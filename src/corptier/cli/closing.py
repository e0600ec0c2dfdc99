"""The period close and what it publishes: close, tiers, explain, standard adopt."""

from __future__ import annotations

import sys
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
from corptier.cli.standards import standard_app


# --- period close (issue 4): close, tiers, explain ---------------------------------------------
@app.command()
@friendly
def close(
    period: Annotated[str, typer.Option("--period", "-p", help="Period YYYY-MM to close.")],
    engine: Annotated[str | None, typer.Option(help="duckdb or spark (default: config).")] = None,
    standard: Annotated[
        Path | None, typer.Option(help="Standard file (default: [tiering] standard).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Close a period: indicators, scores, tiers, hysteresis, overrides; publish one run."""
    from corptier.close import close_period

    result = close_period(open_workspace(workspace), period, engine=engine,
                          standard_path=standard)
    note = " (identical to the run already published)" if result.unchanged else ""
    console.print(
        f"Closed {result.period}: run {result.run_id}{note}, standard "
        f"{result.standard_id} v{result.standard_version}, {result.customers} customers, "
        f"{result.seconds:.1f} s"
    )
    console.print("Tiers: " + ", ".join(f"{k} {v}" for k, v in result.tier_counts.items()))
    console.print("Migration: " + ", ".join(f"{k} {v}" for k, v in result.migrations.items()))


@app.command()
@friendly
def tiers(
    period: Annotated[str, typer.Option("--period", "-p", help="Closed period YYYY-MM.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Export the published tiers of a period, sorted by customer id."""
    from corptier.close import export_tiers

    if fmt not in ("csv", "json"):
        raise typer.BadParameter("--format must be csv or json")
    text = export_tiers(open_workspace(workspace), period, fmt)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote {out}")


@app.command()
@friendly
def explain(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    period: Annotated[str, typer.Option("--period", "-p", help="Closed period YYYY-MM.")],
    lang: Annotated[str | None, typer.Option(help="en or zh-CN (default: workspace).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Explain a customer's published tier: points, gates, group, hysteresis, override."""
    import json

    from corptier.close import explanation
    from corptier.close.explain_text import render_explanation

    ws = open_workspace(workspace)
    expl = explanation(ws, customer, period)
    if as_json:
        sys.stdout.write(json.dumps(expl, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    console.print(render_explanation(expl, lang or ws.config.workspace.language),
                  highlight=False, markup=False)


@standard_app.command("adopt")
@friendly
def standard_adopt(
    file: Annotated[Path, typer.Argument(help="Standard YAML to adopt.")],
    period: Annotated[str, typer.Option("--period", "-p", help="First period it applies to.")],
    by: Annotated[str, typer.Option("--by", help="Who adopts it.")],
    note: Annotated[str | None, typer.Option(help="Why (kept with the adoption).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Make a standard the active one from a period on, and record the adoption."""
    from corptier.close.adoption import adopt_standard

    standard = adopt_standard(open_workspace(workspace), file, period, by, note)
    console.print(f"Adopted {standard.id} v{standard.version} from {period} "
                  f"(hash {standard.content_hash[:12]})")


# --- end period close ---
