"""`corptier staff ...`: the relationship managers — the staff rules, the roster with each RM's
book and workload, and the coverage gaps with the training plan that closes them."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.base import JsonOpt, WorkspaceOpt, app, console, grid, group, pct, print_json, say
from corptier.cli.labels import label
from corptier.cli.language import _, translator

if TYPE_CHECKING:
    from corptier.services import AssignmentProposal, StaffRoster, TrainingGaps

staff_app = group("Relationship managers: roster, workload, qualifications and training.")
app.add_typer(staff_app, name="staff")
PeriodArg = Annotated[str | None, typer.Option(
    "--period", "-p", help="Period, YYYY-MM (default: the latest closed).")]
RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", help="Staff rules YAML (default: the workspace's standards/staff.yaml).")]


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | Path):
        return str(value)
    return value


def _name(names: dict[str, tuple[str, str]], code: str) -> str:
    """A certification or course in the current language, with its code beside it."""
    zh, en = names.get(code, (code, code))
    text = zh if translator().lang.startswith("zh") else en
    return f"{text} ({code})" if text != code else code


def _action(code: str) -> str:
    labels = {"assign": _("Assign an RM"), "reassign": _("Reassign (grade too low)"),
              "train": _("Train"), "renew": _("Renew certification")}
    return labels.get(code, code)


def _grade_list(grades: tuple[str, ...]) -> str:
    return ", ".join(grades)


@staff_app.command("check")
def staff_check(
    file: Annotated[Path | None, typer.Argument(
        help="Staff rules YAML (default: the workspace's standards/staff.yaml).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Check the staff rules against the standard's tiers (file:line errors)."""
    from corptier.services import check_staff_rules, open_workspace

    found = check_staff_rules(open_workspace(workspace), file)
    say(_("staff rules {id} {version} are valid: {tiers} tiers, {grades} grades ({names}), "
          "{certs} certifications, {courses} courses").format(
        id=found.id, version=found.version, tiers=len(found.tiers), grades=len(found.grades),
        names=_grade_list(found.grades), certs=len(found.certifications),
        courses=len(found.courses)))
    say(_("content hash: {hash}").format(hash=found.content_hash))


