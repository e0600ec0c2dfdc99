"""`corptier service ...`: the tier service catalogue, customers' service plans, their tasks
and the delivery KPIs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.base import (
    CorptierGroup,
    PeriodOpt,
    WorkspaceOpt,
    app,
    console,
    grid,
    group,
    pct,
    say,
)
from corptier.cli.labels import label
from corptier.cli.language import _, translator
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import ServiceTaskView

service_app = group("Differentiated service by tier: catalogue, plans, tasks, delivery KPIs.")
app.add_typer(service_app, name="service")
tasks_app = typer.Typer(cls=CorptierGroup, invoke_without_command=True, add_completion=False,
                        rich_markup_mode=None,
                        help="List service-plan tasks; `done` completes one.")
service_app.add_typer(tasks_app, name="tasks")
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")]


def task_kind(code: str) -> str:
    """The label of a task kind in the current language."""
    labels = {"visit": _("Visit"), "annual_review": _("Annual review"),
              "needs_survey": _("Needs survey"), "assign_rm": _("Assign a qualified RM"),
              "welcome_visit": _("Welcome visit"), "onboarding_survey": _("Onboarding survey"),
              "transition": _("Tier transition talk"), "follow_up": _("Follow-up")}
    return labels.get(code, code)


def task_status(task: ServiceTaskView) -> str:
    labels = {"open": _("Open"), "done": _("Done"), "superseded": _("Superseded")}
    return _("Overdue") if task.overdue else labels.get(task.status, task.status)


def _model_kind(code: str) -> str:
    labels = {"team": _("1+N team"), "dedicated": _("Dedicated RM"),
              "pooled": _("Pooled team"), "remote": _("Remote service")}
    return labels.get(code, code)


def _zh() -> bool:
    return translator().lang.startswith("zh")


def _tasks_grid(title: str, tasks: list[ServiceTaskView]) -> Any:
    return grid(title, [_("id"), _("customer"), _("task"), _("tier"), _("RM"), _("sub-branch"),
                        _("due"), _("status"), _("done by"), _("note")],
                [[str(t.id), t.customer_id, task_kind(t.kind), label(t.tier, "tier"),
                  t.rm_id or "", t.sub_branch or "", t.due_date.isoformat(), task_status(t),
                  t.done_by or "", t.note or ""] for t in tasks])


@service_app.command("check")
def service_check(
    file: Annotated[Path | None, typer.Argument(
        help="Catalogue YAML (default: the workspace's standards/service.yaml).")] = None,
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Compliance rules YAML (default: the catalogue's `rules` file).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Check a catalogue against the fee rules (七不准, 四公开) and the standard's tiers."""
    from corptier.services import check_service_catalogue, open_workspace

    in_workspace = file is None or (workspace / "corptier.toml").is_file()
    ws = open_workspace(workspace) if in_workspace else None
    found = check_service_catalogue(ws, file, rules_path=rules)
    say(_("service catalogue {id} {version} is valid: {tiers} tiers, {rules} compliance rules "
          "passed ({rule_set} {rule_version})").format(
        id=found.id, version=found.version, tiers=len(found.tiers), rules=len(found.rules),
        rule_set=found.rules_id, rule_version=found.rules_version))
    say(_("content hash: {hash}").format(hash=found.content_hash))


