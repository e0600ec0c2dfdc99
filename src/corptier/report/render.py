"""Render a period's report data to report.<lang>.html, .pdf and .xlsx in a folder (the language
in the name, so the Chinese and the English report of a period sit side by side)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corptier.private_files import make_private, private_mkdir
from corptier.report.fonts import CjkFont
from corptier.report.model import ReportData


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    pdf: Path
    xlsx: Path

    def __iter__(self) -> Iterator[Path]:
        return iter((self.html, self.pdf, self.xlsx))


def render_report(data: ReportData, folder: Path, *, font: CjkFont | None = None) -> ReportPaths:
    """Render assembled report data to the three files in `folder`."""
    from corptier.report.charts import build_charts
    from corptier.report.excel import write_excel
    from corptier.report.html import render_html
    from corptier.report.pdf import pdf_stylesheet, write_pdf

    private_mkdir(folder)
    charts = build_charts(data, data.translator())
    html = render_html(data, charts)
    paths = report_paths(folder, data.lang)
    _atomic(paths.html, lambda p: p.write_text(html, encoding="utf-8"))
    pdf_html = render_html(data, charts, extra_css=pdf_stylesheet(font))
    _atomic(paths.pdf, lambda p: write_pdf(pdf_html, p, font))
    _atomic(paths.xlsx, lambda p: write_excel(data, p))
    return paths


def report_paths(folder: Path, lang: str) -> ReportPaths:
    """Where the report in `lang` is written: `report.zh-CN.pdf`, `report.en.pdf`, …"""
    return ReportPaths(*(folder / f"report.{lang}.{ext}" for ext in ("html", "pdf", "xlsx")))


def _atomic(target: Path, write: Callable[[Path], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        make_private(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

