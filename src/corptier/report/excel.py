"""The Excel workbook: every sheet one Excel Table (autofilter, banded rows) and nothing else.

Sheets: findings, the tier list with the customers' register and a one-line explanation, value
destroyers, KPIs, before/after, KPI trend, migration, stability, exits by tier, one breakdown
per dimension (every group), concentration, the Lorenz points, quarantine and loads. Frozen
header rows; money in the report's unit (`[report] unit`) as #,##0.00 with the unit in the
header, shares as 0.0 %. A tier list longer than one sheet continues on "… 2", "… 3".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import SupportsFloat, SupportsIndex

import pandas as pd
import xlsxwriter

from corptier.evaluation.breakdowns import DIMENSIONS
from corptier.i18n import MONEY_UNITS, N_, Translator
from corptier.report.html import (
    DIMENSION_TITLES,
    breakdown_columns,
    finding_view,
    group_label,
    spec_label,
)
from corptier.report.model import ReportData
from corptier.report.relationship import relationship_parts

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
    "findings": N_("Findings"),
    "tiers": N_("Tiers"),
    "destroyers": N_("Value destroyers"),
    "kpis": N_("KPIs"),
    "before_after": N_("Before and after"),
    "trend": N_("KPI trend"),
    "migration": N_("Migration"),
    "stability": N_("Stability"),
    "exits": N_("Exits by tier"),
    "concentration": N_("Concentration"),
    "lorenz": N_("Lorenz curve"),
    "quarantine": N_("Quarantine"),
    "loads": N_("Loads"),
    "warnings": N_("Load warnings"),
}
TABLE_STYLE = "Table Style Light 9"


@dataclass(frozen=True)
class Col:
    """One column: header label, format kind, optional width."""

    label: str
    kind: str = "text"
    width: int | None = None


class _Book:
    def __init__(self, path: Path, money_unit: str = "yuan") -> None:
        # not constant_memory: xlsxwriter writes Excel Tables only with the whole sheet in memory
        self.wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
        self.fmt = {k: self.wb.add_format(v) for k, v in FORMATS.items()}
        self.head = self.wb.add_format({"bold": True, "bg_color": "#1F3A5F",
                                        "font_color": "#FFFFFF", "text_wrap": True,
                                        "valign": "top", "border": 1})
        self.factor = MONEY_UNITS[money_unit]
        self.names: set[str] = set()

    def sheet(self, name: str, cols: Sequence[Col], freeze_cols: int = 0):
        ws = self.wb.add_worksheet(self._unique(_sheet_name(name)))
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width or WIDTHS.get(c.kind, 14))
        ws.freeze_panes(1, freeze_cols)
        return ws

    def table(self, key: str, name: str, cols: Sequence[Col], rows: Iterable[Sequence[object]],
              freeze_cols: int = 0) -> None:
        """One sheet holding one Excel Table: the header and `rows`, with an autofilter."""
        ws = self.sheet(name, cols, freeze_cols)
        n = 0
        for n, values in enumerate(rows, start=1):
            self.cells(ws, n, values, cols)
        headers = _unique_headers([c.label for c in cols])
        ws.add_table(0, 0, max(n, 1), len(cols) - 1, {
            "name": f"T_{key}", "style": TABLE_STYLE, "autofilter": True,
            "columns": [{"header": h, "header_format": self.head} for h in headers]})

    def cells(self, ws, row: int, values: Sequence[object], cols: Sequence[Col]) -> None:
        for i, (v, c) in enumerate(zip(values, cols, strict=False)):
            self.cell(ws, row, i, v, c.kind)

    def cell(self, ws, row: int, col: int, value: object, kind: str = "text") -> None:
        if value is None or value is pd.NA or (isinstance(value, float) and (
                math.isnan(value) or math.isinf(value))):
            ws.write_blank(row, col, None, self.fmt[kind])
        elif kind == "text" or isinstance(value, str):
            ws.write_string(row, col, str(value), self.fmt[kind])
        elif isinstance(value, SupportsFloat | SupportsIndex):
            number = float(value) / (self.factor if kind == "money" else 1.0)
            ws.write_number(row, col, number, self.fmt[kind])
        else:
            raise TypeError(f"a {kind} cell needs a number, not {value!r}")

    def _unique(self, name: str) -> str:
        candidate, k = name, 2
        while candidate.lower() in self.names:
            candidate, k = f"{name[:28]} {k}", k + 1
        self.names.add(candidate.lower())
        return candidate


def write_excel(data: ReportData, path: Path) -> Path:
    """Write the workbook of `data` to `path`."""
    t = data.translator()
    book = _Book(path, data.money_unit)
    for write in (_findings, _tiers, _destroyers, _kpis, _before_after, _trend, _migration,
                  _stability, _exits, _breakdowns, _concentration, _lorenz, _quarantine,
                  _loads, _warnings, _relationship):
        write(book, data, t)
    book.wb.close()
    return path


def _money(t: Translator, label: str) -> str:
    return t.money_header(t(label))


TIER_COLUMNS = [
    ("customer_id", N_("Customer"), "text", 16),
    ("name", N_("Name"), "text", 30),
    ("sub_branch", N_("Sub-branch"), "text", 14),
    ("rm_id", N_("Relationship manager"), "text", 16),
    ("industry_section", N_("Industry section"), "text", 22),
    ("enterprise_size", N_("Enterprise size"), "text", 14),
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
MOVEMENTS = {"up": N_("up"), "down": N_("down"), "same": N_("same"), "new": N_("new"),
             "returned": N_("returned")}


def _findings(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Status"), "text", 12), Col(t("Finding"), "text", 70),
            Col(t("Evidence"), "text", 60), Col(t("Section"), "text", 24)]
    views = [finding_view(f, t) for f in data.findings]
    book.table("findings", t(SHEETS["findings"]), cols,
               ([v["status_label"], v["text"], "; ".join(v["evidence"]), v["section"]]
                for v in views))


def _tier_cols(frame: pd.DataFrame, t: Translator) -> tuple[list, list[Col]]:
    present = [c for c in TIER_COLUMNS if c[0] in frame.columns]
    cols = [Col(t.money_header(t(label)) if kind == "money" else t(label), kind, width)
            for _, label, kind, width in present]
    return present, cols


def _tiers(book: _Book, data: ReportData, t: Translator) -> None:
    frame = data.tiers
    present, cols = _tier_cols(frame, t)
    cols.append(Col(t("Explanation"), "text", 80))
    ordered = frame.sort_values(["applied_tier", "customer_id"], key=_tier_sort_key(data))
    explanations = explanation_texts(ordered, t)
    values = _tier_values(ordered, present, data, t)
    for part, start in enumerate(range(0, max(len(ordered), 1), MAX_ROWS)):
        suffix = f" {part + 1}" if part else ""
        rows = ([*(v[i] for v in values), explanations[i]]
                for i in range(start, min(start + MAX_ROWS, len(ordered))))
        book.table(f"tiers{part + 1}", t(SHEETS["tiers"]) + suffix, cols, rows, freeze_cols=2)


def _destroyers(book: _Book, data: ReportData, t: Translator) -> None:
    frame = data.destroyers if data.destroyers is not None else pd.DataFrame(
        columns=["customer_id"])
    present, cols = _tier_cols(frame, t)
    values = _tier_values(frame, present, data, t)
    book.table("destroyers", t(SHEETS["destroyers"]), cols,
               ([v[i] for v in values] for i in range(len(frame))), freeze_cols=2)


def _tier_values(frame: pd.DataFrame, present: list, data: ReportData, t: Translator
                 ) -> list[list]:
    out = []
    for key, _label, kind, _w in present:
        column = frame[key]
        if key in TIER_CODE_COLUMNS:
            out.append([t.tier(str(v)) if _has(v) else None for v in column])
        elif key == "migration":
            out.append([t(MOVEMENTS[v]) if v in MOVEMENTS else v for v in column])
        elif key in DIMENSIONS:
            out.append([group_label(data, key, v, t) if _has(v) else None for v in column])
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


def _kpis(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Tier"), "text", 16), *[Col(spec_label(s, t), _kind(s.kind))
                                          for s in data.specs]]
    book.table("kpis", t(SHEETS["kpis"]), cols,
               ([t.tier(str(tier)), *[values[s.name] for s in data.specs]]
                for tier, values in data.kpis.iterrows()), freeze_cols=1)


def _before_after(book: _Book, data: ReportData, t: Translator) -> None:
    frame = data.before_after if data.before_after is not None else pd.DataFrame(
        columns=["tier", "kpi", "before", "after", "change"])
    cols = [Col(t("Tier"), "text", 16), Col(t("KPI"), "text", 24), Col(t("Before"), "number"),
            Col(t("After"), "number"), Col(t("Change"), "number")]
    specs = {s.name: s for s in data.specs}
    rows = []
    for rec in frame.to_dict("records"):
        spec = specs.get(rec["kpi"])
        factor = book.factor if spec is not None and spec.kind == "money" else 1.0
        rows.append([t.tier(str(rec["tier"])), spec_label(spec, t) if spec else rec["kpi"],
                     *[rec[k] / factor for k in ("before", "after", "change")]])
    book.table("before_after", t(SHEETS["before_after"]), cols, rows, freeze_cols=2)


def _trend(book: _Book, data: ReportData, t: Translator) -> None:
    specs = [s for s in data.specs if s.name in data.trend.columns]
    cols = [Col(t("Period"), "text", 10), Col(t("Tier"), "text", 16),
            *[Col(spec_label(s, t), _kind(s.kind)) for s in specs]]
    book.table("trend", t(SHEETS["trend"]), cols,
               ([rec["period"], t.tier(str(rec["tier"])), *[rec[s.name] for s in specs]]
                for rec in data.trend.to_dict("records")), freeze_cols=2)


def _migration(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Since"), "text", 10), Col(t("From"), "text", 16), Col(t("To"), "text", 16),
            Col(t("Customers"), "count"), Col(t("Share of row"), "share")]
    rows = []
    for comp in (c for c in (data.previous, data.year_ago) if c is not None):
        m = comp.matrix
        for start in m.counts.index:
            for end in m.counts.columns:
                rows.append([comp.period, t.tier(str(start)), t.tier(str(end)),
                             m.counts.at[start, end], m.row_pct.at[start, end]
                             if start in m.row_pct.index else None])
    book.table("migration", t(SHEETS["migration"]), cols, rows, freeze_cols=3)


def _stability(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Period from"), "text", 12), Col(t("Period to"), "text", 12),
            Col(t("Customers in both"), "count"), Col(t("Tier unchanged"), "share"),
            Col(t("Upgraded"), "share"), Col(t("Downgraded"), "share"), Col(t("New"), "count"),
            Col(t("Exited"), "count")]
    keys = ["period_from", "period_to", "stayers", "diagonal_share", "upgrade_share",
            "downgrade_share", "new", "exited"]
    steps = data.stability.steps.to_dict("records") if data.stability is not None else []
    book.table("stability", t(SHEETS["stability"]), cols,
               ([rec[k] for k in keys] for rec in steps))


def _exits(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Tier"), "text", 16), Col(t("Customers in the tier"), "count"),
            Col(t("Of them exited the next period"), "count"), Col(t("Exit rate"), "share")]
    st = data.stability
    frame = (st.customer_exits.to_dict("records")
             if st is not None and st.customer_exits is not None else [])
    book.table("exits", t(SHEETS["exits"]), cols,
               ([t.tier(rec["tier"]), rec["customers"], rec["exited"], rec["exit_rate"]]
                for rec in frame))


def _breakdowns(book: _Book, data: ReportData, t: Translator) -> None:
    for dim, frame in data.breakdowns.items():
        headers = breakdown_columns(data, dim, t)
        kinds = ["text", "count", *["count"] * len(data.tier_order), "money", "share", "count",
                 "money", "count", "count", "count", "count", "count", "share"]
        headers = [*headers[:-2], t("Customers last period"), t("Exited"), headers[-1]]
        cols = [Col(h, k) for h, k in zip(headers, kinds, strict=True)]
        cols[0] = Col(headers[0], "text", 28)
        rows = ([group_label(data, dim, r["group"], t), r["customers"],
                 *[r[x] for x in data.tier_order], r["contribution"], r["raroc"],
                 r["destroying"], r["value_lost"], r["upgraded"], r["downgraded"], r["new"],
                 r["previous_customers"], r["exited"], r["exit_rate"]]
                for r in frame.to_dict("records"))
        book.table(f"by_{dim}", t(DIMENSION_TITLES[dim]), cols, rows, freeze_cols=1)


def _concentration(book: _Book, data: ReportData, t: Translator) -> None:
    c = data.concentration
    cols = [Col(t("Measure"), "text", 46), Col(t("Value"), "number", 18)]
    measures = [(t("Customers"), c.n), (_money(t, "Net contribution"), c.total / book.factor),
                (t("Gini"), c.gini),
                *[(t("Share of the top %(p)s of customers") % {"p": t.share(p)}, v)
                  for p, v in c.top_shares.items()],
                (t("Customers destroying value"), c.destroying_share),
                (_money(t, "Value destroyed"), c.value_destroyed / book.factor),
                (t("Smallest share of customers making the whole net contribution"),
                 c.all_value_share)]
    book.table("concentration", t(SHEETS["concentration"]), cols, measures)


def _lorenz(book: _Book, data: ReportData, t: Translator) -> None:
    c = data.concentration
    cols = [Col(t("Share of customers"), "share", 14),
            Col(t("Share of net contribution"), "share", 16)]
    book.table("lorenz", t(SHEETS["lorenz"]), cols,
               zip(c.lorenz_x.tolist(), c.lorenz_y.tolist(), strict=True))


def _quarantine(book: _Book, data: ReportData, t: Translator) -> None:
    _by_reason(book, "quarantine", data.quarantine.by_reason, t)


def _warnings(book: _Book, data: ReportData, t: Translator) -> None:
    _by_reason(book, "warnings", data.quarantine.warnings, t)


def _by_reason(book: _Book, sheet: str, frame: pd.DataFrame, t: Translator) -> None:
    """Rows by table, column and reason: the rejected rows, or the accepted ones warned of."""
    cols = [Col(t("Table"), "text", 18), Col(t("Column"), "text", 18), Col(t("Reason"), "text", 60),
            Col(t("Rows"), "count")]
    book.table(sheet, t(SHEETS[sheet]), cols,
               ([r["table"], r["column"], r["reason"], r["rows"]]
                for r in frame.to_dict("records")))


def _loads(book: _Book, data: ReportData, t: Translator) -> None:
    cols = [Col(t("Table"), "text", 18), Col(t("Rows read"), "count"), Col(t("Accepted"), "count"),
            Col(t("Rejected"), "count"), Col(t("Source"), "text", 30)]
    book.table("loads", t(SHEETS["loads"]), cols,
               ([r["table"], r["rows_read"], r["rows_accepted"], r["rows_rejected"], r["source"]]
                for r in data.quarantine.load_runs.to_dict("records")))


def _relationship(book: _Book, data: ReportData, t: Translator) -> None:
    """One sheet per relationship-management table that has data (alerts, service delivery,
    RMs over capacity, coverage gaps, survey results); none when the sources are empty."""
    grids = [g for part in relationship_parts(data, t) for g in part.grids]
    for n, grid in enumerate(grids):
        cols = [Col(label, kind, 24 if i == 0 else None)
                for i, (label, kind) in enumerate(grid.columns)]
        book.table(f"{grid.key}_{n}", grid.title, cols, grid.rows, freeze_cols=1)


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


def _unique_headers(labels: list[str]) -> list[str]:
    """Excel Table headers must be distinct and non-empty."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        base = label or "-"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return out


def _sheet_name(name: str) -> str:
    bad = '[]:*?/\\'
    return "".join("-" if ch in bad else ch for ch in name)[:31]