@staff_app.command("roster")
def staff_roster_show(
    period: PeriodArg = None,
    rules: RulesOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Each RM's book by tier, weighted load against capacity, grade, certifications and
    training of the last twelve months."""
    from corptier.services import open_workspace, staff_roster

    found = staff_roster(open_workspace(workspace), period, rules)
    if as_json:
        print_json(_jsonable(found))
        return
    _print_roster(found)


def _print_roster(found: StaffRoster) -> None:
    tiers = list(found.tiers)
    headers = [_("RM"), _("name"), _("grade"), _("team"), _("sub-branch"),
               *(label(t, "tier") for t in tiers), _("customers"), _("load"), _("capacity"),
               _("utilisation"), _("valid certifications"), _("expiring"), _("expired"),
               _("training hours (12 months)")]
    rows = []
    for r in found.rows:
        book = dict(r.book)
        certs = {s: [c for c in r.certifications if c.status == s]
                 for s in ("valid", "expiring", "expired")}
        capacity = "–" if r.capacity is None else str(r.capacity) + (
            "" if r.capacity_source == "roster" else _(" (grade)"))
        rows.append([
            r.rm_id, r.name, r.grade, r.team or "–", r.sub_branch,
            *(str(book.get(t, 0)) for t in tiers), str(r.customers), f"{r.load:g}", capacity,
            pct(r.utilisation) + (" ⚠" if r.over_capacity else ""),
            ", ".join(c.code for c in certs["valid"]) or "–",
            ", ".join(f"{c.code} {c.expires}" for c in certs["expiring"]) or "–",
            ", ".join(c.code for c in certs["expired"]) or "–",
            str(r.training_hours)])
    console.print(grid(_("RM roster ({period}, staff rules {version})").format(
        period=found.period, version=found.rules_version), headers, rows))
    over = sum(1 for r in found.rows if r.over_capacity)
    say(_("{rms} RMs, {customers} customers covered; {over} RMs over capacity").format(
        rms=len(found.rows), customers=sum(r.customers for r in found.rows), over=over))
    if found.unassigned:
        say(_("Customers without an RM on the roster: {counts}").format(counts=", ".join(
            f"{label(t, 'tier')} {n}" for t, n in found.unassigned)))


@staff_app.command("training-gaps")
def staff_training_gaps(
    period: PeriodArg = None,
    rules: RulesOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Customers served by an RM not eligible for their tier (grade, certifications) or by no
    RM, and the training plan that closes the gaps: which course for which RM."""
    from corptier.services import open_workspace, training_gaps

    found = training_gaps(open_workspace(workspace), period, rules)
    if as_json:
        print_json(_jsonable(found))
        return
    _print_gaps(found)


def _print_gaps(found: TrainingGaps) -> None:
    say(_("Coverage of {period} (staff rules {version}): {customers} customers; {eligible} "
          "served by an eligible RM, {ineligible} by an RM not eligible for their tier, "
          "{unassigned} without an RM").format(
        period=found.period, version=found.rules_version, customers=found.customers,
        eligible=found.eligible, ineligible=found.ineligible, unassigned=found.unassigned))
    names = found.names
    rows = [[label(g.tier, "tier"), g.rm_id or "–", g.rm_name or "–", g.grade or "–",
             g.min_grade, str(g.customers), g.example,
             ", ".join(_name(names, c) for c in g.missing) or "–",
             ", ".join(_name(names, c) for c in g.expiring) or "–", _action(g.action)]
            for g in found.gaps]
    console.print(grid(_("Coverage gaps ({n})").format(n=len(found.gaps)),
                       [_("tier"), _("RM"), _("name"), _("grade"), _("grade needed"),
                        _("customers"), _("e.g."), _("missing certifications"),
                        _("expiring"), _("action")], rows))
    plan = [[s.rm_id, s.rm_name, _name(names, s.course), _name(names, s.certification),
             _action(s.action), str(s.hours), ", ".join(label(t, "tier") for t in s.tiers),
             str(s.customers)] for s in found.plan]
    console.print(grid(_("Training plan ({n} courses, {hours} hours)").format(
        n=len(found.plan), hours=sum(s.hours for s in found.plan)),
        [_("RM"), _("name"), _("course"), _("grants"), _("action"), _("hours"), _("tiers"),
         _("customers")], plan))
    if found.reassign:
        say(_("{n} customers need an RM of a higher grade: training does not close that gap")
            .format(n=found.reassign))


def _reason(code: str) -> str:
    labels = {"no_rm": _("no RM"), "not_eligible": _("RM not eligible"),
              "over_capacity": _("RM over capacity")}
    return labels.get(code, code)


@staff_app.command("portfolio")
def staff_portfolio_show(
    rm: Annotated[list[str] | None, typer.Option(
        "--rm", metavar="ID", help="Only this RM (repeat for several).")] = None,
    period: PeriodArg = None,
    rules: RulesOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Each RM's portfolio: book by tier, load against capacity, tier migration of the book,
    contribution growth of the same customers, task SLA and NPS."""
    from corptier.services import open_workspace, staff_portfolio

    found = staff_portfolio(open_workspace(workspace), period, rm or None, rules)
    if as_json:
        print_json(_jsonable(found))
        return
    tiers = list(found.tiers)
    rows = [[r.rm_id, r.name, *(str(dict(r.book).get(t, 0)) for t in tiers),
             f"{r.load:g}", "–" if r.capacity is None else str(r.capacity),
             pct(r.utilisation) + (" ⚠" if r.utilisation and r.utilisation > 1 else ""),
             str(r.upgraded), str(r.downgraded), str(r.kept), str(r.new),
             "–" if r.contribution is None else f"{r.contribution:,.0f}",
             pct(r.contribution_growth), f"{r.tasks_on_time}/{r.tasks_due}", pct(r.sla),
             "–" if r.nps is None else f"{r.nps:.0f} ({r.nps_answers})"] for r in found.rows]
    console.print(grid(_("RM portfolios ({period})").format(period=found.period),
                       [_("RM"), _("name"), *(label(t, "tier") for t in tiers), _("load"),
                        _("capacity"), _("utilisation"), _("upgraded"), _("downgraded"),
                        _("same tier"), _("new"), _("contribution"), _("contribution growth"),
                        _("tasks on time / due"), _("task SLA"), _("NPS (answers)")], rows))
    say(_("contribution growth: the same customers against {base}").format(
        base=found.base_period or _("no earlier period")))


@staff_app.command("assign")
def staff_assign(
    propose: Annotated[bool, typer.Option(
        "--propose", help="Propose assignments (nothing is changed).")] = False,
    save: Annotated[bool, typer.Option(
        "--save", help="With --propose: record the proposal as pending for a checker.")] = False,
    approve: Annotated[int | None, typer.Option(
        "--approve", "--apply", metavar="ID",
        help="Approve a pending proposal (not its maker): its moves apply from the next "
             "period.")] = None,
    reject: Annotated[int | None, typer.Option(
        "--reject", metavar="ID", help="Reject a pending proposal (not its maker).")] = None,
    pending: Annotated[bool, typer.Option(
        "--list", help="List the stored proposals.")] = False,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note kept with the decision.")
                    ] = None,
    period: PeriodArg = None,
    rules: RulesOpt = None,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", help="Seconds the solver may search.", min=1)] = 120.0,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Propose RM assignments for customers with no RM, an RM not eligible for their tier or
    an RM over capacity (a mixed-integer program, HiGHS); record a proposal (--save) and let
    another user approve (--approve) or reject it (maker-checker)."""
    from corptier.errors import RequestError
    from corptier.services import open_workspace

    modes = [propose, approve is not None, reject is not None, pending]
    if sum(modes) != 1:
        raise RequestError("give one of --propose, --approve ID, --reject ID or --list")
    ws = open_workspace(workspace)
    if approve is not None or reject is not None:
        _decide(ws, approve, reject, by, note)
    elif pending:
        _list_proposals(ws)
    else:
        _propose(ws, period, rules, time_limit, save, by, as_json)


def _propose(ws: Any, period: str | None, rules: Path | None, time_limit: float, save: bool,
             by: str | None, as_json: bool) -> None:
    from corptier.cli.users import acting
    from corptier.services import propose_assignments, record_proposal

    found = propose_assignments(ws, period, rules, time_limit=time_limit)
    stored = record_proposal(ws, found, acting(ws, by)) if save else None
    if as_json:
        print_json({**_jsonable(found), "proposal_id": None if stored is None else stored.id})
        return
    _print_proposal(found)
    if stored is not None:
        say(_("proposal {id} recorded: pending until another user approves it "
              "(corptier staff assign --approve {id})").format(id=stored.id))


def _decide(ws: Any, approve: int | None, reject: int | None, by: str | None,
            note: str | None) -> None:
    from corptier.cli.users import acting
    from corptier.services import approve_proposal, reject_proposal

    who = acting(ws, by)
    if approve is not None:
        done = approve_proposal(ws, approve, who, note)
        say(_("proposal {id} approved by {by}: {n} customers get their new RM from "
              "{period}").format(id=done.id, by=who, n=done.assigned,
                                 period=done.effective_from))
    else:
        assert reject is not None
        done = reject_proposal(ws, reject, who, note)
        say(_("proposal {id} rejected by {by}; nothing was assigned").format(id=done.id,
                                                                           by=who))


def _list_proposals(ws: Any) -> None:
    from corptier.services import list_proposals

    rows = [[str(p.id), p.period, p.effective_from, str(len(p.moves)), str(p.assigned),
             label(p.state, "decision"), p.requested_by, p.decided_by or "–"]
            for p in list_proposals(ws)]
    console.print(grid(_("Assignment proposals ({n})").format(n=len(rows)),
                       [_("ID"), _("period"), _("applies from"), _("moves"), _("assigned"),
                        _("state"), _("proposed by"), _("decided by")], rows))


def _print_proposal(found: AssignmentProposal) -> None:
    say(_("Assignment proposal for {period} (staff rules {version}): {considered} customers to "
          "place, {moves} moves, {kept} kept, {uncovered} without an eligible RM with room")
        .format(period=found.period, version=found.rules_version, considered=found.considered,
                moves=len(found.moves), kept=found.kept, uncovered=found.uncovered))
    proven = (_("optimal") if found.gap < 1e-9 else
              _("optimal within {gap}").format(gap=pct(found.gap))) if found.optimal else \
        _("best found in the time limit, within {gap} of the optimum").format(
            gap=pct(found.gap))
    say(_("Objective {objective:.1f} ({proven}); highest utilisation {before} → {after}; "
          "{seconds:.1f} s").format(objective=found.objective, proven=proven,
                                     before=pct(found.max_utilisation_before),
                                     after=pct(found.max_utilisation_after),
                                     seconds=found.seconds))
    rows = [[m.customer_id, label(m.tier, "tier"), m.sub_branch or "–", m.from_rm or "–",
             m.to_rm or _("(none)"), _reason(m.reason)] for m in found.moves]
    console.print(grid(_("Proposed moves ({n})").format(n=len(found.moves)),
                       [_("customer"), _("tier"), _("sub-branch"), _("from RM"), _("to RM"),
                        _("reason")], rows))
    loads = [[c.rm_id, c.name, c.sub_branch, f"{c.capacity:g}", f"{c.load_before:g}",
              f"{c.load_after:g}"] for c in found.loads]
    console.print(grid(_("RM load before and after ({n})").format(n=len(found.loads)),
                       [_("RM"), _("name"), _("sub-branch"), _("capacity"), _("before"),
                        _("after")], loads))
