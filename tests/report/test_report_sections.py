"""Sections of the report that state their denominators and their limits plainly."""

from __future__ import annotations

import dataclasses

from corptier.report.html import _before_after, _stability, behaviour_model_text
from corptier.services.published import export_metadata
from corptier.services.report_data import build_report_data
from corptier.workspace import PUBLISHED_TIERS


def test_before_after_compares_the_periods_around_the_adoption(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    view = _before_after(data, data.translator())
    assert f"adopted in {periods[2]}" in view["summary"]
    assert "the 2 period(s) before the adoption and the 6 period(s) from it" in view["summary"]
    assert any("→" in cell for row in view["table"].rows for cell in row.cells)


def test_without_a_before_the_report_says_so(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    after = data.before_after.assign(before=float("nan"), periods_before=0)
    view = _before_after(dataclasses.replace(data, before_after=after), data.translator())
    assert 'there is no "before" to compare with' in view["summary"]
    assert not any("→" in cell for row in view["table"].rows for cell in row.cells)
    assert _before_after(dataclasses.replace(data, adoption=None), data.translator()) is None


def test_exit_rates_count_customers_with_their_denominator(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    exits = data.stability.customer_exits.set_index("tier")
    seen = data.stability.exit_rate_by_tier.set_index("tier")["customers"]
    assert (exits["customers"] <= seen).all() and (exits["customers"] < seen).any()
    table = _stability(data, data.translator())["exits"]
    core = next(r for r in table.rows if r.cells[0] == "Core")
    assert core.cells[2] == f"{exits.loc['core', 'exited']} / {exits.loc['core', 'customers']}"


def test_the_stability_section_says_what_the_attrition_model_says(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    path = ws.partition_file(PUBLISHED_TIERS, periods[-1])
    assert data.behaviour_model == export_metadata(path).get("bgnbd_model")
    t = data.translator()
    degenerate = {"r": 0.5, "alpha": 3.0, "a": 5e5, "b": 1e11, "n": 80, "converged": True,
                  "informative": False, "reason": "a = 5e+05 > bgnbd_max_a = 1000"}
    text = behaviour_model_text(dataclasses.replace(data, behaviour_model=degenerate), t)
    assert text == ("The attrition model was not informative this period (a = 5e+05, b = 1e+11)."
                    " P(alive) is not shown and the declining rule on P(alive) is not used.")
    fitted = {**degenerate, "a": 0.793, "b": 2.426, "informative": True, "reason": None}
    assert behaviour_model_text(dataclasses.replace(data, behaviour_model=fitted), t) == (
        "BG/NBD fitted on 80 customers: r = 0.5, α = 3, a = 0.793, b = 2.426.")
    none = behaviour_model_text(dataclasses.replace(data, behaviour_model=None), t)
    assert none.startswith("No attrition model was fitted this period")
    zh = dataclasses.replace(data, behaviour_model=degenerate, lang="zh-CN")
    assert "本期流失模型不具参考价值" in behaviour_model_text(zh, zh.translator())
