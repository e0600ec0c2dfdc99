"""The report face: renders assembled data as the effect report (HTML, PDF, Excel) and an
explanation as text. It reads nothing itself: `corptier.services` assembles and calls it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# imported on first use (PEP 562): `corptier.report.explanation` (the `explain` command's text)
# must not pay for the report's model, pandas and the evaluation
_EXPORTS = {"CjkFont": "fonts", "find_cjk_font": "fonts", "ReportData": "model",
            "ReportPaths": "render", "render_report": "render"}

__all__ = ["CjkFont", "ReportData", "ReportPaths", "find_cjk_font", "render_report"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'corptier.report' has no attribute {name!r}")
    value = getattr(import_module(f"corptier.report.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from corptier.report.fonts import CjkFont, find_cjk_font
    from corptier.report.model import ReportData
    from corptier.report.render import ReportPaths, render_report
