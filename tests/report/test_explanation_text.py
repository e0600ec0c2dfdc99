"""The explanation text a relationship manager reads: names, gate descriptions, amounts with
thousands separators, behaviour reason and P(alive), the override's reason, approver and end."""

from __future__ import annotations

from typing import Any

import pytest

from corptier.report.explanation import render_explanation


def explanation(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customer_id": "C001", "name": "成都天府精密制造有限公司", "uscc": "91510100MA6CU1A09J",
        "period": "2026-09", "run_id": "r1",
        "standard": {"id": "std", "version": "1", "content_hash": "h"},
        "score": 61.5, "rank": 3,
        "dimensions": [{"code": "value", "name_zh": "价值", "name_en": "Value", "weight": 1.0,
                        "score": 61.5, "indicators": [
                            {"name": "dep_avg_r3", "method": "minmax", "weight": 1.0,
                             "points": 61.5, "excluded": False, "value": "42000000.50"}]}],
        "cutoffs": {"method": "absolute", "raw_tier": "core"},
        "gates": [{"id": "substandard_loan", "kind": "caps", "tier": "basic", "fired": True,
                   "description": "Loan classified substandard or worse"},
                  {"id": "quiet", "kind": "floors", "tier": "key", "fired": False,
                   "description": "never shown"}],
        "tier_after_gates": "basic", "group_rule": None,
        "computed_tier": {"code": "basic", "name_zh": "基础", "name_en": "Basic", "level": 5},
        "flags": [], "needs_segment": None,
        "hysteresis": {"tier": "basic", "reason": "capped", "periods_below": 0,
                       "pending_tier": None, "downgrade_buffer": 12, "cap_tier": "basic"},
        "override": {"id": 4, "tier": "core", "reason": "board mandate", "approved_by": "bob",
                     "valid_until": "2026-12-31"},
        "applied_tier": "core", "previous_tier": "key", "previous_period": "2026-06",
        "migration": "returned",
        "behaviour": {"state": "declining", "reason": "p_alive", "p_alive": 0.3125},
    }
    return {**base, **changes}


def test_the_english_text() -> None:
    lines = render_explanation(explanation(), "en").splitlines()
    assert "C001 成都天府精密制造有限公司" in lines[0] and "91510100MA6CU1A09J" in lines[0]
    assert any("42,000,000.50" in line for line in lines)
    gates = next(line for line in lines if line.startswith("Gates fired"))
    assert "Loan classified substandard or worse" in gates and "never shown" not in gates
    override = next(line for line in lines if line.startswith("Override"))
    assert "board mandate" in override and "bob" in override and "2026-12-31" in override
    behaviour = next(line for line in lines if line.startswith("Behaviour state"))
    assert "declining" in behaviour and "low P(alive)" in behaviour and "0.31" in behaviour
    assert any("returned" in line and "2026-06" in line for line in lines)


def test_the_chinese_text_uses_the_catalogue() -> None:
    text = render_explanation(explanation(), "zh-CN")
    for label in ("统一社会信用代码", "审批人", "有效期至", "下滑", "存活概率低", "回归"):
        assert label in text, label


@pytest.mark.parametrize("value, shown", [("1234567.5", "1,234,567.50"), (None, "–"),
                                          ("n/a", "n/a"), (0.25, "0.250000")])
def test_indicator_values(value: Any, shown: str) -> None:
    dims = explanation()["dimensions"]
    dims[0]["indicators"][0]["value"] = value
    assert shown in render_explanation(explanation(dimensions=dims), "en")


def test_a_fit_that_is_not_informative_is_said_with_a_and_b() -> None:
    model = {"r": 0.5, "alpha": 3.0, "a": 512345.6, "b": 1.2e11, "n": 80, "converged": True,
             "informative": False, "reason": "a = 5.123e+05 > bgnbd_max_a = 1000"}
    behaviour = {"state": "active", "reason": "none", "p_alive": None, "model": model}
    lines = render_explanation(explanation(behaviour=behaviour), "en").splitlines()
    line = next(line for line in lines if line.startswith("Behaviour state"))
    assert line.endswith(
        "the attrition model was not informative this period (a = 5.123e+05, b = 1.2e+11)")
    assert "P(alive)" not in line
    zh = render_explanation(explanation(behaviour=behaviour), "zh-CN")
    assert "本期流失模型不具参考价值（a = 5.123e+05，b = 1.2e+11）" in zh
    informative = {**behaviour, "model": {**model, "informative": True, "reason": None}}
    assert "not informative" not in render_explanation(explanation(behaviour=informative), "en")


def test_a_group_at_risk_names_the_member_and_the_cap() -> None:
    group = {"group_id": "G7", "group_tier": "core", "max_below_group": 2, "adjusted": True,
             "risk": True, "risk_member": "C009", "risk_cap_tier": "growth"}
    lines = render_explanation(explanation(group_rule=group), "en").splitlines()
    line = next(line for line in lines if line.startswith("Group rule"))
    assert line.endswith("group risk: member C009 has a fired risk cap "
                         "(every member at most Growth (growth))")
    zh = render_explanation(explanation(group_rule=group), "zh-CN")
    assert "集团风险：成员 C009 已触发风险封顶（全体成员不高于" in zh
    calm = {**group, "risk": False, "risk_member": None}
    assert "C009" not in render_explanation(explanation(group_rule=calm), "en")


def test_indicators_and_the_group_rule_read_as_words() -> None:
    zh = render_explanation(explanation(group_rule={"group_id": "G1", "group_tier": "core",
                                                    "adjusted": True}), "zh-CN")
    assert "存款日均（近3月） (dep_avg_r3): " in zh and "已按集团规则上调" in zh
    en = render_explanation(explanation(group_rule={"group_id": "G1", "group_tier": "core",
                                                    "adjusted": False}), "en")
    assert "(dep_avg_r3): " in en and "not lifted" in en and "adjusted=" not in en
