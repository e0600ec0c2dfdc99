"""Write the report of a period: reports/P/report.html, report.pdf and report.xlsx."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from corptier.evaluation.report.data import ReportData, build_report_data
from corptier.evaluation.report.fonts import require_cjk_font
from corptier.evaluation.report.i18n import Translator, locale_of, tier_labels_from_standard
from corptier.workspace import Workspace, check_period


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    pdf: Path
    xlsx: Path

    def __iter__(self):
        return iter((self.html, self.pdf, self.xlsx))


def write_report(
    ws: Workspace,
    period: str,
    lang: str | None = None,
    *,
    standard: object | None = None,
    tier_order: Sequence[str] | None = None,
    tier_labels: Mapping[str, str] | None = None,
) -> ReportPaths:
    """Build the report of `period` in `lang` (default: the workspace language) and write the
    three files under reports/<period>/; each file is replaced only once it is complete.

    `standard` (a tiering Standard) gives the tier order and the tier names; without it the
    default tier codes are assumed best first and named from the catalogue.
    """
    check_period(period)
    lang = lang or ws.config.workspace.language
    locale_of(lang)  # fail early on an unknown language
    if standard is not None:
        tier_order = tier_order or [t.code for t in standard.tiers]  # type: ignore[attr-defined]
        tier_labels = tier_labels or tier_labels_from_standard(standard, lang)
    font = require_cjk_font(lang)
    data = build_report_data(ws, period, lang, tier_order=tier_order, tier_labels=tier_labels)
    return render_report(data, ws.reports_dir / period, font=font)


def render_report(data: ReportData, folder: Path, *, font=None) -> ReportPaths:
    """Render assembled report data to the three files in `folder`."""
    from corptier.evaluation.report.charts import build_charts
    from corptier.evaluation.report.excel import write_excel
    from corptier.evaluation.report.html import render_html
    from corptier.evaluation.report.pdf import pdf_stylesheet, write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    charts = build_charts(data, Translator(data.lang, data.tier_labels))
    html = render_html(data, charts)
    paths = ReportPaths(folder / "report.html", folder / "report.pdf", folder / "report.xlsx")
    _atomic(paths.html, lambda p: p.write_text(html, encoding="utf-8"))
    pdf_html = render_html(data, charts, extra_css=pdf_stylesheet(font))
    _atomic(paths.pdf, lambda p: write_pdf(pdf_html, p, font))
    _atomic(paths.xlsx, lambda p: write_excel(data, p))
    return paths


def _atomic(target: Path, write: Callable[[Path], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
