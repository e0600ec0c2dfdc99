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


def run_risk(risk: str, max_below: str = "", **columns):
    extra = CAP + f"group_rule: {{{max_below}risk: {risk}}}\n"
    std = standard_from(IDENTITY, extra=extra)
    columns.setdefault("worst_loan_class_rank", [0] * len(columns["dep_avg"]))
    return by_id(score_and_tier(memtable(**columns), std))


# G1: P (a) has a 次级 loan; S (d) and SS (d) are clean; G2 is clean; X is alone and capped.
AT_RISK = dict(MULTI_LEVEL, worst_loan_class_rank=[3, 0, 0, 0, 0, 0, 3, 0])


def test_a_member_at_risk_flags_every_member_of_its_group() -> None:
    got = run_risk("{caps: [substandard]}", **AT_RISK)
    assert [got[c]["group_risk"] for c in ("P", "S", "SS")] == [True, True, True]
    assert {got[c]["group_risk_member"] for c in ("P", "S", "SS")} == {"P"}
    assert [got[c]["group_risk"] for c in ("Q", "QS", "QSS", "X", "Y")] == [False] * 5
    assert got["X"]["group_risk_member"] is None  # capped, but in no group
    # a flag only: nobody else's tier moves (S and SS stay d, QSS stays b)
    assert [got[c]["computed_tier"] for c in ("P", "S", "SS", "QSS")] == ["d", "d", "d", "b"]


def test_cap_members_at_caps_every_member_of_a_group_at_risk() -> None:
    columns = dict(MULTI_LEVEL, worst_loan_class_rank=[0, 0, 3, 0, 0, 0, 0, 0],
                   dep_avg=[90.0, 70.0, 5.0, 10.0, 20.0, 60.0, 10.0, 90.0])
    got = run_risk("{cap_members_at: c}", **columns)
    # without the risk rule P is a and S b; SS's 次级 loan caps P and S at c; SS stays d
    assert [got[c]["tier_after_gates"] for c in ("P", "S", "SS")] == ["a", "b", "d"]
    assert [got[c]["computed_tier"] for c in ("P", "S", "SS")] == ["c", "c", "d"]
    assert [got[c]["group_adjusted"] for c in ("P", "S", "SS")] == [True, True, False]
    assert got["QSS"]["computed_tier"] == "b" and got["Y"]["computed_tier"] == "a"


def test_the_group_cap_wins_over_the_lift_of_the_group_rule() -> None:
    columns = dict(MULTI_LEVEL, worst_loan_class_rank=[0, 0, 3, 0, 0, 0, 0, 0])
    got = run_risk("{cap_members_at: c}", "max_below_group: 0, ", **columns)
    # max_below_group 0 would lift S to a; the group at risk holds every member at c or worse
    assert [got[c]["computed_tier"] for c in ("P", "S", "SS")] == ["c", "c", "d"]
    assert {got[c]["computed_tier"] for c in ("Q", "QS", "QSS")} == {"b"}


def test_only_the_counted_caps_flag_a_group() -> None:
    extra = CAP + """    - {id: dormant, when: dep_avg < 6, tier: c}
group_rule: {risk: {caps: [substandard], cap_members_at: b}}
"""
    std = standard_from(IDENTITY, extra=extra)
    columns = dict(MULTI_LEVEL, worst_loan_class_rank=[0] * 8)
    got = by_id(score_and_tier(memtable(**columns), std))
    assert got["SS"]["gates_fired"] == "dormant"
    assert got["P"]["group_risk"] is False and got["P"]["computed_tier"] == "a"


@pytest.mark.parametrize(("rule", "message"), [
    ("{risk: {caps: [nope]}}", "'nope' is not a cap of this standard; its caps are substandard"),
    ("{risk: {cap_members_at: z}}", "unknown tier 'z'"),
    ("{basis: best_member}", "a group rule needs max_below_group, risk or both"),
])
def test_a_group_risk_rule_is_checked(rule: str, message: str) -> None:
    with pytest.raises(StandardError, match=message):
        standard_from(IDENTITY, extra=CAP + f"group_rule: {rule}\n")


def test_a_group_risk_rule_needs_caps() -> None:
    with pytest.raises(StandardError, match="a group risk rule needs caps: the standard has none"):
        standard_from(IDENTITY, extra="group_rule: {risk: {cap_members_at: c}}\n")
