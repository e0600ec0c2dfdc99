"""The relationship-management section of the report (HTML — and so the PDF — and workbook,
English and Chinese): one "no data" line per empty source on the report bank (no alert, task,
roster or campaign), and hand-built figures formatted, escaped and written as numbers."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from openpyxl import load_workbook

from corptier.report.excel import write_excel
from corptier.report.html import relationship_view, render_html
from corptier.report.model import Relationship, ReportData, SurveySection
from corptier.services.report_data import build_report_data

HOSTILE = "<script>x</script>"
COUNTS = ["raised", "resolved", "resolved_in_time", "dismissed", "open", "in_time_share"]
FILLED = Relationship(
    alerts_by_tier=pd.DataFrame([["strategic", 1, 1, 1, 0, 0, 1.0],
                                 ["basic", 3, 2, 1, 0, 1, 0.5]], columns=["tier", *COUNTS]),
    alerts_by_rm=pd.DataFrame([["RM01", 4, 3, 2, 0, 1, 2 / 3]], columns=["rm", *COUNTS]),
    service_by_tier=pd.DataFrame(
        [["strategic", 6, 4, 3, 2, 4, 1, 0.75, 0.5],
         ["basic", 3, 0, 0, 0, 0, 0, None, None]],
        columns=["tier", "planned", "tasks", "done", "on_time", "due", "overdue", "completion",
                 "sla_compliance"]),
    staff={"customers": 4, "eligible": 1, "ineligible": 2, "unassigned": 1, "expiring": 0,
           "rms": 2},
    over_capacity=pd.DataFrame([["RM02", HOSTILE, "初级", 2, 6.0, 5, 1.2]],
                               columns=["rm_id", "name", "grade", "customers", "load",
                                        "capacity", "utilisation"]),
    coverage_gaps=pd.DataFrame([["core", 1, 1, 0, 0]],
                               columns=["tier", "assign", "reassign", "train", "renew"]),
    surveys=(SurveySection("2026 annual", pd.DataFrame(
        [["strategic", 1, 1, 1.0, 5.0, 100.0], [None, 4, 3, 0.75, 4.0, 100 / 3]],
        columns=["tier", "targeted", "responded", "response_rate", "satisfaction", "nps"])),
        SurveySection("no answers yet", pd.DataFrame(
            [[None, 4, 0, 0.0, None, None]],
            columns=["tier", "targeted", "responded", "response_rate", "satisfaction",
                     "nps"]))),
)


@pytest.fixture(scope="module")
def data(report_ws) -> ReportData:
    ws, periods = report_ws
    return build_report_data(ws, periods[-1], "en")


def test_without_sources_each_section_says_so_in_one_line(data: ReportData, tmp_path) -> None:
    assert data.relationship == Relationship()
    view = relationship_view(data, data.translator())
    assert [(p["title"], p["empty"]) for p in view] == [
        ("Dynamics alerts", "No dynamics alert was raised in this period."),
        ("Service delivery",
         "No service-plan task was planned by this close or falls due in this period."),
        ("Relationship managers",
         "No staff rules or no roster of relationship managers for this period."),
        ("Relationship managers' portfolios",
         "No staff rules or no roster of relationship managers for this period."),
        ("Product recommendations",
         "No recommendation: the period's indicators lack the product holdings the "
         "recommendation settings name."),
        ("Archive completeness", "No customers are loaded for this period.")]
    html = render_html(data, {"pyramid": ""})
    assert "10. Relationship management" in html and "Needs survey" not in html
    path = write_excel(data, tmp_path / "r.xlsx")
    names = load_workbook(path, read_only=True).sheetnames
    assert not {"Alerts by tier", "Service delivery by tier"} & set(names)


def test_figures_are_formatted_by_tier_and_escaped(data: ReportData) -> None:
    filled = dataclasses.replace(data, relationship=FILLED,
                                 group_labels={"rm_id": {"RM01": "RM01 张伟"}})
    view = {p["title"]: p for p in relationship_view(filled, filled.translator())}
    (_, alerts), (_, by_rm) = view["Dynamics alerts"]["tables"]
    assert [r.cells for r in alerts.rows] == [
        ["Strategic", "1", "1", "1", "0", "0", "100.0%"],
        ["Basic", "3", "2", "1", "0", "1", "50.0%"],
        ["Total", "4", "3", "2", "0", "1", "66.7%"]]
    assert by_rm.rows[0].cells[:2] == ["RM01 张伟", "4"]
    (_, service), = view["Service delivery"]["tables"]
    strategic, basic = (int(data.tier_counts[x]) for x in ("strategic", "basic"))
    assert [r.cells for r in service.rows] == [
        ["Strategic", str(strategic), "6", f"{6 / strategic:.2f}", "4", "3", "2", "1", "75.0%",
         "50.0%"],
        ["Basic", str(basic), "3", f"{3 / basic:.2f}", "0", "0", "0", "0", "–", "–"]]
    assert view["Relationship managers"]["lines"][0].startswith(
        "2 relationship managers; of 4 customers, 1 are served by an RM eligible")
    assert view["Needs survey: 2026 annual"]["tables"][0][1].rows[1].cells == [
        "Total", "4", "3", "75.0%", "4.00", "33.33"]
    assert view["Needs survey: no answers yet"]["empty"] == (
        "No answer has been recorded for this campaign yet.")
    html = render_html(filled, {"pyramid": ""})
    assert HOSTILE not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    zh = render_html(dataclasses.replace(filled, lang="zh-CN"), {"pyramid": ""})
    assert "客户动态预警" in zh and "按层级的服务落实" in zh and "需求调研：2026 annual" in zh


def test_the_workbook_holds_the_figures_as_numbers(data: ReportData, tmp_path) -> None:
    filled = dataclasses.replace(data, relationship=FILLED)
    book = load_workbook(write_excel(filled, tmp_path / "r.xlsx"), read_only=True)
    rows = list(book["Alerts by tier"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Tier", "Raised", "Resolved")
    assert rows[1:] == [("Strategic", 1, 1, 1, 0, 0, 1), ("Basic", 3, 2, 1, 0, 1, 0.5),
                        ("Total", 4, 3, 2, 0, 1, pytest.approx(2 / 3))]
    sheet = next(n for n in book.sheetnames if n.startswith("Relationship managers over"))
    over = list(book[sheet].iter_rows(values_only=True))
    assert over[1] == ("RM02", HOSTILE, "初级", 2, 6, 5, 1.2)
    assert "Survey results by tier" in book.sheetnames
