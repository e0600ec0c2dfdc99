"""One period's tiering with hysteresis: fired caps bound the applied tier in the same close."""

from __future__ import annotations

import pytest
from tiering_helpers import IDENTITY, memtable, rows, standard_from

from corptier.errors import StandardError
from corptier.tiering.hysteresis import state_from_published
from corptier.tiering.pipeline import tier_with_hysteresis

CODES = ["a", "b", "c", "d"]

GATES = """
gates:
  caps:
    - id: substandard
      when: worst_loan_class_rank >= 3
      tier: d
    - id: overdue_30
      when: max_days_overdue > 30
      tier: c
      immediate: false
hysteresis:
  downgrade_after_periods: {a: 12, b: 6, c: 3}
"""


def close(previous: dict[str, str], extra: str = GATES, **columns):
    """Tier one period whose previous close applied `previous` (customer → tier, no streak)."""
    std = standard_from(IDENTITY, extra=extra)
    n = len(columns["dep_avg"])
    columns.setdefault("worst_loan_class_rank", [0] * n)
    columns.setdefault("max_days_overdue", [0] * n)
    state = state_from_published(
        [{"customer_id": c, "applied_tier": t, "hysteresis": {}} for c, t in previous.items()],
        CODES)
    return {r["customer_id"]: r
            for r in rows(tier_with_hysteresis(memtable(**columns), std, {}, state))}


def test_a_capped_top_customer_is_applied_the_caps_tier_in_the_same_close() -> None:
    """C1 was applied a (N = 12), still scores 90 but its loan turned 次级: the substandard cap
    (tier d, immediate by default) fires, so C1 is applied d now, not held at a.
    C2, also applied a, drops to score 10 (d) without a cap: held at a (1 of 12)."""
    got = close({"C1": "a", "C2": "a"}, dep_avg=[90.0, 10.0], worst_loan_class_rank=[3, 0])
    assert got["C1"]["computed_tier"] == "d"
    assert (got["C1"]["applied_tier_rank"], got["C1"]["hysteresis_reason"]) == (3, "capped")
    assert (got["C1"]["periods_below"], got["C1"]["pending_tier_rank"]) == (0, None)
    assert got["C1"]["cap_tier_rank"] == 3
    assert (got["C2"]["applied_tier_rank"], got["C2"]["hysteresis_reason"]) == (0, "held")
    assert got["C2"]["cap_tier_rank"] is None


def test_a_cap_marked_not_immediate_keeps_the_buffer() -> None:
    """C1, applied a, more than 30 days overdue: the overdue cap (c, immediate: false) makes
    the computed tier c, but the applied tier is held at a like any drop."""
    got = close({"C1": "a"}, dep_avg=[90.0], max_days_overdue=[45])
    assert got["C1"]["computed_tier"] == "c"
    assert (got["C1"]["applied_tier_rank"], got["C1"]["hysteresis_reason"]) == (0, "held")
    assert got["C1"]["cap_tier_rank"] is None


def test_the_worst_of_two_fired_immediate_caps_applies() -> None:
    extra = GATES.replace("      immediate: false\n", "")
    got = close({"C1": "a"}, extra=extra, dep_avg=[90.0], worst_loan_class_rank=[3],
                max_days_overdue=[45])
    assert got["C1"]["cap_tier_rank"] == 3 and got["C1"]["applied_tier_rank"] == 3


def test_immediate_is_a_cap_field_only() -> None:
    floor = """
gates:
  floors:
    - {id: big, when: dep_avg >= 90, tier: a, immediate: true}
"""
    with pytest.raises(StandardError, match="'immediate' applies to caps only"):
        standard_from(IDENTITY, extra=floor)
    cap = "gates:\n  caps:\n    - {id: x, when: dep_avg >= 90, tier: d, immediate: maybe}\n"
    with pytest.raises(StandardError, match="immediate"):
        standard_from(IDENTITY, extra=cap)
    assert standard_from(IDENTITY, extra=GATES).gates.caps[0].immediate is True


def test_a_group_at_risk_is_capped_in_the_same_close() -> None:
    """P and S, both applied a last close, are one group; S's loan turns 次级. With
    `cap_members_at: c`, P (still scoring 90) is applied c at once, not held at a for 12
    closes; S is applied d by its own cap; X (applied a, no group) drops to d and is held."""
    extra = GATES + "group_rule: {risk: {caps: [substandard], cap_members_at: c}}\n"
    got = close({"P": "a", "S": "a", "X": "a"}, extra=extra, customer_id=["P", "S", "X"],
                group_id=["G", "G", None], dep_avg=[90.0, 90.0, 10.0],
                worst_loan_class_rank=[0, 3, 0])
    assert (got["P"]["computed_tier"], got["P"]["group_risk_member"]) == ("c", "S")
    assert (got["P"]["applied_tier_rank"], got["P"]["hysteresis_reason"]) == (2, "capped")
    assert got["P"]["cap_tier_rank"] == 2
    assert (got["S"]["applied_tier_rank"], got["S"]["cap_tier_rank"]) == (3, 3)
    assert (got["X"]["applied_tier_rank"], got["X"]["hysteresis_reason"]) == (0, "held")
    assert got["X"]["group_risk"] is False and got["X"]["cap_tier_rank"] is None
