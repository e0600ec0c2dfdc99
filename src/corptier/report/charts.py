"""Report charts with matplotlib (no pyplot, Agg/SVG canvases): pyramid, heatmap, Lorenz, trends.

Each chart is returned as SVG text with the glyphs drawn as paths, so the HTML and the PDF need
no font to show it. Labels come through the report's Translator; the CJK font is found with
fontconfig (`fonts.find_cjk_font`) and registered with matplotlib's font manager.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # no display; harmless when already set

import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from corptier.evaluation.concentration import Concentration
from corptier.evaluation.kpis import TOTAL, KpiSpec
from corptier.evaluation.migration import MigrationMatrix
from corptier.i18n import MONEY_UNITS, Translator
from corptier.report.fonts import require_cjk_font
from corptier.report.model import ReportData

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

PALETTE = ("#1f3a5f", "#2f6690", "#3a7ca5", "#81a4cd", "#b8d0eb", "#d9e5f2", "#9aa5b1")
ACCENT = "#c8553d"


@lru_cache(maxsize=4)
def _font_families(lang: str) -> tuple[str, ...]:
    font = require_cjk_font(lang)
    if font is None:
        return ("DejaVu Sans",)
    font_manager.fontManager.addfont(str(font.path))
    name = font_manager.FontProperties(fname=str(font.path)).get_name()
    return (name, "DejaVu Sans")


@contextmanager
def chart_style(lang: str) -> Iterator[None]:
    rc: dict[RcKeyType, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": list(_font_families(lang)),
        "font.size": 9,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "corptier",
        # tier names and titles are user text: `$…$` is drawn as written, never as TeX
        "text.parse_math": False,
        "text.usetex": False,
    }
    with matplotlib.rc_context(rc):
        yield


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def to_svg(fig: Figure) -> str:
    """SVG text of a figure ready to inline in HTML: no XML prolog, no RDF metadata, and no
    namespace URIs (HTML puts an inline <svg> in the SVG namespace by itself; links use the
    SVG 2 `href`), so the report holds no http(s) address at all."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = _METADATA.sub("", text[text.index("<svg"):], count=1)
    return _NAMESPACES.sub("", text).replace("xlink:href=", "href=")


def tier_pyramid(counts: pd.Series, t: Translator) -> Figure:
    """Centred horizontal bars, best tier on top, labelled with count and share."""
    total = max(float(counts.sum()), 1.0)
    fig = Figure(figsize=(6.4, 0.5 + 0.45 * len(counts)))
    ax = fig.add_subplot()
    y = np.arange(len(counts))[::-1]
    widths = counts.to_numpy(dtype=float)
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(counts))]
    ax.barh(y, widths, left=-widths / 2, color=colors, height=0.8)
    widest = max(widths.max(initial=0.0), 1.0)
    for yi, (_code, n) in zip(y, counts.items(), strict=True):
        label = f"{t.count(n)}  ({t.share(n / total)})"
        if n / widest > 0.35:  # inside a wide bar, beside a narrow one
            ax.text(0, yi, label, ha="center", va="center", color="white", fontsize=8)
        else:
            ax.text(n / 2 + widest * 0.02, yi, label, ha="left", va="center", fontsize=8)
    ax.set_xlim(-widest * 0.55, widest * 0.55)
    ax.set_yticks(y, [t.tier(str(c)) for c in counts.index])
    ax.set_xticks([])
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.set_title(t("Customers by tier"))
    fig.tight_layout()
    return fig


def migration_heatmap(matrix: MigrationMatrix, t: Translator, title: str) -> Figure:
    """Row percentages as colour; each cell shows the count and the row share."""
    pct = matrix.row_pct.fillna(0).to_numpy()
    counts = matrix.counts.to_numpy()
    fig = Figure(figsize=(6.4, 0.9 + 0.45 * pct.shape[0]))
    ax = fig.add_subplot()
    # pcolormesh stays vector in SVG (imshow would embed a raster WeasyPrint does not draw)
    ax.pcolormesh(np.arange(pct.shape[1] + 1) - 0.5, np.arange(pct.shape[0] + 1) - 0.5, pct,
                  cmap="Blues", vmin=0, vmax=1, edgecolors="white", linewidth=0.5)
    ax.set_ylim(pct.shape[0] - 0.5, -0.5)
    for i in range(pct.shape[0]):
        for j in range(pct.shape[1]):
            if counts[i, j]:
                ax.text(j, i, f"{t.count(counts[i, j])}\n{t.share(pct[i, j])}", ha="center",
                        va="center", fontsize=7, color="white" if pct[i, j] > 0.55 else "black")
    ax.set_xticks(range(pct.shape[1]), [t.tier(str(c)) for c in matrix.counts.columns])
    ax.set_yticks(range(pct.shape[0]), [t.tier(str(r)) for r in matrix.counts.index])
    ax.set_xlabel(t("Tier at the end"))
    ax.set_ylabel(t("Tier at the start"))
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.set_title(title, pad=28)
    for k in (len(matrix.tier_order) - 0.5,):
        ax.axhline(k, color="grey", lw=0.8)
        ax.axvline(k, color="grey", lw=0.8)
    fig.tight_layout()
    return fig


