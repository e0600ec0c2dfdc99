"""The effect report of a period: HTML (self-contained), PDF (WeasyPrint) and Excel.

`write_report(ws, period, lang=None)` writes reports/<period>/report.{html,pdf,xlsx}.
"""

from corptier.evaluation.report.data import ReportData, build_report_data
from corptier.evaluation.report.fonts import CjkFont, FontMissingError, find_cjk_font
from corptier.evaluation.report.render import ReportPaths, render_report, write_report

__all__ = [
    "CjkFont",
    "FontMissingError",
    "ReportData",
    "ReportPaths",
    "build_report_data",
    "find_cjk_font",
    "render_report",
    "write_report",
]
