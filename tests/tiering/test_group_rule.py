"""The group rule: members at most N tiers below the best member, multi-level groups, caps win."""

from __future__ import annotations

import pytest
from tiering_helpers import IDENTITY, by_id, memtable, standard_from

from corptier.errors import StandardError
from corptier.tiering import score_and_tier

CAP = """
gates:
  caps:
    - {id: substandard, when: worst_loan_class_rank >= 3, tier: d, flags: [risk_watch]}
"""


def run(max_below: int, **columns):
    extra = CAP + f"group_rule: {{max_below_group: {max_below}}}\n"
    std = standard_from(IDENTITY, extra=extra)
    columns.setdefault("worst_loan_class_rank", [0] * len(columns["dep_avg"]))
    return by_id(score_and_tier(memtable(**columns), std))


# Group G1: P (parent, tier a) → S (child) → SS (grandchild); both below at d.
# Group G2: its best member is a grandchild (b); the top parent is d.
# X has no group, Y has an empty group id: neither is pooled with anyone.
MULTI_LEVEL = {
    "customer_id": ["P", "S", "SS", "Q", "QS", "QSS", "X", "Y"],
    "group_id": ["G1", "G1", "G1", "G2", "G2", "G2", None, ""],
    "parent_id": [None, "P", "S", None, "Q", "QS", None, None],
    "dep_avg": [90.0, 10.0, 5.0, 10.0, 20.0, 60.0, 10.0, 90.0],
}


def test_multi_level_group_members_measured_against_the_best_member() -> None:
    got = run(1, **MULTI_LEVEL)
    assert {c: got[c]["tier_after_gates"] for c in ("P", "S", "SS")} == {
        "P": "a", "S": "d", "SS": "d"}
    assert {c: got[c]["computed_tier"] for c in ("P", "S", "SS")} == {
        "P": "a", "S": "b", "SS": "b"}
    assert {c: got[c]["group_tier"] for c in ("P", "S", "SS")} == {"P": "a", "S": "a", "SS": "a"}
    assert [got[c]["group_adjusted"] for c in ("P", "S", "SS")] == [False, True, True]
    # G2: the grandchild (b) sets the group tier; the parent is lifted to c
    assert {c: got[c]["computed_tier"] for c in ("Q", "QS", "QSS")} == {
        "Q": "c", "QS": "c", "QSS": "b"}


def test_customers_without_a_group_are_unchanged() -> None:
    got = run(1, **MULTI_LEVEL)
    assert got["X"]["computed_tier"] == "d" and got["X"]["group_tier"] is None
    assert got["Y"]["computed_tier"] == "a" and got["Y"]["group_tier"] is None
    assert got["X"]["group_adjusted"] is False


def test_zero_means_every_member_takes_the_group_tier() -> None:
    got = run(0, **MULTI_LEVEL)
    assert {got[c]["computed_tier"] for c in ("P", "S", "SS")} == {"a"}
    assert {got[c]["computed_tier"] for c in ("Q", "QS", "QSS")} == {"b"}


def test_the_rule_only_lifts_never_lowers() -> None:
    got = run(2, **MULTI_LEVEL)
    assert got["S"]["computed_tier"] == "c" and got["P"]["computed_tier"] == "a"
    assert got["QSS"]["computed_tier"] == "b"


def test_a_capped_member_is_not_lifted_and_its_cap_sets_the_group_tier() -> None:
    columns = dict(MULTI_LEVEL, worst_loan_class_rank=[3, 0, 3, 0, 0, 0, 0, 0])
    got = run(1, **columns)
    # P is capped to d, so the best member after gates is S or SS: both d → group d
    assert got["P"]["computed_tier"] == "d" and got["P"]["group_tier"] == "d"
    assert got["SS"]["computed_tier"] == "d"
    columns["worst_loan_class_rank"] = [0, 0, 3, 0, 0, 0, 0, 0]
    got = run(1, **columns)
    assert got["S"]["computed_tier"] == "b"  # lifted
    assert got["SS"]["computed_tier"] == "d" and got["SS"]["group_adjusted"] is False


def test_a_group_rule_needs_group_ids() -> None:
    std = standard_from(IDENTITY, extra="group_rule: {max_below_group: 1}\n")
    with pytest.raises(StandardError, match="group_id"):
        score_and_tier(memtable(dep_avg=[1.0]), std)


def test_without_a_group_rule_the_computed_tier_is_the_gated_tier() -> None:
    std = standard_from(IDENTITY)
    got = by_id(score_and_tier(memtable(**MULTI_LEVEL), std))
    assert got["S"]["computed_tier"] == "d" and got["S"]["group_tier"] is None
