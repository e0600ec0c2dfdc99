"""`corptier survey ...`: needs surveys (需求调研): check a questionnaire, create a campaign,
import the answers (reconciled), and the results (response rate, satisfaction, NPS by tier,
segment and RM; detractors; the needs gap that `corptier recommend` uses)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.archive import need_label
from corptier.cli.base import (
    CorptierGroup,
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
from corptier.cli.language import _, translator
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import ResultGroup

survey_app = group("Needs surveys: questionnaires, campaigns, answers and results.")
app.add_typer(survey_app, name="survey")
campaign_app = typer.Typer(cls=CorptierGroup, no_args_is_help=True, add_completion=False,
                           rich_markup_mode=None, help="Create or list survey campaigns.")
survey_app.add_typer(campaign_app, name="campaign")
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")]
CampaignArg = Annotated[int, typer.Argument(metavar="CAMPAIGN", help="Campaign id.")]


def kind_label(code: str) -> str:
    labels = {"single": _("single choice"), "multiple": _("multiple choice"),
              "scale": _("scale 1–5"), "nps": _("NPS 0–10"), "text": _("free text")}
    return labels.get(code, code)


@survey_app.command("check")
def survey_check(
    file: Annotated[Path, typer.Argument(help="Questionnaire, e.g. standards/surveys/x.yaml.")],
) -> None:
    """Check a questionnaire file: one line per problem with its line and field."""
    from corptier.services import check_questionnaire

    q = check_questionnaire(file)
    say(_("{file}: OK ({id} version {version}, {n} questions)").format(
        file=file, id=q.id, version=q.version, n=len(q.questions)))
    for question in q.questions:
        needs = "、".join(sorted({need_label(n) for c in question.choices for n in c.needs}))
        say(f"  {question.id}: {question.text} [{kind_label(question.kind)}]"
            + (f" → {needs}" if needs else ""))


@campaign_app.command("create")
def campaign_create(
    questionnaire: Annotated[str, typer.Option(
        "--questionnaire", "-q",
        help="Questionnaire id (id@version) in standards/surveys/, or its file.")],
    period: Annotated[str, typer.Option("--period", "-p", help="A closed period, YYYY-MM.")],
    tier: Annotated[list[str] | None, typer.Option(
        "--tier", help="Applied tier code (repeat for several).")] = None,
    segment: Annotated[list[str] | None, typer.Option(
        "--segment", help="Needs segment code (repeat for several).")] = None,
    rm: Annotated[list[str] | None, typer.Option(
        "--rm", help="RM id (repeat for several).")] = None,
    customer: Annotated[list[str] | None, typer.Option(
        "--customer", help="Customer id (repeat for several).")] = None,
    customers_file: Annotated[Path | None, typer.Option(
        "--list", help="A text file with one customer id per line.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The campaign's name.")] = None,
    by: ByOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create a campaign: the customers of the period in the given tiers, segments, RMs and
    list (each left out = any)."""
    from corptier.services import create_campaign, open_workspace

    ws = open_workspace(workspace)
    ids = list(customer or [])
    if customers_file is not None:
        ids += [line.strip() for line in customers_file.read_text(encoding="utf-8-sig")
                .splitlines() if line.strip()]
    done = create_campaign(ws, acting(ws, by), questionnaire=questionnaire, period=period,
                           name=name, tiers=tier or [], segments=segment or [], rms=rm or [],
                           customers=ids)
    say(_("campaign {id} created: {name} ({questionnaire} {version}), period {period}, "
          "{n} customers targeted").format(
        id=done.id, name=done.name, questionnaire=done.questionnaire_id,
        version=done.questionnaire_version, period=done.period, n=done.targeted))


