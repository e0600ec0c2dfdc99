"""`corptier standard ...`: validate, suggest, compare, backtest."""

from __future__ import annotations

import sys
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

# --- tiering standard (issue 4): `corptier standard ...`; evaluation adds suggest/compare/backtest
standard_app = typer.Typer(no_args_is_help=True, help="Check and work with tiering standards.")
app.add_typer(standard_app, name="standard")


@standard_app.command("validate")
@friendly
def standard_validate(
    file: Annotated[Path, typer.Argument(help="Standard YAML file, e.g. standards/default.yaml.")],
) -> None:
    """Check a standard; print a summary, or every error as file:line: field: message (exit 4)."""
    from corptier.tiering import StandardValidationError, load_standard

    try:
        standard = load_standard(file)
    except StandardValidationError as exc:
        for issue in exc.issues:
            typer.echo(str(issue), err=True)
        typer.echo(f"{file}: INVALID ({len(exc.issues)} error(s))", err=True)
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"{file}: OK")
    for line in standard.summary():
        typer.echo(f"  {line}")


# --- end tiering standard ---

# --- evaluation: standard suggest/compare/backtest (issue 5) -----------------------------------
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="duckdb or spark (default: config).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _print_json(doc: dict) -> None:
    import json

    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _grid(title: str, headers: list[str], rows: list[list[str]]) -> Any:
    from rich.table import Table

    grid = Table(title=title, title_justify="left")
    for i, name in enumerate(headers):
        grid.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        grid.add_row(*row)
    return grid


def _pct(value: Any) -> str:
    return "—" if value is None or value != value else f"{value:.1%}"


def _computed_note(periods: Any) -> None:
    if periods:
        console.print(f"Indicator snapshots computed on the way: {', '.join(periods)}")


