"""The effect report of a period: reports/<period>/report.<lang>.html, .pdf and .xlsx."""

from __future__ import annotations

from corptier.i18n import locale_of
from corptier.periods import Period
from corptier.report import ReportPaths, render_report
from corptier.report.fonts import require_cjk_font
from corptier.services.outputs import writing_file
from corptier.services.progress import stage, step
from corptier.services.recovery import writing
from corptier.services.report_data import build_report_data
from corptier.workspace import Workspace


@stage("report {period}")
def write_report(ws: Workspace, period: str, lang: str | None = None) -> ReportPaths:
    """Build the report of a closed `period` in `lang` (default: the workspace language) with
    the tier order and names of the standard its run applied, and write the three files under
    reports/<period>/ as report.<lang>.html, .pdf and .xlsx (one set per language); each file
    is replaced only once it is complete."""
    p = Period(period)
    lang = lang or ws.config.workspace.language
    locale_of(lang)  # fail early on an unknown language
    font = require_cjk_font(lang)
    with writing(ws, f"report {p}"):
        step("data")
        data = build_report_data(ws, p, lang)
        step("render")
        with writing_file(ws.reports_dir / p):
            return render_report(data, ws.reports_dir / p, font=font)
