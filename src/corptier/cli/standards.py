"""`corptier standard ...`: validate, adopt, suggest, compare, backtest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corptier.cli.base import (
    EngineOpt,
    JsonOpt,
    WorkspaceOpt,
    app,
    console,
    grid,
    group,
    pct,
    print_json,
    say,
)
from corptier.cli.labels import indicator, label
from corptier.cli.language import _, current
from corptier.cli.progress import showing_progress
from corptier.cli.users import acting
from corptier.errors import StandardError

standard_app = group("Check, adopt, calibrate, compare and backtest tiering standards.")
app.add_typer(standard_app, name="standard")


def _computed_note(periods: Any) -> None:
    if periods:
        say(_("Indicator snapshots computed on the way: {periods}").format(
            periods=", ".join(periods)))


@standard_app.command("validate")
def standard_validate(
    file: Annotated[Path, typer.Argument(help="Standard YAML file, e.g. standards/default.yaml.")],
) -> None:
    """Check a standard; print a summary, or every error as file:line: field: message."""
    from corptier.services import validate_standard

    try:
        summary = validate_standard(file)
    except StandardError as exc:
        lang = current()
        issues = [i.say(lang) for i in getattr(exc, "issues", ())] or [exc.say(lang)]
        for issue in issues:
            typer.echo(issue, err=True)
        typer.echo(_("{file}: INVALID ({n} error(s))").format(file=file, n=len(issues)),
                   err=True)
        raise typer.Exit(exc.exit_code) from None
    typer.echo(_("{file}: OK").format(file=file))
    for line in summary.lines:
        typer.echo(f"  {line}")


@standard_app.command("adopt")
def standard_adopt(
    file: Annotated[Path, typer.Argument(help="Standard YAML to adopt.")],
    period: Annotated[str, typer.Option("--period", "-p", help="First period it applies to.")],
    by: Annotated[str | None, typer.Option(
        "--by", help="Who adopts it; with users, the user of CORPTIER_TOKEN.")] = None,
    note: Annotated[str | None, typer.Option(
        help="Why (kept with the adoption; required with users: the proposal's reason)."
    )] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Make a standard the active one from a period on, and record the adoption.

    Once the workspace has users this proposes the adoption: another user approves it with
    `corptier standard approve ID` (maker-checker)."""
    from corptier.services import adopt_standard, list_users, open_workspace
    from corptier.services.standard_adoption import propose_adoption

    ws = open_workspace(workspace)
    by = acting(ws, by)
    if list_users(ws):
        proposal = propose_adoption(ws, file, period, by, note or "")
        say(_("Proposed {standard} v{version} from {period} as proposal {id}; another user "
              "approves it with: corptier standard approve {id}").format(
            standard=proposal.standard_id, version=proposal.version,
            period=proposal.start_period, id=proposal.id))
        return
    adopted = adopt_standard(ws, file, period, by, note)
    say(_("Adopted {standard} v{version} from {period} (hash {hash})").format(
        standard=adopted.standard_id, version=adopted.version, period=adopted.period,
        hash=adopted.content_hash[:12]))


ProposalArg = Annotated[int, typer.Argument(metavar="ID", help="Proposal id.")]
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who decides; with users, the user of CORPTIER_TOKEN.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Note kept with the decision.")]


@standard_app.command("approve")
def standard_approve(proposal_id: ProposalArg, by: ByOpt = None, note: NoteOpt = None,
                     workspace: WorkspaceOpt = Path(".")) -> None:
    """Approve a proposed adoption (not your own) and make its standard the active one."""
    from corptier.services import open_workspace
    from corptier.services.standard_adoption import approve_adoption

    ws = open_workspace(workspace)
    adopted = approve_adoption(ws, proposal_id, acting(ws, by), note)
    say(_("Adopted {standard} v{version} from {period} (hash {hash})").format(
        standard=adopted.standard_id, version=adopted.version, period=adopted.period,
        hash=adopted.content_hash[:12]))


@standard_app.command("reject")
def standard_reject(proposal_id: ProposalArg, by: ByOpt = None, note: NoteOpt = None,
                    workspace: WorkspaceOpt = Path(".")) -> None:
    """Reject a proposed adoption (not your own)."""
    from corptier.services import open_workspace
    from corptier.services.standard_adoption import reject_adoption

    ws = open_workspace(workspace)
    rejected = reject_adoption(ws, proposal_id, acting(ws, by), note)
    say(_("Proposal {id} rejected by {by}").format(id=rejected.id, by=rejected.decided_by))