@standard_app.command("suggest")
@friendly
def standard_suggest(
    period: Annotated[str, typer.Option("--period", "-p", help="Period to calibrate on.")],
    method: Annotated[str, typer.Option(help="quantile, pyramid, jenks or kmeans.")] = "quantile",
    standard: Annotated[Path | None, typer.Option(
        help="Standard whose scores are used (default: [tiering] standard).")] = None,
    shares: Annotated[str | None, typer.Option(
        help="Target shares best first, per cent or fractions, e.g. 2,8,20,30,40 "
             "(quantile, pyramid; default: the standard's own).")] = None,
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Propose cut-offs from a period's score distribution, with tier counts and contribution."""
    import yaml

    from corptier.evaluation.standards import parse_shares, suggest_standard

    result = suggest_standard(open_workspace(workspace), period, method, standard_path=standard,
                              shares=parse_shares(shares) if shares else None, engine=engine)
    if as_json:
        _print_json(result.to_dict())
        return
    s = result.suggestion
    fitted = "" if s.sample_size == s.n else f", fitted on a sample of {s.sample_size:,}"
    rows = [[str(r.tier), "" if r.lower_cutoff == float("-inf") else f"≥ {r.lower_cutoff:.2f}",
             f"{r.customers:,}", _pct(r.customer_share), _pct(getattr(r, "contribution_share",
                                                                      None))]
            for r in s.table().itertuples()]
    console.print(_grid(f"Cut-offs by {s.method} on {result.period} ({result.standard}, "
                        f"{s.n:,} customers{fitted})",
                        ["tier", "cut-off", "customers", "share", "contribution share"], rows))
    block = result.cutoffs_block()
    if block:
        console.print("As a standard's cut-offs (before gates and hysteresis):", highlight=False)
        console.print(yaml.safe_dump({"cutoffs": block}, sort_keys=False).rstrip(),
                      highlight=False, markup=False)
    _computed_note(result.computed_snapshots)


@standard_app.command("compare")
@friendly
def standard_compare(
    a: Annotated[Path, typer.Argument(help="Standard A (e.g. the one in force).")],
    b: Annotated[Path, typer.Argument(help="Standard B (the candidate).")],
    period: Annotated[str, typer.Option("--period", "-p", help="Period to apply both to.")],
    out: Annotated[Path | None, typer.Option(
        help="Write every customer that changes tier to FILE.csv.")] = None,
    show: Annotated[int, typer.Option(help="Changed customers to print.")] = 20,
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Apply standards A and B to one period: counts, A→B migration, contribution, movers."""
    from corptier.evaluation.standards import compare_standards, write_changes_csv

    result = compare_standards(open_workspace(workspace), a, b, period, engine=engine)
    if out is not None:
        write_changes_csv(result, out)
    if as_json:
        _print_json(result.to_dict())
        return
    _print_comparison(result, show)
    if out is not None:
        console.print(f"Wrote {len(result.changes):,} changed customers to {out}")


def _print_comparison(result: Any, show: int) -> None:
    c = result.comparison
    console.print(f"A: {result.a}\nB: {result.b}\n{result.period}: {result.customers:,} "
                  "customers, computed tiers (before hysteresis and overrides)", highlight=False)
    share = c.contribution_share
    console.print(_grid("Tiers", ["tier", "customers A", "customers B", "contribution A",
                                  "contribution B"],
                        [[t, f"{c.counts.at[t, 'a']:,}", f"{c.counts.at[t, 'b']:,}",
                          _pct(share.at[t, "a"]), _pct(share.at[t, "b"])] for t in c.tier_order]))
    counts = c.matrix.counts.loc[list(c.tier_order), list(c.tier_order)]
    console.print(_grid(f"Migration A → B (same tier {_pct(c.matrix.diagonal_share)}, up "
                        f"{_pct(c.matrix.upgrade_share)}, down {_pct(c.matrix.downgrade_share)})",
                        ["A \\ B", *c.tier_order],
                        [[t, *(f"{v:,}" for v in row)] for t, row in counts.iterrows()]))
    ch = result.changes
    top = ch.reindex(ch["mover_delta"].abs().sort_values(ascending=False).index).head(show)
    console.print(_grid(
        f"Customers that change tier ({len(ch):,}; by the indicator that moved them most)",
        ["customer", "name", "A", "B", "score A", "score B", "moved by", "points"],
        [[r.customer_id, str(r.name or ""), r.tier_a, r.tier_b, f"{r.score_a:.2f}",
          f"{r.score_b:.2f}", r.mover or "cut-off / gate", "" if r.mover is None
          else f"{r.mover_delta:+.2f}"] for r in top.itertuples()]))


@standard_app.command("backtest")
@friendly
def standard_backtest(
    file: Annotated[Path, typer.Argument(help="Standard YAML file to backtest.")],
    start: Annotated[str, typer.Option("--from", help="First period, YYYY-MM.")],
    end: Annotated[str, typer.Option("--to", help="Last period, YYYY-MM.")],
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Replay a standard over past periods with hysteresis, publishing nothing.

    Reports stability, flapping, score PSI, concentration and next-period exits by tier.
    """
    from corptier.evaluation.standards import backtest_standard

    result = backtest_standard(open_workspace(workspace), file, start, end, engine=engine)
    if as_json:
        _print_json(result.to_dict())
        return
    _print_backtest(result)


def _print_backtest(result: Any) -> None:
    bt, steps = result.backtest, result.backtest.stability.steps
    console.print(f"{result.standard} over {result.periods[0]} .. {result.periods[-1]} "
                  f"({len(result.periods)} periods), with hysteresis; nothing published",
                  highlight=False)
    console.print(_grid(
        f"Stability of the applied tiers (mean same tier {_pct(bt.stability.mean_diagonal_share)})",
        ["step", "stayers", "same tier", "up", "down", "new", "exited"],
        [[f"{r.period_from} → {r.period_to}", f"{r.stayers:,}", _pct(r.diagonal_share),
          _pct(r.upgrade_share), _pct(r.downgrade_share), f"{r.new:,}", f"{r.exited:,}"]
         for r in steps.itertuples()]))
    for label, f in (("Flapping", bt.stability.flapping),
                     ("Without hysteresis", result.computed_flapping)):
        console.print(f"{label}: {f.customers_flapping:,} of {f.customers_observed:,} customers "
                      f"({_pct(f.rate)}) had a tier change reversed within {f.window} periods; "
                      f"{len(f.events):,} of {f.changes:,} changes reversed", highlight=False)
    console.print(_grid(
        f"Score PSI against {result.periods[0]}", ["period", "PSI", "verdict", "bins",
                                                   "n first", "n period"],
        [[r.period, f"{r.psi:.4f}", r.verdict, str(r.bins), f"{r.n_ref:,}", f"{r.n_cur:,}"]
         for r in result.psi_table().itertuples()]))
    conc = bt.concentration_table()
    if len(conc):
        console.print(_grid(
            "Concentration of contribution", ["period", "Gini", "top 1 %", "top 5 %", "top 20 %",
                                              "value destroying"],
            [[r["period"], f"{r['gini']:.3f}", _pct(r["top_1%"]), _pct(r["top_5%"]),
              _pct(r["top_20%"]), _pct(r["destroying_share"])] for r in conc.to_dict("records")]))
    console.print(_grid(
        "Next-period exit rate by tier", ["tier", "customers", "exited next", "exit rate"],
        [[r.tier, f"{r.customers:,}", f"{r.exited_next:,}", _pct(r.exit_rate)]
         for r in bt.stability.exit_rate_by_tier.itertuples()]))
    _computed_note(result.computed_snapshots)


# --- end standard evaluation ---
