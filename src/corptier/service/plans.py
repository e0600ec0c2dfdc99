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
CADENCE_SCHEMA = pa.schema([("tier", pa.string()), ("kind", pa.string()),
                            ("days", pa.int64())])
CHANGE_SCHEMA = pa.schema([("migration", pa.string()), ("kind", pa.string()),
                           ("days", pa.int64())])
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
    """(tier, kind, days) of every recurring task a tier has (a tier without a cadence for a
    kind has no row for it)."""
    rows = [(code, kind, getattr(tier, column)) for code, tier in catalogue.tiers.items()
            for kind, column in RECURRING.items() if getattr(tier, column) is not None]
    return _long(rows, CADENCE_SCHEMA)


def change_table(rules: PlanRules) -> pa.Table:
    """(migration, kind, days): the tasks a tier change brings, due days after the month end."""
    onboarding = rules.onboarding
    return _long([("up", "assign_rm", onboarding.assign_rm_days),
                  ("up", "welcome_visit", onboarding.welcome_visit_days),
                  ("up", "onboarding_survey", onboarding.needs_survey_days),
                  ("down", TRANSITION, rules.transition_days)], CHANGE_SCHEMA)


def task_candidates(plans: ir.Table, cadences: ir.Table, state: ir.Table, month_end: date,
                    rules: PlanRules) -> ir.Table:
    """The tasks the close owes each customer (TASK_COLUMNS), given `state`: per customer and
    kind, the last completion and the open tasks of earlier closes."""
    end = ibis.literal(month_end, "date")
    base = plans.select(*PLAN_COLUMNS)
    recurring = base.join(cadences, "tier")
    seen = state.select(_sid=state.customer_id, _kind=state.kind, _last=state.last_done,
                        _open=state.open_tasks)
    recurring = recurring.left_join(seen, [recurring.customer_id == seen._sid,
                                           recurring.kind == seen._kind])
    recurring = recurring.filter(recurring._open.fill_null(0) == 0)
    owed = _task(recurring, (recurring._last.fill_null(end)
                             + recurring.days.as_interval("D")))
    changes = ibis.memtable(change_table(rules))
    changed = base.join(changes, base.migration == changes.migration)
    brought = _task(changed, end + changed.days.as_interval("D"))
    return owed.union(brought).order_by("customer_id", "kind")


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


def _task(t: ir.Table, due: ir.Value) -> ir.Table:
    return t.select(customer_id=t.customer_id, kind=t.kind.cast("string"), tier=t.tier,
                    rm_id=t.rm_id, sub_branch=t.sub_branch, due_date=due.cast("date"))


def _long(rows: list[tuple[str, str, int]], schema: pa.Schema) -> pa.Table:
    return pa.table([pa.array([r[i] for r in rows], f.type) for i, f in enumerate(schema)],
                    schema=schema)
