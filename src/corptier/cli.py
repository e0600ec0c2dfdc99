"""The `corptier` command: one command per user task, each a thin call into a service function."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from corptier.errors import CorptierError
from corptier.workspace import Workspace

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn corptier errors into one clear line and the error's exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorptierError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path)


@app.callback()
def root() -> None:
    """corptier: tiered management of corporate customers (对公客户分层管理)."""


@app.command()
@friendly
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    engine: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    database_url: Annotated[
        str | None, typer.Option(help="App database URL (default sqlite:///db.sqlite).")
    ] = None,
) -> None:
    """Create a workspace: config, folders and the migrated app database."""
    ws = Workspace.init(directory, language=language, engine=engine, database_url=database_url)
    console.print(f"Workspace ready at [bold]{ws.root}[/] (database {ws.config.database.url})")


# --- commands of other areas register below --------------------------------------------------


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
    from rich.table import Table

    periods = summary.periods
    grid = Table(title=f"Synthetic bank in {summary.out} ({periods[0]} .. {periods[-1]}, "
                       f"{len(periods)} periods, {summary.format})", title_justify="left")
    for name, justify in (("table", "left"), ("rows", "right"), ("rows per period", "right")):
        grid.add_column(name, justify=justify)  # type: ignore[arg-type]
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
    from rich.table import Table

    grid = Table(title=f"Load {report.period} from {report.source}", title_justify="left")
    for name, justify in (("table", "left"), ("read", "right"), ("accepted", "right"),
                          ("rejected", "right"), ("warnings", "right")):
        grid.add_column(name, justify=justify)  # type: ignore[arg-type]
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
        f"in {result.seconds:.1f} s → {result.customer_path.relative_to(ws.root)}, "
        f"{result.group_path.relative_to(ws.root)}", highlight=False,
    )
    if out is not None:
        console.print(f"customer snapshot also written to {export_snapshot(result, out)}")


# --- end engine ---


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
    rows = [[r.tier, "" if r.lower_cutoff == float("-inf") else f"≥ {r.lower_cutoff:.2f}",
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



def main() -> None:
    """Entry point of the console script."""
    app(prog_name="corptier")


if __name__ == "__main__":
    sys.exit(main())
