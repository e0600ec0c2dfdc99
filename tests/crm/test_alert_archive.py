"""The archive's alert facts (visits, latest NPS, key contacts, cadence) joined in the engine,
and the shipped archive rules firing exactly on the hand-worked customers."""

from __future__ import annotations

from datetime import date, datetime

import ibis
import pyarrow as pa
import pytest

from corptier.crm.alert_archive import ArchiveTables
from corptier.crm.alert_evaluation import fired_alerts
from corptier.crm.alert_facts import alert_frame
from corptier.crm.alert_rules import default_alert_rules_path, load_alert_rules

TIERS = ["strategic", "core", "key", "growth", "basic"]
IDS = ["C1", "C2", "C3", "C4", "C5", "C6"]
END = date(2026, 9, 30)
ARCHIVE_RULES = {"no_visit_in_cadence", "nps_detractor", "key_contact_changed"}


def _indicators() -> ibis.Table:
    n = len(IDS)
    return ibis.memtable(pa.table({
        "customer_id": IDS, "rm_id": ["R1"] * n, "sub_branch": ["S"] * n,
        "dep_avg": [1.0] * n, "outflow_other_bank_share": [0.0] * n,
        "txn_in_amount": [1.0] * n, "txn_out_amount": [0.0] * n,
        "rating_rank": [3] * n, "worst_loan_class_rank": [1] * n,
        "max_days_overdue": [0] * n,
    }))


def _published() -> ibis.Table:
    n = len(IDS)
    tiers = ["strategic", "core", "key", "growth", "basic", "basic"]
    return ibis.memtable(pa.table({
        "customer_id": IDS, "score": [50.0] * n, "computed_tier": tiers,
        "applied_tier": tiers, "previous_tier": tiers, "migration": ["same"] * n,
        "needs_segment": ["x"] * n, "behaviour_state": ["active"] * n,
        "p_alive": [0.9] * n, "attrition_risk": [0.1] * n,
    }))


def _archive() -> ArchiveTables:
    # cadence: strategic 30, core 60, key 90, growth 180, basic none
    return ArchiveTables(
        period_end=END,
        visits=ibis.memtable(pa.table({
            "customer_id": ["C1", "C2", "C3", "C5"],
            "last_visit": pa.array([date(2026, 9, 1), date(2026, 7, 1), date(2026, 7, 1),
                                    date(2025, 1, 1)], pa.date32()),
            "visits_12m": [3, 1, 1, 0]})),
        nps=ibis.memtable(pa.table({
            "customer_id": ["C1", "C1", "C2", "C2", "C3"],
            "campaign_period": ["2026-03", "2026-09", "2026-09", "2026-09", "2026-06"],
            "answered_at": pa.array([datetime(2026, 3, 5), datetime(2026, 9, 2),
                                     datetime(2026, 9, 2), datetime(2026, 9, 3),
                                     datetime(2026, 6, 1)], pa.timestamp("us")),
            "answer_id": [1, 2, 3, 4, 5],
            "score": [2, 9, 8, 6, 7]})),
        key_contacts=ibis.memtable(pa.table({"customer_id": ["C4", "C4", "C6"]})),
        cadence=ibis.memtable(pa.table({
            "tier": TIERS, "visit_days": pa.array([30, 60, 90, 180, None], pa.int64())})))


def _facts(archive: ArchiveTables | None) -> dict[str, dict[str, object]]:
    frame = alert_frame(_indicators(), _published(), None, None, TIERS, archive)
    cols = ["customer_id", "days_since_visit", "visits_12m", "visit_cadence_days",
            "nps_latest", "key_contact_changed"]
    rows = ibis.duckdb.connect().to_pyarrow(frame.select(*cols)).to_pylist()
    return {r.pop("customer_id"): r for r in rows}


def _fired(archive: ArchiveTables | None) -> dict[str, set[str]]:
    frame = alert_frame(_indicators(), _published(), None, None, TIERS, archive)
    expr = fired_alerts(frame, load_alert_rules(default_alert_rules_path()))
    assert expr is not None
    out: dict[str, set[str]] = {}
    for row in ibis.duckdb.connect().to_pyarrow(expr).to_pylist():
        if row["rule_id"] in ARCHIVE_RULES:
            out.setdefault(row["customer_id"], set()).add(row["rule_id"])
    return out


@pytest.fixture(scope="module")
def facts() -> dict[str, dict[str, object]]:
    return _facts(_archive())


def test_the_archive_facts_are_worked_out_per_customer(facts: dict[str, dict[str, object]]
                                                       ) -> None:
    assert facts == {
        "C1": {"days_since_visit": 29, "visits_12m": 3, "visit_cadence_days": 30,
               "nps_latest": 9, "key_contact_changed": 0},     # the later campaign counts
        "C2": {"days_since_visit": 91, "visits_12m": 1, "visit_cadence_days": 60,
               "nps_latest": 6, "key_contact_changed": 0},     # the later answer counts
        "C3": {"days_since_visit": 91, "visits_12m": 1, "visit_cadence_days": 90,
               "nps_latest": 7, "key_contact_changed": 0},
        "C4": {"days_since_visit": None, "visits_12m": 0, "visit_cadence_days": 180,
               "nps_latest": None, "key_contact_changed": 1},  # never visited
        "C5": {"days_since_visit": 637, "visits_12m": 0, "visit_cadence_days": None,
               "nps_latest": None, "key_contact_changed": 0},  # basic: no cadence
        "C6": {"days_since_visit": None, "visits_12m": 0, "visit_cadence_days": None,
               "nps_latest": None, "key_contact_changed": 1},
    }


def test_each_archive_rule_fires_on_the_hand_worked_customers_only() -> None:
    assert _fired(_archive()) == {
        "C2": {"no_visit_in_cadence", "nps_detractor"},   # 91 > 60 days; NPS 6
        "C3": {"no_visit_in_cadence"},                    # 91 > 90 days
        "C4": {"no_visit_in_cadence", "key_contact_changed"},  # never visited, cadence 180
        "C6": {"key_contact_changed"},                    # basic has no cadence
    }


def test_without_archive_data_the_facts_are_null_and_no_archive_rule_fires() -> None:
    assert _fired(None) == {}
    assert _fired(ArchiveTables(period_end=END)) == {}
    assert {k for row in _facts(None).values() for k, v in row.items() if v is not None} == set()
