"""The report in both languages: self-contained HTML, a PDF that renders to pages, a workbook."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.report import render_report
from corptier.report.fonts import find_cjk_font
from corptier.services.report_data import build_report_data

EXPECTED_SHEETS = {
    "en": ["Findings", "Tiers", "Value destroyers", "KPIs", "Before and after", "KPI trend",
           "Migration", "Stability", "Exits by tier", "By sub-branch", "By relationship manager",
           "By industry section", "By enterprise size", "Concentration", "Lorenz curve",
           "Quarantine", "Loads", "Load warnings"],
    "zh-CN": ["结论", "分层名单", "价值损毁客户", "分层指标", "实施前后", "指标趋势", "层级迁移",
              "稳定性", "各层级流失", "按支行", "按客户经理", "按行业门类", "按企业规模",
              "贡献集中度", "洛伦兹曲线", "数据隔离", "数据加载", "加载警告"],
}
needs_cjk = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed")


@pytest.fixture(scope="module")
def zh_report(report_ws, tmp_path_factory) -> dict[str, Path]:
    ws, periods = report_ws
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    data = build_report_data(ws, periods[-1], "zh-CN")
    paths = render_report(data, ws.reports_dir / periods[-1], font=find_cjk_font())
    return {"html": paths.html, "pdf": paths.pdf, "xlsx": paths.xlsx}


@pytest.fixture(scope="module")
def en_report(report_ws) -> dict[str, Path]:
    ws, periods = report_ws
    result = CliRunner().invoke(app, ["report", "--period", periods[-1], "--lang", "en",
                                      "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.stdout.split()]
    assert [p.name for p in printed] == ["report.en.html", "report.en.pdf", "report.en.xlsx"]
    assert all(p.parent == ws.reports_dir / periods[-1] for p in printed)
    return dict(zip(["html", "pdf", "xlsx"], printed, strict=True))


def _self_contained(html: str) -> None:
    assert not re.search(r"https?://", html)
    assert "file://" not in html
    assert not re.search(r"<(link|script|img)\b", html)
    assert html.count("<svg") >= 4  # pyramid, migration, Lorenz, trends


@needs_cjk
def test_chinese_html_is_self_contained_and_chinese(zh_report) -> None:
    html = zh_report["html"].read_text("utf-8")
    _self_contained(html)
    for label in ("对公客户分层管理效果报告", "层级迁移", "基尼系数", "战略客户", "被隔离的数据行",
                  "接受但有警告的数据行", "days_overdue 120 is more than 90 days past due"):
        assert label in html
    assert 'lang="zh-CN"' in html


def test_english_html_is_self_contained_and_english(en_report) -> None:
    html = en_report["html"].read_text("utf-8")
    _self_contained(html)
    for label in ("Tiering effect report", "Migration", "Gini", "Strategic", "Quarantined rows",
                  "Accepted rows with a warning", "days_overdue 120 is more than 90 days"):
        assert label in html
    assert "层级迁移" not in html and "战略客户" not in html


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pdf_renders_to_pages(lang, zh_report, en_report, tmp_path) -> None:
    pdf = (zh_report if lang == "zh-CN" else en_report)["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    assert all(p.stat().st_size > 1000 for p in pages)


@needs_cjk
def test_the_languages_do_not_overwrite_each_other(zh_report, en_report, report_ws) -> None:
    ws, periods = report_ws
    names = sorted(p.name for p in (ws.reports_dir / periods[-1]).iterdir())
    assert names == sorted(f"report.{lang}.{ext}" for lang in ("en", "zh-CN")
                           for ext in ("html", "pdf", "xlsx"))
    assert 'lang="zh-CN"' in zh_report["html"].read_text("utf-8")
    assert 'lang="en"' in en_report["html"].read_text("utf-8")


def test_the_stylesheet_is_inline_as_written(en_report) -> None:
    html = en_report["html"].read_text("utf-8")
    style = html[html.index("<style>"):html.index("</style>")]
    assert '"Noto Sans CJK SC", "Source Han Sans SC"' in style
    assert "&#34;" not in style and "&quot;" not in style
    assert "counter(page)" in style
    assert ".scroll { overflow-x: auto;" in style
    assert html.count('<div class="scroll"><table') >= 5  # every table scrolls on a phone


def test_every_pdf_page_carries_its_number(report_ws) -> None:
    from corptier.i18n import Translator
    from corptier.report.charts import build_charts
    from corptier.report.html import render_html
    from corptier.report.pdf import pdf_document, pdf_stylesheet

    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    html = render_html(data, build_charts(data, Translator("en")),
                       extra_css=pdf_stylesheet(find_cjk_font()))
    document, _fonts = pdf_document(html, ws.root, find_cjk_font())
    pages = len(document.pages)
    assert pages >= 3
    footers = [[text for box in page._page_box.children if type(box).__name__ == "MarginBox"
                for text in _texts(box)] for page in document.pages]
    assert footers == [[f"{n} / {pages}"] for n in range(1, pages + 1)]


def _texts(box):
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


@needs_cjk
def test_chinese_pdf_embeds_the_cjk_font(zh_report) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    fonts = subprocess.run(["pdffonts", str(zh_report["pdf"])], capture_output=True, text=True,
                           check=True).stdout
    def squash(text: str) -> str:
        return re.sub(r"[\s-]", "", text).lower()

    assert squash(find_cjk_font().family) in squash(fonts)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_workbook_sheets_frozen_headers_and_formats(lang, zh_report, en_report, report_ws) -> None:
    ws, periods = report_ws
    published = pd.read_parquet(ws.partition_dir("tiers", periods[-1]))
    snapshot = pd.read_parquet(ws.partition_dir("indicators_customer", periods[-1]))
    path = (zh_report if lang == "zh-CN" else en_report)["xlsx"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == EXPECTED_SHEETS[lang]
    for sheet in wb.worksheets:  # one Excel Table per sheet, with an autofilter, from A1
        assert sheet.freeze_panes
        [(name, ref)] = sheet.tables.items()
        assert ref.startswith("A1:") and sheet.tables[name].autoFilter is not None
    tiers = wb.worksheets[1]
    assert tiers.freeze_panes == "C2"
    header = [c.value for c in tiers[1]]
    unit = "万元" if lang == "zh-CN" else "10k yuan"
    contribution = "综合贡献（万元）" if lang == "zh-CN" else f"Contribution ({unit})"
    money, share = header.index(contribution) + 1, header.index("RAROC") + 1
    assert tiers.cell(2, money).number_format == "#,##0.00"
    assert tiers.cell(2, share).number_format == "0.0%"
    assert tiers.max_row == 1 + len(published)
    rows = {r[0]: r for r in tiers.iter_rows(min_row=2, values_only=True)}
    first = snapshot.iloc[0]
    row = rows[first["customer_id"]]
    assert row[money - 1] == pytest.approx(first["contribution"] / 1e4)
    assert row[1] == first["name"] and row[2] == first["sub_branch"] and row[3] == first["rm_id"]
    explanation = tiers.cell(2, len(header)).value
    assert ("得分" if lang == "zh-CN" else "score") in explanation
    destroyers = wb.worksheets[2]
    lost = [c.value for c in destroyers[1]].index(contribution)
    losses = [r[lost] for r in destroyers.iter_rows(min_row=2, values_only=True)]
    assert len(losses) == int((snapshot["contribution"] < 0).sum())
    assert losses == sorted(losses) and all(v < 0 for v in losses)
    kpis = wb.worksheets[3]
    assert kpis.cell(2, 1).value == ("战略客户" if lang == "zh-CN" else "Strategic")
    by_branch = wb.worksheets[9]
    counts = [r[1] for r in by_branch.iter_rows(min_row=2, values_only=True)]
    assert sum(counts) == len(published)
    quarantine = wb.worksheets[-3]
    rows = [tuple(c.value for c in r[:4]) for r in quarantine.iter_rows(min_row=2, max_row=3)]
    assert ("customers", "uscc", "统一社会信用代码校验位错误", 2) in rows
