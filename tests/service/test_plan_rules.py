"""Plan tasks computed set-wise: due dates per cadence, onboarding and transition tasks, and a
diff that makes a re-close change nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa

from corptier.service import load_catalogue
from corptier.service import plans as rules

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "corptier" / "standards"
CATALOGUE, _ = load_catalogue(SHIPPED / "service.yaml")
END = date(2026, 9, 30)


def plans(*rows: tuple[str, str, str | None, str]) -> ibis.Table:
    return ibis.memtable(pa.table({
        "customer_id": [r[0] for r in rows], "tier": [r[1] for r in rows],
        "previous_tier": [r[2] for r in rows], "migration": [r[3] for r in rows],
        "rm_id": ["RM01"] * len(rows), "sub_branch": ["高新支行"] * len(rows)}))


def state(*rows: tuple[str, str, date | None, int]) -> ibis.Table:
    return ibis.memtable(pa.table({
        "customer_id": [r[0] for r in rows], "kind": [r[1] for r in rows],
        "last_done": [r[2] for r in rows], "open_tasks": [r[3] for r in rows]},
        schema=rules.STATE_SCHEMA))


def tasks(t: ibis.Table, s: ibis.Table) -> dict[tuple[str, str], date]:
    expr = rules.task_candidates(t, ibis.memtable(rules.cadence_table(CATALOGUE)), s, END,
                                 CATALOGUE.plan)
    out = ibis.duckdb.connect().to_pyarrow(expr).to_pylist()
    return {(r["customer_id"], r["kind"]): r["due_date"] for r in out}


def test_recurring_tasks_follow_the_cadence_from_the_month_end_or_the_last_visit() -> None:
    found = tasks(plans(("C1", "strategic", "strategic", "same"), ("C2", "basic", None, "new")),
                  state(("C1", "visit", date(2026, 9, 20), 0)))
    assert found == {
        ("C1", "visit"): date(2026, 10, 20),           # 30 days after the last visit
        ("C1", "annual_review"): date(2027, 9, 30),    # 365 days after the month end
        ("C1", "needs_survey"): date(2027, 3, 29),     # 180 days
        ("C2", "annual_review"): date(2027, 9, 30),    # basic: remote, no visits or surveys
    }


def test_an_open_task_of_a_kind_is_kept_not_doubled() -> None:
    found = tasks(plans(("C1", "key", "key", "same")), state(("C1", "visit", None, 1),
                                                              ("C1", "annual_review", None, 1)))
    assert found == {("C1", "needs_survey"): date(2027, 9, 30)}


def test_an_upgrade_brings_onboarding_and_a_downgrade_a_transition() -> None:
    found = tasks(plans(("UP", "core", "growth", "up"), ("DN", "growth", "core", "down")),
                  state())
    assert found[("UP", "assign_rm")] == date(2026, 10, 10)
    assert found[("UP", "welcome_visit")] == date(2026, 10, 30)
    assert found[("UP", "onboarding_survey")] == date(2026, 11, 14)
    assert found[("UP", "visit")] == date(2026, 11, 29)   # core: every 60 days
    assert found[("DN", "transition")] == date(2026, 10, 30)
    assert ("DN", "assign_rm") not in found and ("UP", "transition") not in found


def test_the_diff_keeps_matching_tasks_and_replaces_changed_ones() -> None:
    candidates = ibis.memtable(pa.table({
        "customer_id": ["C1", "C1", "C2"], "kind": ["visit", "annual_review", "visit"],
        "tier": ["key", "key", "core"], "rm_id": ["RM01"] * 3, "sub_branch": ["S"] * 3,
        "due_date": [date(2026, 12, 29), date(2027, 9, 30), date(2026, 11, 29)]}))
    existing = ibis.memtable(pa.table({
        "id": [1, 2, 3], "customer_id": ["C1", "C1", "C2"],
        "kind": ["visit", "annual_review", "visit"], "tier": ["key", "key", "key"],
        "due_date": [date(2026, 12, 29), date(2027, 9, 1), date(2026, 12, 29)],
        "status": ["open", "done", "open"]}, schema=rules.EXISTING_SCHEMA))
    stale, inserts = rules.task_changes(candidates, existing)
    con = ibis.duckdb.connect()
    assert con.to_pyarrow(stale).column("id").to_pylist() == [3]   # C2's tier changed
    added = con.to_pyarrow(inserts).to_pylist()
    assert [(r["customer_id"], r["kind"], r["tier"]) for r in added] == [("C2", "visit", "core")]