@campaign_app.command("list")
def campaign_list(
    period: Annotated[str | None, typer.Option("--period", "-p", help="YYYY-MM.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the survey campaigns."""
    from corptier.services import list_campaigns, open_workspace

    rows = list_campaigns(open_workspace(workspace), period)
    console.print(grid(_("Survey campaigns ({n})").format(n=len(rows)),
                       [_("id"), _("name"), _("questionnaire"), _("period"), _("targeted"),
                        _("created by")],
                       [[str(c.id), c.name, f"{c.questionnaire_id} {c.questionnaire_version}",
                         c.period, str(c.targeted), c.created_by] for c in rows]))


@survey_app.command("import")
def survey_import(
    campaign: CampaignArg,
    file: Annotated[Path, typer.Argument(help="Answers, .csv (UTF-8 or GBK) or .xlsx.")],
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a campaign's answers (one row per customer; headers: the customer column and the
    questions' Chinese texts or ids); rows that do not fit are rejected with their row and
    field and written to quarantine/surveys/."""
    from corptier.services import import_answers, open_workspace

    ws = open_workspace(workspace)
    done = import_answers(ws, campaign, file, acting(ws, by))
    say(_("{file}: read {read} = accepted {accepted} + rejected {rejected}").format(
        file=done.file, read=done.read, accepted=done.accepted, rejected=done.rejected))
    for r in done.rejections:
        say(f"  {r}")
    say(_("needs gap: {n} (customer, category) pairs written to {file}").format(
        n=done.gap_rows, file=done.stated_needs))
    if done.quarantine is not None:
        say(_("rejected rows: {file}").format(file=done.quarantine))


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(label: str, g: ResultGroup) -> list[str]:
    return [label, str(g.targeted), str(g.responded), pct(g.response_rate),
            _number(g.satisfaction), str(g.nps_answers), _number(g.nps, 1)]


@survey_app.command("results")
def survey_results_cmd(
    campaign: CampaignArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Response rate, satisfaction (1–5) and NPS in total and by tier, segment and RM; the
    NPS detractors (0–6); the needs stated and the needs gap."""
    from corptier.services import open_workspace, survey_results

    r = survey_results(open_workspace(workspace), campaign, lang=translator().lang)
    if as_json:
        def group_doc(g: ResultGroup) -> dict[str, Any]:
            return {"key": g.key, "targeted": g.targeted, "responded": g.responded,
                    "response_rate": g.response_rate, "satisfaction": g.satisfaction,
                    "nps_answers": g.nps_answers, "promoters": g.promoters,
                    "detractors": g.detractors, "nps": g.nps}

        print_json({"campaign": r.campaign.id, "period": r.campaign.period,
                    "total": group_doc(r.total),
                    "by": {k: [group_doc(g) for g in v] for k, v in r.by.items()},
                    "detractors": [asdict(d) for d in r.detractors],
                    "needs": [{"category": c, "stated": s, "gap": g} for c, s, g in r.needs]})
        return
    c = r.campaign
    say(_("campaign {id}: {name} ({questionnaire} {version}), period {period}").format(
        id=c.id, name=c.name, questionnaire=c.questionnaire_id,
        version=c.questionnaire_version, period=c.period))
    headers = [_("group"), _("targeted"), _("responded"), _("response rate"),
               _("satisfaction"), _("NPS answers"), _("NPS")]
    titles = {"tier": _("By tier"), "segment": _("By needs segment"), "rm_id": _("By RM")}
    rows = [_row(_("all"), r.total)]
    console.print(grid(_("Survey results"), headers, rows))
    for key, groups in r.by.items():
        names = r.names.get("segment" if key == "segment" else "tier", {}) \
            if key != "rm_id" else {}
        console.print(grid(titles[key], headers,
                           [_row(names.get(g.key or "", g.key or "–"), g) for g in groups]))
    console.print(grid(_("NPS detractors (0–6): {n}").format(n=len(r.detractors)),
                       [_("customer"), _("score"), _("tier"), _("segment"), _("RM")],
                       [[d.customer_id, str(d.score),
                         r.names["tier"].get(d.tier or "", d.tier or "–"),
                         r.names["segment"].get(d.segment or "", d.segment or "–"),
                         d.rm_id or "–"] for d in r.detractors]))
    console.print(grid(_("Stated needs and needs gap"),
                       [_("category"), _("customers stating"), _("not holding it (gap)")],
                       [[need_label(cat), str(s), str(g)] for cat, s, g in r.needs]))
