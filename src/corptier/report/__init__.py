"""The report face: renders assembled data as the effect report (HTML, PDF, Excel) and an
explanation as text. It reads nothing itself: `corptier.services` assembles and calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corptier.lazy_exports import lazy_exports

# imported on first use (PEP 562): `corptier.report.explanation` (the `explain` command's text)
# must not pay for the report's model, pandas and the evaluation
_EXPORTS = {"CjkFont": "fonts", "find_cjk_font": "fonts", "ReportData": "model",
            "ReportPaths": "render", "render_report": "render"}

__all__ = ["CjkFont", "ReportData", "ReportPaths", "find_cjk_font", "render_report"]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from corptier.report.fonts import CjkFont, find_cjk_font
    from corptier.report.model import ReportData
    from corptier.report.render import ReportPaths, render_report