def lorenz_chart(conc: Concentration, t: Translator) -> Figure:
    """Lorenz curve of contribution against the line of equality."""
    fig = Figure(figsize=(4.6, 4.2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label=t("Equal contribution"))
    ax.plot(conc.lorenz_x, conc.lorenz_y, color=PALETTE[1], lw=2, label=t("Lorenz curve"))
    ax.fill_between(conc.lorenz_x, conc.lorenz_y, conc.lorenz_x, color=PALETTE[4], alpha=0.5)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel(t("Share of customers (lowest contribution first)"))
    ax.set_ylabel(t("Share of net contribution"))
    ax.set_title(f"{t('Gini')} = {t.number(conc.gini, 3)}")
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def raroc_chart(kpis: pd.DataFrame, tiers: Sequence[str], hurdle: float | None,
                t: Translator) -> Figure:
    """RAROC of each tier and of the book as bars, against the hurdle rate as a line."""
    rows = [*tiers, TOTAL]
    values = pd.to_numeric(kpis["raroc"].reindex(rows), errors="coerce").to_numpy(dtype=float)
    fig = Figure(figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(tiers))] + [PALETTE[-1]]
    ax.bar(range(len(rows)), np.nan_to_num(values), color=colors)
    for x, v in enumerate(values):
        if not np.isnan(v):
            ax.text(x, v, t.share(v), ha="center", va="bottom" if v >= 0 else "top", fontsize=7)
    if hurdle is not None:
        _hurdle_line(ax, hurdle, t)
    ax.set_xticks(range(len(rows)), [t.tier(r) for r in rows])
    ax.axhline(0, color="black", lw=0.5)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: t.share(v)))
    ax.set_title(t("RAROC by tier against the hurdle rate"))
    fig.tight_layout()
    return fig


def _hurdle_line(ax: Any, hurdle: float, t: Translator) -> None:
    ax.axhline(hurdle, color=ACCENT, lw=1.2, ls="--",
               label=t("Hurdle rate %(rate)s") % {"rate": t.share(hurdle)})
    ax.legend(loc="upper right", frameon=False, fontsize=7)


def kpi_trend_chart(
    trend: pd.DataFrame, kpi: str, kind: str, label: str, tiers: Sequence[str], t: Translator,
    hurdle: float | None = None,
) -> Figure:
    """One line per tier of one KPI over the periods of `trend` (long frame); a RAROC chart
    draws the hurdle rate as a dashed line."""
    fig = Figure(figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    periods = sorted(trend["period"].unique())
    for i, tier in enumerate(tiers):
        rows = trend[trend["tier"] == tier].set_index("period").reindex(periods)
        if rows[kpi].notna().any():
            ax.plot(periods, rows[kpi].to_numpy(dtype=float), marker="o", ms=3,
                    color=PALETTE[i % len(PALETTE)], label=t.tier(tier))
    ax.set_title(label)
    if hurdle is not None:
        ax.axhline(hurdle, color=ACCENT, lw=1.2, ls="--",
                   label=t("Hurdle rate %(rate)s") % {"rate": t.share(hurdle)})
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _pos: _axis_label(v, kind, t)))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=7)
    fig.tight_layout()
    return fig


TREND_KPIS = {"customers": False, "contribution": False, "raroc": True}
"""KPIs drawn over time, and whether the whole-book line (`all`) is drawn beside the tiers."""


def build_charts(data: ReportData, t: Translator) -> dict[str, str]:
    """Every chart of the report as inline SVG, by name."""
    specs = {s.name: s for s in data.specs}
    with chart_style(data.lang):
        charts: dict[str, Figure] = {"pyramid": tier_pyramid(data.tier_counts, t)}
        if "raroc" in data.kpis.columns and data.kpis["raroc"].notna().any():
            charts["raroc"] = raroc_chart(data.kpis, data.tier_order, data.hurdle_rate, t)
        if data.previous is not None:
            title = t("Migration since %(period)s") % {"period": data.previous.period}
            charts["migration"] = migration_heatmap(data.previous.matrix, t, title)
        if data.concentration.n and not np.isnan(data.concentration.gini):
            charts["lorenz"] = lorenz_chart(data.concentration, t)
        if data.trend["period"].nunique() > 1:
            for kpi, with_total in TREND_KPIS.items():
                if kpi in specs:
                    lines = [*data.tier_order, TOTAL] if with_total else list(data.tier_order)
                    charts[f"trend_{kpi}"] = kpi_trend_chart(
                        data.trend, kpi, specs[kpi].kind, _title(specs[kpi], t), lines, t,
                        data.hurdle_rate if kpi == "raroc" else None)
        return {name: to_svg(fig) for name, fig in charts.items()}


def _title(spec: KpiSpec, t: Translator) -> str:
    label = t(spec.label)
    return t.money_header(label) if spec.kind == "money" else label


def _axis_label(value: float, kind: str, t: Translator) -> str:
    if kind == "share":
        return t.share(value)
    if kind == "money":
        return t.number(value / MONEY_UNITS[t.money_unit], 0)
    return t.number(value, 0 if kind == "count" else 2)
