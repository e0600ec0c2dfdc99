"""The report's first section gives a verdict: a bank with an inverted tier is told so."""

from __future__ import annotations

from corptier.report.charts import build_charts
from corptier.report.html import render_html
from corptier.services.report_data import build_report_data


def test_the_findings_flag_an_inverted_tier(inverted_report_ws) -> None:
    ws, periods = inverted_report_ws
    data = build_report_data(ws, periods[-1], "en")
    raroc = data.kpis["raroc"]
    assert raroc["core"] > raroc["strategic"]  # the bank is inverted as built
    found = {f.code: f for f in data.findings}
    order = found["order_raroc"]
    assert order.status == "attention"
    assert [(i.params["lower"].value, i.params["higher"].value) for i in order.items] == [
        ("core", "strategic")]
    html = render_html(data, build_charts(data, data.translator()))
    findings = html[html.index('id="findings"'):html.index('id="kpis"')]
    assert "RAROC does not decrease with tier: 1 inversion(s)." in findings
    assert "Core (" in findings and "above Strategic (" in findings
    assert 'href="#kpis"' in findings
    assert html.index('id="findings"') < html.index('id="kpis"')  # the verdict comes first


def test_a_monotonic_bank_has_no_raroc_inversion(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    found = {f.code: f for f in data.findings}
    assert found["order_raroc"].status == "ok"
    raroc = data.kpis["raroc"].reindex(data.tier_order)
    below = [t for t, v in raroc.items() if v < 0.12]
    assert below  # the basic tier loses money in the fake bank
    hurdle = found["raroc_hurdle"]
    assert hurdle.status == "attention"
    assert [i.params["tier"].value for i in hurdle.items] == below
    assert found["data_quality"].params["rejected"].value == 2
    assert found["pyramid"].status == "attention"  # the fake scores ignore the 1/4/15/30/50 %
    assert found["tier_stability"].status in ("ok", "attention")
