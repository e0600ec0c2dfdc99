"""Sections of the report that state their denominators and their limits plainly."""

from __future__ import annotations

import dataclasses

from corptier.report.html import _before_after, _stability
from corptier.services.report_data import build_report_data


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
