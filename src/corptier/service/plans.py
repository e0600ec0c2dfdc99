"""Service plans as Ibis expressions: every customer's plan from its applied tier, and the tasks
a close makes, computed set-wise by the engine (no per-customer Python).

Recurring tasks (a visit, the annual review, a needs survey) follow the tier's cadence: a
customer without an open task of a kind gets one, due the cadence's days after its last
completion of that kind (or after the close's month end, when there is none). An upgrade adds
the onboarding tasks (assign a qualified RM, a welcome visit, a needs survey), a downgrade a
transition task; both due a number of days after the month end (`plan` in the catalogue).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from corptier.service.catalogue import Catalogue, PlanRules

RECURRING = {"visit": "visit_days", "annual_review": "review_days",
             "needs_survey": "survey_days"}
ONBOARDING = ("assign_rm", "welcome_visit", "onboarding_survey")
TRANSITION = "transition"
KINDS = (*RECURRING, *ONBOARDING, TRANSITION)
PLAN_COLUMNS = ("customer_id", "tier", "previous_tier", "migration", "rm_id", "sub_branch")
TASK_COLUMNS = ("customer_id", "kind", "tier", "rm_id", "sub_branch", "due_date")
CADENCE_SCHEMA = pa.schema([("tier", pa.string()), *((c, pa.int64()) for c in RECURRING.values())])
STATE_SCHEMA = pa.schema([("customer_id", pa.string()), ("kind", pa.string()),
                          ("last_done", pa.date32()), ("open_tasks", pa.int64())])
EXISTING_SCHEMA = pa.schema([("id", pa.int64()), ("customer_id", pa.string()),
                             ("kind", pa.string()), ("tier", pa.string()),
                             ("due_date", pa.date32()), ("status", pa.string())])


def plan_table(published: ir.Table, customers: ir.Table) -> ir.Table:
    """Each published customer's plan: applied tier, previous tier, migration, RM, sub-branch."""
    people = customers.select(_cid=customers.customer_id.cast("string"),
                              rm_id=customers.rm_id.cast("string"),
                              sub_branch=customers.sub_branch.cast("string"))
    joined = published.left_join(people, published.customer_id == people._cid)
    return joined.select(
        customer_id=joined.customer_id.cast("string"),
        tier=joined.applied_tier.cast("string"),
        previous_tier=joined.previous_tier.cast("string"),
        migration=joined.migration.cast("string"),
        rm_id=joined.rm_id, sub_branch=joined.sub_branch,
    ).order_by("customer_id")


def cadence_table(catalogue: Catalogue) -> pa.Table:
    """Tier → days of each recurring task (null: the tier has no such task)."""
    tiers = list(catalogue.tiers.items())
    return pa.table({"tier": [code for code, _ in tiers],
                     **{column: [getattr(t, column) for _, t in tiers]
                        for column in RECURRING.values()}}, schema=CADENCE_SCHEMA)


def task_candidates(plans: ir.Table, cadences: ir.Table, state: ir.Table, month_end: date,
                    rules: PlanRules) -> ir.Table:
    """The tasks the close owes each customer (TASK_COLUMNS), given `state`: per customer and
    kind, the last completion and the open tasks of earlier closes."""
    end = ibis.literal(month_end, "date")
    with_days = plans.left_join(cadences, plans.tier == cadences.tier).drop("tier_right")
    parts = []
    for kind, column in RECURRING.items():
        mine = state.filter(state.kind == kind)
        mine = mine.select(_sid=mine.customer_id, _last=mine.last_done, _open=mine.open_tasks)
        t = with_days.filter(with_days[column].notnull())
        t = t.left_join(mine, t.customer_id == mine._sid)
        t = t.filter(t._open.fill_null(0) == 0)
        due = (t._last.fill_null(end) + t[column].as_interval("D")).cast("date")
        parts.append(_task(t, kind, due))
    onboarding = rules.onboarding
    upgraded = plans.filter(plans.migration == "up")
    for kind, days in zip(ONBOARDING, (onboarding.assign_rm_days, onboarding.welcome_visit_days,
                                       onboarding.needs_survey_days), strict=True):
        parts.append(_task(upgraded, kind, _after(end, days)))
    downgraded = plans.filter(plans.migration == "down")
    parts.append(_task(downgraded, TRANSITION, _after(end, rules.transition_days)))
    return ibis.union(*parts).order_by("customer_id", "kind")


def task_changes(candidates: ir.Table, existing: ir.Table) -> tuple[ir.Table, ir.Table]:
    """What turns a period's existing tasks into `candidates`: the ids of open tasks no
    candidate matches (to delete), and the candidates no remaining task of the same customer
    and kind stands for (to insert). A re-close with the same inputs changes nothing."""
    keys = ("customer_id", "kind", "tier", "due_date")
    matched = existing.semi_join(candidates, list(keys))
    stale = existing.filter(existing.status == "open").anti_join(candidates, list(keys))
    remaining = existing.filter(existing.status != "open").union(matched)
    inserts = candidates.anti_join(remaining, ["customer_id", "kind"])
    return stale.select("id").order_by("id"), inserts.order_by("customer_id", "kind")


def _task(t: ir.Table, kind: str, due: ir.Value) -> ir.Table:
    return t.select(customer_id=t.customer_id, kind=ibis.literal(kind, "string"), tier=t.tier,
                    rm_id=t.rm_id, sub_branch=t.sub_branch, due_date=due.cast("date"))


def _after(end: ir.Value, days: int) -> ir.Value:
    return (end + ibis.interval(days=days)).cast("date")
