"""The report face: renders assembled data as the effect report (HTML, PDF, Excel) and an
explanation as text. It reads nothing itself: `corptier.services` assembles and calls it.
"""

from corptier.report.fonts import CjkFont, find_cjk_font
from corptier.report.model import ReportData
from corptier.report.render import ReportPaths, render_report

__all__ = ["CjkFont", "ReportData", "ReportPaths", "find_cjk_font", "render_report"]
