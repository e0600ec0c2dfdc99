"""The Excel workbook: tier list with explanations, migration, KPIs, concentration, quarantine.

Written with xlsxwriter in constant-memory mode (rows streamed in order), frozen header rows,
yuan as #,##0.00, shares as 0.0 %. A tier list longer than one sheet continues on "… 2", "… 3".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import SupportsFloat, SupportsIndex

import pandas as pd
import xlsxwriter

from corptier.evaluation.migration import MigrationMatrix
from corptier.i18n import N_, Translator
from corptier.report.model import ReportData

MAX_ROWS = 1_048_575  # data rows per sheet (one row is the header)
FORMATS = {
    "money": {"num_format": "#,##0.00"},
    "share": {"num_format": "0.0%"},
    "count": {"num_format": "#,##0"},
    "number": {"num_format": "#,##0.00"},
    "score": {"num_format": "0.00"},
    "text": {},
}
WIDTHS = {"money": 16, "share": 10, "count": 11, "number": 12, "score": 9, "text": 14}
SHEETS = {
    "tiers": N_("Tiers"),
    "migration": N_("Migration"),
    "kpis": N_("KPIs"),
    "trend": N_("KPI trend"),
    "stability": N_("Stability"),
    "concentration": N_("Concentration"),
    "quarantine": N_("Quarantine"),
}


@dataclass(frozen=True)
class Col:
    """One column: header label, data key and format kind, optional width."""

    label: str
    kind: str = "text"
    width: int | None = None


class _Book:
    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors":
                                                   False})
        self.fmt = {k: self.wb.add_format(v) for k, v in FORMATS.items()}
        self.head = self.wb.add_format({"bold": True, "bg_color": "#1F3A5F",
                                        "font_color": "#FFFFFF", "text_wrap": True,
                                        "valign": "top", "border": 1})
        self.title = self.wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F3A5F"})

    def sheet(self, name: str, cols: Sequence[Col], freeze_cols: int = 0, freeze_rows: int = 1):
        ws = self.wb.add_worksheet(_sheet_name(name))
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width or WIDTHS.get(c.kind, 14))
        ws.freeze_panes(freeze_rows, freeze_cols)
        return ws

    def header(self, ws, row: int, cols: Sequence[Col]) -> None:
        for i, c in enumerate(cols):
            ws.write_string(row, i, c.label, self.head)

    def cells(self, ws, row: int, values: Sequence[object], cols: Sequence[Col]) -> None:
        for i, (v, c) in enumerate(zip(values, cols, strict=False)):
            self.cell(ws, row, i, v, c.kind)

    def cell(self, ws, row: int, col: int, value: object, kind: str = "text") -> None:
        if value is None or (isinstance(value, float) and (math.isnan(value) or
                                                           math.isinf(value))):
            ws.write_blank(row, col, None, self.fmt[kind])
        elif kind == "text" or isinstance(value, str):
            ws.write_string(row, col, str(value), self.fmt[kind])
        elif isinstance(value, SupportsFloat | SupportsIndex):
            ws.write_number(row, col, float(value), self.fmt[kind])
        else:
            raise TypeError(f"a {kind} cell needs a number, not {value!r}")


def write_excel(data: ReportData, path: Path) -> Path:
    """Write the workbook of `data` to `path`."""
    t = data.translator()
    book = _Book(path)
    _tiers(book, data, t)
    _migration(book, data, t)
    _kpis(book, data, t)
    _trend(book, data, t)
    _stability(book, data, t)
    _concentration(book, data, t)
    _quarantine(book, data, t)
    book.wb.close()
    return path


TIER_COLUMNS = [
    ("customer_id", N_("Customer"), "text", 16),
    ("name", N_("Name"), "text", 30),
    ("group_id", N_("Group"), "text", 14),
    ("applied_tier", N_("Tier"), "text", 12),
    ("computed_tier", N_("Computed tier"), "text", 12),
    ("previous_tier", N_("Previous tier"), "text", 12),
    ("migration", N_("Movement"), "text", 10),
    ("score", N_("Score"), "score", None),
    ("contribution", N_("Contribution"), "money", None),
    ("dep_avg", N_("Deposits (avg. daily)"), "money", None),
    ("loan_avg", N_("Loans (avg. daily)"), "money", None),
    ("raroc", N_("RAROC"), "share", None),
    ("product_coverage", N_("Product coverage"), "number", None),
    ("flags", N_("Flags"), "text", 16),
    ("needs_segment", N_("Needs segment"), "text", 14),
    ("behaviour_state", N_("Behaviour state"), "text", 14),
]
TIER_CODE_COLUMNS = ("applied_tier", "computed_tier", "previous_tier")
MOVEMENTS = {"up": N_("up"), "down": N_("down"), "same": N_("same"), "new": N_("new")}


def _tiers(book: _Book, data: ReportData, t: Translator) -> None:
    frame = data.tiers
    present = [c for c in TIER_COLUMNS if c[0] in frame.columns]
    cols = [Col(t(label), kind, width) for _, label, kind, width in present]
    cols.append(Col(t("Explanation"), "text", 80))
    ordered = frame.sort_values(["applied_tier", "customer_id"], key=_tier_sort_key(data))
    explanations = explanation_texts(ordered, t)
    values = _tier_values(ordered, present, t)
    for start in range(0, max(len(ordered), 1), MAX_ROWS):
        suffix = f" {start // MAX_ROWS + 1}" if start else ""
        ws = book.sheet(t(SHEETS["tiers"]) + suffix, cols, freeze_cols=2)
        book.header(ws, 0, cols)
        for r, i in enumerate(range(start, min(start + MAX_ROWS, len(ordered))), start=1):
            book.cells(ws, r, [*(v[i] for v in values), explanations[i]], cols)


def _tier_values(frame: pd.DataFrame, present: list, t: Translator) -> list[list]:
    out = []
    for key, _label, kind, _w in present:
        column = frame[key]
        if key in TIER_CODE_COLUMNS:
            out.append([t.tier(str(v)) if _has(v) else None for v in column])
        elif key == "migration":
            out.append([t(MOVEMENTS[v]) if v in MOVEMENTS else v for v in column])
        elif kind == "text":
            out.append([str(v) if _has(v) else None for v in column])
        else:
            out.append(pd.to_numeric(column, errors="coerce").astype(float).tolist())
    return out


def explanation_texts(frame: pd.DataFrame, t: Translator) -> list[str]:
    """One line per customer: score, computed and applied tier, movement, dimensions, flags."""
    dims = [(c, t(label)) for c, label in (("dim_value", N_("value")), ("dim_needs", N_("needs")),
                                           ("dim_behaviour", N_("behaviour")),
                                           ("dim_risk", N_("risk"))) if c in frame.columns]
    separator = "；" if t.lang.startswith("zh") else "; "
    texts = []
    for r in frame.to_dict("records"):
        parts = []
        if _has(r.get("score")):
            parts.append(t("score %(score)s") % {"score": t.number(r["score"])})
        if _has(r.get("computed_tier")) and r.get("computed_tier") != r.get("applied_tier"):
            parts.append(t("computed %(computed)s, applied %(applied)s (hysteresis or override)")
                         % {"computed": t.tier(str(r["computed_tier"])),
                            "applied": t.tier(str(r["applied_tier"]))})
        if _has(r.get("previous_tier")) and r.get("migration") in ("up", "down"):
            parts.append(t("%(movement)s from %(previous)s") % {
                "movement": t(MOVEMENTS[r["migration"]]),
                "previous": t.tier(str(r["previous_tier"]))})
        elif r.get("migration") == "new":
            parts.append(t("new this period"))
        scored = [f"{label} {t.number(r[c], 1)}" for c, label in dims if _has(r.get(c))]
        if scored:
            parts.append(" / ".join(scored))
        if _has(r.get("flags")) and str(r["flags"]).strip():
            parts.append(t("flags: %(flags)s") % {"flags": r["flags"]})
        texts.append(separator.join(parts))
    return texts


def _migration(book: _Book, data: ReportData, t: Translator) -> None:
    comps = [c for c in (data.previous, data.year_ago) if c is not None]
    width = len(data.tier_order) + 3
    cols = [Col(t("From \\ to"), "text", 16)] + [Col("", "count", 12)] * width
    ws = book.sheet(t(SHEETS["migration"]), cols, freeze_cols=1, freeze_rows=2)
    row = 0
    if not comps:
        ws.write_string(0, 0, t("No earlier published period to compare with."), book.title)
    for comp in comps:
        title = t("Migration %(start)s → %(end)s") % {"start": comp.period, "end": data.period}
        row = _matrix_block(book, ws, row, title, comp.matrix, t) + 1


def _matrix_block(book: _Book, ws, row: int, title: str, m: MigrationMatrix,
                  t: Translator) -> int:
    labels = [t.tier(str(c)) for c in m.counts.columns]
    for kind, frame, caption in (("count", m.counts, t("Customers")),
                                 ("share", m.row_pct, t("Share of row"))):
        ws.write_string(row, 0, f"{title} · {caption}", book.title)
        row += 1
        header = [Col(t("From \\ to")), *[Col(x) for x in labels]]
        book.header(ws, row, header)
        row += 1
        for tier, values in frame.iterrows():
            book.cell(ws, row, 0, t.tier(str(tier)))
            for j, v in enumerate(values.tolist(), start=1):
                book.cell(ws, row, j, v, kind)
            row += 1
        row += 1
    metrics = [(t("Tier unchanged"), m.diagonal_share), (t("Upgraded"), m.upgrade_share),
               (t("Downgraded"), m.downgrade_share), (t("Exit rate"), m.exit_rate)]
    for label, value in metrics:
        book.cell(ws, row, 0, label)
        book.cell(ws, row, 1, value, "share")
        row += 1
    return row


def _kpis(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Tier"), "text", 16), *[Col(t(s.label), _kind(s.kind)) for s in data.specs]]
    ws = book.sheet(t(SHEETS["kpis"]), cols, freeze_cols=1)
    book.header(ws, 0, cols)
    for r, (tier, values) in enumerate(data.kpis.iterrows(), start=1):
        book.cells(ws, r, [t.tier(str(tier)), *[values[s.name] for s in data.specs]], cols)
    row = len(data.kpis) + 2
    if data.before_after is not None and not data.before_after.empty:
        _before_after_block(book, ws, row, data.before_after, data, t)


def _before_after_block(book: _Book, ws, row: int, frame: pd.DataFrame, data: ReportData,
                        t: Translator) -> None:
    adoption = data.adoption or {}
    ws.write_string(row, 0, t("Before and after the standard was adopted") +
                    f" ({adoption.get('adopted_period', '')})", book.title)
    cols = [Col(t("Tier")), Col(t("KPI")), Col(t("Before"), "number"), Col(t("After"), "number"),
            Col(t("Change"), "number")]
    book.header(ws, row + 1, cols)
    specs = {s.name: s for s in data.specs}
    for r, rec in enumerate(frame.to_dict("records"), start=row + 2):
        spec = specs.get(rec["kpi"])
        kind = _kind(spec.kind) if spec else "number"
        book.cell(ws, r, 0, t.tier(str(rec["tier"])))
        book.cell(ws, r, 1, t(spec.label) if spec else rec["kpi"])
        for j, key in enumerate(("before", "after", "change"), start=2):
            book.cell(ws, r, j, rec[key], kind)


def _trend(book: _Book, data: ReportData, t: Translator) -> None:
    specs = [s for s in data.specs if s.name in data.trend.columns]
    cols = [Col(t("Period"), "text", 10), Col(t("Tier"), "text", 16),
            *[Col(t(s.label), _kind(s.kind)) for s in specs]]
    ws = book.sheet(t(SHEETS["trend"]), cols, freeze_cols=2)
    book.header(ws, 0, cols)
    for r, rec in enumerate(data.trend.to_dict("records"), start=1):
        book.cells(ws, r, [rec["period"], t.tier(str(rec["tier"])),
                           *[rec[s.name] for s in specs]], cols)


def _stability(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Period from"), "text", 12), Col(t("Period to"), "text", 12),
            Col(t("Customers in both"), "count"), Col(t("Tier unchanged"), "share"),
            Col(t("Upgraded"), "share"), Col(t("Downgraded"), "share"), Col(t("New"), "count"),
            Col(t("Exited"), "count")]
    ws = book.sheet(t(SHEETS["stability"]), cols)
    book.header(ws, 0, cols)
    st = data.stability
    if st is None:
        return
    keys = ["period_from", "period_to", "stayers", "diagonal_share", "upgrade_share",
            "downgrade_share", "new", "exited"]
    for r, rec in enumerate(st.steps.to_dict("records"), start=1):
        book.cells(ws, r, [rec[k] for k in keys], cols)
    row = len(st.steps) + 2
    exit_cols = [Col(t("Tier")), Col(t("Customers"), "count"), Col(t("Exited next period"),
                                                                   "count"),
                 Col(t("Exit rate"), "share")]
    book.header(ws, row, exit_cols)
    for r, rec in enumerate(st.exit_rate_by_tier.to_dict("records"), start=row + 1):
        book.cells(ws, r, [t.tier(rec["tier"]), rec["customers"], rec["exited_next"],
                           rec["exit_rate"]], exit_cols)
    row += len(st.exit_rate_by_tier) + 2
    f = st.flapping
    for label, value, kind in ((t("Customers flapping"), f.customers_flapping, "count"),
                               (t("Flapping rate"), f.rate, "share"),
                               (t("Tier changes reversed"), f.reversal_rate, "share")):
        book.cell(ws, row, 0, label)
        book.cell(ws, row, 2, value, kind)
        row += 1


def _concentration(book: _Book, data: ReportData, t: Translator) -> None:
    c = data.concentration
    cols = [Col(t("Measure"), "text", 46), Col(t("Value"), "number", 18), Col("", "text", 4),
            Col(t("Share of customers"), "share", 14), Col(t("Share of net contribution"),
                                                           "share", 16)]
    ws = book.sheet(t(SHEETS["concentration"]), cols)
    book.header(ws, 0, cols)
    measures = [(t("Customers"), c.n, "count"), (t("Net contribution"), c.total, "money"),
                (t("Gini"), c.gini, "number"),
                *[(t("Share of the top %(p)s of customers") % {"p": t.share(p)}, v, "share")
                  for p, v in c.top_shares.items()],
                (t("Customers destroying value"), c.destroying_share, "share"),
                (t("Value destroyed"), c.value_destroyed, "money"),
                (t("Smallest share of customers making the whole net contribution"),
                 c.all_value_share, "share")]
    lorenz = list(zip(c.lorenz_x.tolist(), c.lorenz_y.tolist(), strict=True))
    for r in range(1, max(len(measures), len(lorenz)) + 1):
        if r <= len(measures):
            label, value, kind = measures[r - 1]
            book.cell(ws, r, 0, label)
            book.cell(ws, r, 1, value, kind)
        if r <= len(lorenz):
            book.cell(ws, r, 3, lorenz[r - 1][0], "share")
            book.cell(ws, r, 4, lorenz[r - 1][1], "share")


def _quarantine(book: _Book, data: ReportData, t: Translator) -> None:
    q = data.quarantine
    cols = [Col(t("Table"), "text", 18), Col(t("Column"), "text", 18), Col(t("Reason"), "text", 60),
            Col(t("Rows"), "count")]
    ws = book.sheet(t(SHEETS["quarantine"]), cols)
    book.header(ws, 0, cols)
    for r, rec in enumerate(q.by_reason.to_dict("records"), start=1):
        book.cells(ws, r, [rec["table"], rec["column"], rec["reason"], rec["rows"]], cols)
    row = len(q.by_reason) + 2
    load_cols = [Col(t("Table")), Col(t("Rows read"), "count"), Col(t("Accepted"), "count"),
                 Col(t("Rejected"), "count"), Col(t("Source"))]
    ws.write_string(row, 0, t("Loads of the period"), book.title)
    book.header(ws, row + 1, load_cols)
    for r, rec in enumerate(q.load_runs.to_dict("records"), start=row + 2):
        book.cells(ws, r, [rec["table"], rec["rows_read"], rec["rows_accepted"],
                           rec["rows_rejected"], rec["source"]], load_cols)


def _tier_sort_key(data: ReportData):
    rank = {code: i for i, code in enumerate(data.tier_order)}

    def key(column: pd.Series) -> pd.Series:
        if column.name == "applied_tier":
            return column.map(lambda v: rank.get(v, len(rank)))
        return column.astype(str)

    return key


def _kind(kind: str) -> str:
    return "number" if kind == "ratio" else kind


def _has(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and value is not pd.NA


def _sheet_name(name: str) -> str:
    bad = '[]:*?/\\'
    return "".join("-" if ch in bad else ch for ch in name)[:31]