@standard_app.command("proposals")
def standard_proposals(
    state: Annotated[str | None, typer.Option(
        "--state", help="pending, approved or rejected.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List proposed adoptions of standards, newest first."""
    from corptier.services import open_workspace
    from corptier.services.standard_adoption import list_proposals

    rows = list_proposals(open_workspace(workspace), state)
    console.print(grid(
        _("Standard proposals ({n})").format(n=len(rows)),
        [_("id"), _("standard"), _("from"), _("state"), _("proposed by"), _("decided by"),
         _("reason")],
        [[str(p.id), f"{p.standard_id} {p.version}", p.start_period, label(p.state, "state"),
          p.proposed_by, p.decided_by or "", p.reason] for p in rows]))


@standard_app.command("suggest")
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

    from corptier.services import open_workspace, suggest_standard

    with showing_progress():
        result = suggest_standard(open_workspace(workspace), period, method,
                                  standard_path=standard, shares=shares, engine=engine)
    if as_json:
        print_json(result.to_dict())
        return
    s = result.suggestion
    fitted = "" if s.sample_size == s.n else _(", fitted on a sample of {n}").format(
        n=f"{s.sample_size:,}")
    headers = [_("tier"), _("cut-off"), _("customers"), _("share"), _("contribution share")]
    console.print(grid(
        _("Cut-offs by {method} on {period} ({standard}, {n} customers{fitted})").format(
            method=_(s.method), period=result.period, standard=result.standard,
            n=f"{s.n:,}", fitted=fitted),
        headers, _suggestion_rows(s)))
    for code, own in result.ladders.items():
        console.print(grid(
            _("Cut-offs in ladder {ladder} ({n} customers)").format(ladder=code, n=f"{own.n:,}"),
            headers, _suggestion_rows(own)))
    block = result.cutoffs_block()
    if block:
        say(_("As a standard's cut-offs (before gates and hysteresis):"))
        say(yaml.safe_dump({"cutoffs": block}, sort_keys=False).rstrip())
    _computed_note(result.computed_snapshots)


def _suggestion_rows(s: Any) -> list[list[str]]:
    """One row per tier of a cut-off suggestion: cut-off, customers, shares."""
    return [[label(str(r.tier), "tier"),
             "" if r.lower_cutoff == float("-inf") else f"≥ {r.lower_cutoff:.2f}",
             f"{r.customers:,}", pct(r.customer_share), pct(getattr(r, "contribution_share",
                                                                      None))]
            for r in s.table().itertuples()]


@standard_app.command("compare")
def standard_compare(
    a: Annotated[Path, typer.Argument(help="Standard A (e.g. the one in force).")],
    period: Annotated[str, typer.Option("--period", "-p", help="Period to apply both to.")],
    b: Annotated[Path | None, typer.Argument(
        help="Standard B (the candidate). With one file, A is the standard the period's "
             "published run applied and the file is B.")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Write every customer that changes tier to FILE.csv.")] = None,
    show: Annotated[int, typer.Option(help="Changed customers to print.")] = 20,
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Apply standards A and B to one period: counts, A→B migration, contribution, movers."""
    from corptier.services import compare_standards, open_workspace, write_changes_csv

    a_path, b_path = (None, a) if b is None else (a, b)
    with showing_progress():
        result = compare_standards(open_workspace(workspace), a_path, b_path, period,
                                   engine=engine)
    if out is not None:
        write_changes_csv(result, out)
    if as_json:
        print_json(result.to_dict())
        return
    _print_comparison(result, show)
    if out is not None:
        say(_("Wrote {n} changed customers to {path}").format(n=f"{len(result.changes):,}",
                                                               path=out))


def _print_comparison(result: Any, show: int) -> None:
    c = result.comparison
    say(f"A: {result.a}\nB: {result.b}")
    say(_("{period}: {n} customers, computed tiers (before hysteresis and overrides)").format(
        period=result.period, n=f"{result.customers:,}"))
    share = c.contribution_share
    console.print(grid(_("Tiers"), [_("tier"), _("customers A"), _("customers B"),
                                    _("contribution A"), _("contribution B")],
                        [[label(t, "tier"), f"{c.counts.at[t, 'a']:,}", f"{c.counts.at[t, 'b']:,}",
                          pct(share.at[t, "a"]), pct(share.at[t, "b"])] for t in c.tier_order]))
    counts = c.matrix.counts.loc[list(c.tier_order), list(c.tier_order)]
    console.print(grid(
        _("Migration A → B (same tier {same}, up {up}, down {down})").format(
            same=pct(c.matrix.diagonal_share), up=pct(c.matrix.upgrade_share),
            down=pct(c.matrix.downgrade_share)),
        ["A \\ B", *(label(t, "tier") for t in c.tier_order)],
        [[label(str(t), "tier"), *(f"{v:,}" for v in row)] for t, row in counts.iterrows()]))
    ch = result.changes
    top = ch.reindex(ch["mover_delta"].abs().sort_values(ascending=False).index).head(show)
    console.print(grid(
        _("Customers that change tier ({n}; by the indicator that moved them most)").format(
            n=f"{len(ch):,}"),
        [_("customer"), _("name"), "A", "B", _("score A"), _("score B"), _("moved by"),
         _("points")],
        [[r.customer_id, str(r.name or ""), label(r.tier_a, "tier"), label(r.tier_b, "tier"),
          f"{r.score_a:.2f}", f"{r.score_b:.2f}",
          indicator(r.mover) if r.mover else _("cut-off / gate"), "" if r.mover is None
          else f"{r.mover_delta:+.2f}"] for r in top.itertuples()]))


@standard_app.command("backtest")
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
    from corptier.services import backtest_standard, open_workspace

    with showing_progress():
        result = backtest_standard(open_workspace(workspace), file, start, end, engine=engine)
    if as_json:
        print_json(result.to_dict())
        return
    _print_backtest(result)


def _print_backtest(result: Any) -> None:
    bt, steps = result.backtest, result.backtest.stability.steps
    say(_("{standard} over {first} .. {last} ({n} periods), with hysteresis; nothing "
          "published").format(standard=result.standard, first=result.periods[0],
                              last=result.periods[-1], n=len(result.periods)))
    console.print(grid(
        _("Stability of the applied tiers (mean same tier {share})").format(
            share=pct(bt.stability.mean_diagonal_share)),
        [_("step"), _("stayers"), _("same tier"), _("up"), _("down"), _("new"), _("exited")],
        [[f"{r.period_from} → {r.period_to}", f"{r.stayers:,}", pct(r.diagonal_share),
          pct(r.upgrade_share), pct(r.downgrade_share), f"{r.new:,}", f"{r.exited:,}"]
         for r in steps.itertuples()]))
    for title, f in ((_("Flapping"), bt.stability.flapping),
                     (_("Without hysteresis"), result.computed_flapping)):
        say(_("{title}: {n} of {observed} customers ({rate}) had a tier change reversed within "
              "{window} periods; {reversed} of {changes} changes reversed").format(
            title=title, n=f"{f.customers_flapping:,}", observed=f"{f.customers_observed:,}",
            rate=pct(f.rate), window=f.window, reversed=f"{len(f.events):,}",
            changes=f"{f.changes:,}"))
    console.print(grid(
        _("Score PSI against {period}").format(period=result.periods[0]),
        [_("period"), "PSI", _("verdict"), _("bins"), _("n first"), _("n period")],
        [[r.period, f"{r.psi:.4f}", label(r.verdict, "verdict"), str(r.bins), f"{r.n_ref:,}",
          f"{r.n_cur:,}"]
         for r in result.psi_table().itertuples()]))
    conc = bt.concentration_table()
    if len(conc):
        console.print(grid(
            _("Concentration of contribution"), [_("period"), "Gini", _("top 1 %"),
                                                 _("top 5 %"), _("top 20 %"),
                                                 _("value destroying")],
            [[r["period"], f"{r['gini']:.3f}", pct(r["top_1%"]), pct(r["top_5%"]),
              pct(r["top_20%"]), pct(r["destroying_share"])] for r in conc.to_dict("records")]))
    console.print(grid(
        _("Next-period exit rate by tier"), [_("tier"), _("customers"), _("exited next"),
                                             _("exit rate")],
        [[label(r.tier, "tier"), f"{r.customers:,}", f"{r.exited_next:,}", pct(r.exit_rate)]
         for r in bt.stability.exit_rate_by_tier.itertuples()]))
    _computed_note(result.computed_snapshots)


