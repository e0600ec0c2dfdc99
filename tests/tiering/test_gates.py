"""Gates: floors, named lists, caps after floors (risk wins), flags, and the condition language."""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest
from tiering_helpers import IDENTITY, by_id, memtable, standard_from

from corptier.errors import StandardError
from corptier.tiering import ConditionError, compile_condition, parse_condition, score_and_tier

GATES = """
gates:
  floors:
    - id: big_deposits
      when: dep_avg_r3 >= 100000000
      tier: b
    - id: vip
      named_list: {name: strategic}
      tier: a
  caps:
    - id: substandard
      when: worst_loan_class_rank >= 3
      tier: d
      flags: [risk_watch]
    - id: overdue
      when: max_days_overdue > 90
      tier: c
"""


def run(extra: str = GATES, named_lists=None, **columns):
    std = standard_from(IDENTITY, extra=extra)
    n = len(columns["dep_avg"])
    columns.setdefault("dep_avg_r3", [0] * n)
    columns.setdefault("worst_loan_class_rank", [0] * n)
    columns.setdefault("max_days_overdue", [0] * n)
    lists = {"strategic": []} if named_lists is None else named_lists
    return by_id(score_and_tier(memtable(**columns), std, named_lists=lists))


def test_floor_raises_to_at_least_its_tier_at_the_exact_boundary() -> None:
    got = run(dep_avg=[10.0, 10.0, 90.0], dep_avg_r3=[99_999_999, 100_000_000, 100_000_000])
    assert [got[c]["raw_tier"] for c in ("C1", "C2", "C3")] == ["d", "d", "a"]
    assert [got[c]["tier_after_gates"] for c in ("C1", "C2", "C3")] == ["d", "b", "a"]
    assert got["C2"]["gate_big_deposits"] is True and got["C2"]["gates_fired"] == "big_deposits"
    assert got["C3"]["gates_fired"] == "big_deposits"  # fired, though it changed nothing


def test_named_list_floor_by_name_inline_and_missing() -> None:
    got = run(dep_avg=[10.0, 10.0], named_lists={"strategic": ["C2", "C9"]})
    assert got["C1"]["tier_after_gates"] == "d" and got["C2"]["tier_after_gates"] == "a"
    inline = GATES.replace("{name: strategic}", "[C1]")
    got = run(extra=inline, dep_avg=[10.0, 10.0], named_lists={})
    assert got["C1"]["computed_tier"] == "a" and got["C2"]["computed_tier"] == "d"
    with pytest.raises(StandardError, match="named list 'strategic'"):
        run(dep_avg=[10.0], named_lists={})


def test_named_list_names_are_the_lists_to_supply() -> None:
    from corptier.tiering import load_default_standard, named_list_names

    assert named_list_names(standard_from(IDENTITY, extra=GATES)) == ["strategic"]
    assert named_list_names(load_default_standard()) == ["strategic"]
    assert named_list_names(standard_from(IDENTITY)) == []


def test_caps_are_applied_after_floors_so_risk_wins() -> None:
    got = run(
        dep_avg=[90.0, 10.0, 90.0, 90.0],
        dep_avg_r3=[0, 200_000_000, 0, 0],
        worst_loan_class_rank=[3, 3, 2, 5],
        max_days_overdue=[0, 0, 91, 120],
        named_lists={"strategic": ["C1"]},
    )
    assert got["C1"]["tier_after_gates"] == "d"  # strategic list floor, then substandard cap
    assert got["C1"]["gates_fired"] == "vip,substandard"
    assert got["C2"]["tier_after_gates"] == "d" and got["C2"]["gates_fired"] == (
        "big_deposits,substandard"
    )
    assert got["C3"]["tier_after_gates"] == "c"  # 91 days: overdue cap only
    assert got["C4"]["tier_after_gates"] == "d"  # both caps: the worst one holds
    assert got["C4"]["gates_fired"] == "substandard,overdue"


def test_a_cap_sets_its_flags_and_no_gate_means_no_flag() -> None:
    got = run(dep_avg=[90.0, 90.0], worst_loan_class_rank=[3, 2])
    assert got["C1"]["flag_risk_watch"] is True and got["C1"]["flags"] == "risk_watch"
    assert got["C2"]["flag_risk_watch"] is False and got["C2"]["flags"] == ""


def test_a_cap_never_raises_and_a_floor_never_lowers() -> None:
    got = run(dep_avg=[10.0, 90.0], max_days_overdue=[100, 0], dep_avg_r3=[0, 200_000_000])
    assert got["C1"]["tier_after_gates"] == "d"  # raw d, cap at most c: stays d
    assert got["C2"]["tier_after_gates"] == "a"  # raw a, floor at least b: stays a


def test_missing_values_do_not_fire_gates() -> None:
    got = run(dep_avg=[90.0], worst_loan_class_rank=[None], max_days_overdue=[None],
              dep_avg_r3=[None])
    assert got["C1"]["gates_fired"] == "" and got["C1"]["tier_after_gates"] == "a"


# --- the condition language ----------------------------------------------------------------------
def evaluate(condition: str, **columns) -> list[bool]:
    table = ibis.memtable(pa.table(columns))
    return table.select(v=compile_condition(condition, table)).to_pyarrow()["v"].to_pylist()


def test_comparisons_and_or_not_and_chains() -> None:
    x = [1, 5, 10, None]
    assert evaluate("x >= 5 and x < 10", x=x) == [False, True, False, False]
    assert evaluate("x < 5 or x == 10", x=x) == [True, False, True, False]
    assert evaluate("not (x > 1)", x=x) == [True, False, False, False]  # missing: no match
    assert evaluate("1 < x <= 10", x=x) == [False, True, True, False]
    assert evaluate("x != 5", x=x) == [True, False, True, False]
    assert evaluate("x > -1_000", x=x) == [True, True, True, False]
    assert evaluate("x >= 1e1", x=x) == [False, False, True, False]


def test_is_null_and_text_equality() -> None:
    assert evaluate("x is null", x=[1, None]) == [False, True]
    assert evaluate("x is not null", x=[1, None]) == [True, False]
    assert evaluate('s == "micro" or s != s', s=["micro", "large", None]) == [True, False, False]


def test_two_indicators_can_be_compared() -> None:
    assert evaluate("a >= b", a=[1, 2, None], b=[2, 2, 1]) == [False, True, False]


@pytest.mark.parametrize(
    "text",
    ["open('x') == 1", "x.y > 1", "x[0] > 1", "x * 2 > 1", "lambda: 1", "x if y else z",
     "x in (1, 2)", "x is 1", "True", "x", "", "x > 'a' + 'b'", "x == None == 1"],
)
def test_anything_else_is_rejected(text: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(text)