@service_app.command("plan")
def service_plan_show(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    period: Annotated[str | None, typer.Option("--period", "-p",
                                               help="Period, YYYY-MM (default: the latest).")]
    = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show a customer's service plan: tier, RM, entitlements and open tasks."""
    from corptier.services import open_workspace, service_plan

    plan = service_plan(open_workspace(workspace), customer, period)
    zh, e = _zh(), plan.entitlements
    model = e.service_model
    say(_("Service plan of {customer} ({period}): {tier}; {migration}").format(
        customer=plan.customer_id, period=plan.period, tier=label(plan.tier, "tier"),
        migration=label(plan.migration, "migration")))
    say(_("RM: {rm} ({sub_branch})").format(rm=plan.rm_id or "–", sub_branch=plan.sub_branch
                                             or "–"))
    say(_("Catalogue: {id} {version}").format(id=plan.catalogue_id,
                                              version=plan.catalogue_version))
    say(_("Service model: {kind} — {description}").format(
        kind=_model_kind(model.kind),
        description=(model.description_zh if zh else model.description_en)
        or model.description_zh))
    say(_("Cadence: visit every {visit} days, annual review every {review} days, needs survey "
          "every {survey} days; response within {hours} hours").format(
        visit=e.visit_days or "–", review=e.review_days or "–", survey=e.survey_days or "–",
        hours=e.response_hours))
    say(_("Pricing authority: loan rate up to {loan} bp, fees up to {fee} bp").format(
        loan=e.pricing.loan_rate_bp, fee=e.pricing.fee_concession_bp))
    for c in e.pricing.concessions:
        say(_("Concession: {fee} waived {share} under policy {policy}").format(
            fee=c.fee, share=pct(c.waive_share), policy=c.policy or "–"))
    for s in e.exclusive_services:
        name = (s.name_zh if zh else s.name_en) or s.name_zh
        say(_("Exclusive service: {name} ({how})").format(
            name=name, how=_("free") if s.free else _("charged")))
    if e.proactive_products:
        say(_("Products offered proactively: {products}").format(
            products=", ".join(e.proactive_products)))
    open_tasks = [t for t in plan.tasks if t.status == "open"]
    console.print(_tasks_grid(_("Open tasks ({n})").format(n=len(open_tasks)), open_tasks))


@tasks_app.callback()
def service_tasks(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help="Only the tasks of the RM you are.")]
    = False,
    by: ByOpt = None,
    rm: Annotated[str | None, typer.Option("--rm", help="Only this RM's tasks (RM id).")]
    = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Customer id.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")] = False,
    status: Annotated[str, typer.Option(
        "--status", help="open, done, superseded or all.")] = "open",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List service-plan tasks by due date (open ones by default)."""
    if ctx.invoked_subcommand is not None:
        return
    from corptier.services import list_service_tasks, open_workspace

    ws = open_workspace(workspace)
    user = acting(ws, by) if mine else None
    tasks = list_service_tasks(ws, rm_id=rm, user=user, customer_id=customer, overdue=overdue,
                               status=status)
    console.print(_tasks_grid(_("Service tasks ({n})").format(n=len(tasks)), tasks))


@tasks_app.command("done")
def service_task_done(
    task_id: Annotated[int, typer.Argument(metavar="ID")],
    by: ByOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="What was done (kept as typed).")]
    = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Complete an open task (audited)."""
    from corptier.services import complete_service_task, open_workspace

    ws = open_workspace(workspace)
    who = acting(ws, by)
    task = complete_service_task(ws, task_id, who, note)
    say(_("task {id} ({customer}: {kind}) done by {by}").format(
        id=task.id, customer=task.customer_id, kind=task_kind(task.kind), by=who))


@service_app.command("kpis")
def service_kpis_show(
    period: PeriodOpt,
    by: Annotated[str | None, typer.Option(
        "--by", help="tier, rm or sub_branch (default: all three).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Delivery KPIs of the tasks due in a period: completion and SLA compliance."""
    from corptier.services import open_workspace, service_kpis

    ws = open_workspace(workspace)
    titles = {"tier": _("Delivery by tier ({period})"), "rm": _("Delivery by RM ({period})"),
              "sub_branch": _("Delivery by sub-branch ({period})")}
    for key in [by] if by else list(titles):
        frame = service_kpis(ws, period, key or "tier")
        rows = [[label(str(r[key]), "tier") if key == "tier" else str(r[key] or "–"),
                 str(r["tasks"]), str(r["done"]), str(r["on_time"]), str(r["overdue"]),
                 pct(r["completion"]), pct(r["sla_compliance"])]
                for r in frame.to_dict("records")]
        console.print(grid(titles.get(key or "", str(key)).format(period=period),
                           [_("group"), _("tasks"), _("done"), _("on time"), _("overdue"),
                            _("completion"), _("SLA compliance")], rows))
