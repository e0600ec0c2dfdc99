"""The PDF report: WeasyPrint renders the same HTML, with the CJK font declared explicitly."""

from __future__ import annotations

import logging
from pathlib import Path

from corptier.errors import CorptierError
from corptier.report.fonts import CjkFont

CJK_ALIAS = "corptier-cjk"


def pdf_stylesheet(font: CjkFont | None) -> str:
    """CSS that puts the CJK font (file:// @font-face, then its fontconfig name) first."""
    if font is None:
        return ""
    return (
        f'@font-face {{ font-family: "{CJK_ALIAS}"; src: url("{font.path.as_uri()}"); }}\n'
        f'body {{ font-family: "{font.family}", "{CJK_ALIAS}", "DejaVu Sans", sans-serif; }}\n'
    )


def write_pdf(html: str, path: Path, font: CjkFont | None) -> Path:
    """Render `html` to `path`; only file: and data: URLs are fetched (never the network)."""
    document, fonts = pdf_document(html, path.parent, font)
    document.write_pdf(str(path), font_config=fonts)
    return path


def pdf_document(html: str, base: Path, font: CjkFont | None):
    """The laid-out pages of `html` (a WeasyPrint Document) and the font configuration."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise CorptierError(
            f"cannot load WeasyPrint to write the PDF ({exc}); install the Debian packages "
            "libpango-1.0-0 and libpangoft2-1.0-0 (make system-deps does this)"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    sheets = [CSS(string=pdf_stylesheet(font), font_config=fonts)] if font else []
    document = HTML(string=html, base_url=str(base), url_fetcher=_local_only)
    return document.render(stylesheets=sheets, font_config=fonts), fonts


def _local_only(url: str, *args, **kwargs):
    if not url.startswith(("file:", "data:")):
        raise ValueError(f"the report may not fetch {url}")
    from weasyprint import default_url_fetcher

    return default_url_fetcher(url, *args, **kwargs)
