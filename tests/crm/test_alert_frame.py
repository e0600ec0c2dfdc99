"""The alert facts and the rules that fire on them, computed by the engine (DuckDB)."""

from __future__ import annotations

from decimal import Decimal

import ibis
import pyarrow as pa

from corptier.crm.alert_evaluation import fired_alerts
from corptier.crm.alert_facts import alert_frame
from corptier.crm.alert_rules import default_alert_rules_path, load_alert_rules

TIERS = ["strategic", "core", "key", "growth", "basic"]
IDS = ["C1", "C2", "C3", "C4", "C5"]


def _indicators() -> ibis.Table:
    return ibis.memtable(pa.table({
        "customer_id": IDS,
        "rm_id": ["R1", "R1", "R2", "R3", "R1"],
        "sub_branch": ["S"] * 5,
        "dep_avg": pa.array([Decimal("600000.00"), Decimal("1000000.00"),
                             Decimal("1000000.00"), Decimal("1000000.00"),
                             Decimal("1000000.00")], pa.decimal128(18, 2)),
        "outflow_other_bank_share": [0.0, 0.9, 0.0, 0.0, 0.0],
        "txn_in_amount": pa.array([Decimal("1.00"), Decimal("1000000.00"), Decimal("1.00"),
                                   Decimal("1.00"), Decimal("1.00")], pa.decimal128(18, 2)),
        "txn_out_amount": pa.array([Decimal("0")] + [Decimal("2000000.00")] * 4,
                                   pa.decimal128(18, 2)),
        "rating_rank": [3, 3, 5, 3, None],
        "worst_loan_class_rank": [1, 1, 1, 3, 0],
        "max_days_overdue": [0, 0, 0, 95, 0],
    }))


def _published() -> ibis.Table:
    return ibis.memtable(pa.table({
        "customer_id": IDS,
        "score": [50.0] * 5,
        "computed_tier": ["core", "key", "key", "basic", "basic"],
        "applied_tier": ["core", "key", "key", "basic", "basic"],
        "previous_tier": ["core", "key", "key", "growth", "basic"],
        "migration": ["same", "same", "same", "down", "same"],
        "needs_segment": ["x"] * 5,
        "behaviour_state": ["active", "active", "active", "active", "dormant"],
        "p_alive": [0.9, 0.9, 0.9, 0.9, 0.1],
        "attrition_risk": [0.1] * 5,
    }))


def _previous() -> tuple[ibis.Table, ibis.Table]:
    indicators = ibis.memtable(pa.table({
        "customer_id": IDS,
        "rating": ["A", "A", "A", "A", None],
        "rating_rank": [3, 3, 3, 3, None],
        "worst_loan_class_rank": [1, 1, 1, 1, 0],
        "max_days_overdue": [0, 0, 0, 40, 0],
        "dep_avg_r3": [1_000_000.0] * 5,
        "rm_id": ["R1", "R1", "R2", "R2", "R1"],
    }))
    published = ibis.memtable(pa.table({
        "customer_id": IDS,
        "computed_tier": ["core", "key", "key", "growth", "basic"],
        "behaviour_state": ["active", "active", "active", "active", "active"],
    }))
    return indicators, published


def _fired(previous: bool) -> dict[str, set[str]]:
    before = _previous() if previous else (None, None)
    frame = alert_frame(_indicators(), _published(), *before, TIERS)
    expr = fired_alerts(frame, load_alert_rules(default_alert_rules_path()))
    assert expr is not None
    rows = ibis.duckdb.connect().to_pyarrow(expr).to_pylist()
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["customer_id"], set()).add(row["rule_id"])
    return out


def test_each_default_rule_fires_on_the_customer_that_crossed_its_line_only() -> None:
    assert _fired(previous=True) == {
        "C1": {"deposit_drop"},                                   # 600k vs 1m: -40%
        "C2": {"outflow_other_banks"},                            # 1.8m out to others / 1m in
        "C3": {"rating_downgrade"},                               # rank 3 → 5
        "C4": {"loan_class_worse", "overdue_90", "computed_tier_down",
               "applied_tier_changed", "rm_changed"},
        "C5": {"low_p_alive", "behaviour_declining"},             # p_alive 0.1, turned dormant
    }


def test_without_the_previous_month_only_the_rules_on_this_month_fire() -> None:
    assert _fired(previous=False) == {
        "C2": {"outflow_other_banks"},
        "C4": {"overdue_90", "applied_tier_changed"},
        "C5": {"low_p_alive"},
    }


def test_an_alert_carries_its_severity_by_tier_and_the_facts_it_read() -> None:
    frame = alert_frame(_indicators(), _published(), *_previous(), TIERS)
    expr = fired_alerts(frame, load_alert_rules(default_alert_rules_path()))
    assert expr is not None
    rows = {(r["rule_id"], r["customer_id"]): r
            for r in ibis.duckdb.connect().to_pyarrow(expr).to_pylist()}
    drop = rows[("deposit_drop", "C1")]
    assert drop["severity"] == "high" and drop["tier"] == "core" and drop["rm_id"] == "R1"
    assert drop["facts"] == "dep_change_r3=-0.4; prev_dep_avg_r3=1000000.0"
    assert rows[("loan_class_worse", "C4")]["severity"] == "high"  # basic: the default
