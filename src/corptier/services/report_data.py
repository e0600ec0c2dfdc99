"""Everything the report of one period shows, assembled from the workspace: the published
tiers (through the one published reader), the indicator snapshots, the quarantine files and the
app database's loads, run and adoption (through the repositories). The tier order and names are
the run's own standard's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq

from corptier.contract.quarantine import WARNINGS_FOLDER
from corptier.engine.engines import connect
from corptier.evaluation.breakdowns import (
    DIMENSIONS,
    breakdown,
    exits,
    summarise,
    tier_book,
    value_destroyers,
)
from corptier.evaluation.concentration import concentration
from corptier.evaluation.findings import FindingInputs, findings
from corptier.evaluation.kpis import KpiContext, before_after, kpi_specs, kpi_trend, kpis_by_tier
from corptier.evaluation.migration import migration_matrix
from corptier.evaluation.psi import PSIResult, psi
from corptier.evaluation.stability import StabilityReport, stability
from corptier.evaluation.tier_sums import exit_counts, tier_sums
from corptier.i18n import tier_labels_from_standard
from corptier.periods import Period
from corptier.report.model import Comparison, Quarantine, ReportData
from corptier.services.published import export_metadata, read_published
from corptier.services.report_relationship import relationship_sections
from corptier.services.standards import standard_of
from corptier.services.survey_kpis import PROVIDER as SURVEY_KPIS
from corptier.store import UnitOfWork
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

KPI_PROVIDERS_SHOWN = ("core", SURVEY_KPIS)
"""The KPI providers the report imports (importing one registers it)."""
INDICATOR_COLUMNS = ("customer_id", "name", "sub_branch", "rm_id", "industry_section",
                     "enterprise_size", "dep_avg", "loan_avg", "contribution", "econ_capital",
                     "raroc", "product_coverage")
TREND_PERIODS = 12
BEFORE_AFTER_WINDOW = 6


def build_report_data(
    ws: Workspace,
    period: str,
    lang: str | None = None,
    *,
    trend_periods: int = TREND_PERIODS,
    window: int = BEFORE_AFTER_WINDOW,
) -> ReportData:
    """Assemble the report of `period`; NotFoundError when it has not been closed."""
    p = Period(period)
    lang = lang or ws.config.workspace.language
    reader = _Reader(ws)
    tiers = reader.tiers(p)
    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published(p)
        assert run is not None  # reader.tiers found it
        standard = standard_of(run)
        run_row = {c.name: getattr(run, c.name) for c in run.__table__.columns
                   if c.name != "standard"}
        adoption_row = uow.adoptions.latest(p)
        adoption = None if adoption_row is None else {
            c.name: getattr(adoption_row, c.name) for c in adoption_row.__table__.columns}
        loads = uow.loads.for_period(p)
    order = tuple(standard.tier_codes)
    report_cfg = ws.config.report
    indicators = reader.indicators(p)
    joined = tiers.merge(indicators.drop(columns=["applied_tier"], errors="ignore"),
                         on="customer_id", how="left")
    trend_window = [q for q in reader.periods(CUSTOMER_INDICATORS, PUBLISHED_TIERS) if q <= p]
    with connect(ws, "duckdb") as con:
        kpi_cache = _KpiCache(con, order, ws)
        trend = kpi_trend([kpi_cache.context(q) for q in trend_window[-trend_periods:]])
        kpis = kpis_by_tier(kpi_cache.context(p))
        before_after_kpis = _before_after(kpi_cache, reader, adoption, p, window)
        engine = _engine_figures(con, ws, p, order)
    conc = concentration(joined["contribution"] if "contribution" in joined
                         else pd.Series(dtype=float))
    load_runs = _load_runs(loads)
    previous = _comparison(reader, tiers, p.shift(-1), order)
    psi_previous = _psi_previous(reader, tiers, p.shift(-1))
    stable = _stability(reader, trend_window[-trend_periods:], order)
    hurdle = ws.config.assumptions.hurdle_rate
    verdict = findings(FindingInputs(
        tier_order=order, kpis=kpis, hurdle_rate=hurdle, thresholds=report_cfg.thresholds,
        **engine.value_lost(),
        unchanged_share=None if previous is None else previous.matrix.diagonal_share,
        flapping_rate=None if stable is None else stable.flapping.rate,
        psi=None if psi_previous is None else psi_previous.value,
        rows_read=int(load_runs["rows_read"].sum()),
        rows_rejected=int(load_runs["rows_rejected"].sum()),
        target_shares=getattr(standard.cutoffs, "shares", None),
    ))
    return ReportData(
        period=p,
        lang=lang,
        workspace_name=ws.config.workspace.name,
        tier_order=order,
        tiers=joined,
        kpis=kpis,
        specs=kpi_specs(),
        trend=trend,
        concentration=conc,
        quarantine=Quarantine(quarantine_summary(ws.quarantine_dir / p), load_runs,
                              quarantine_summary(ws.quarantine_dir / p / WARNINGS_FOLDER)),
        previous=previous,
        year_ago=_comparison(reader, tiers, p.shift(-12), order),
        psi_previous=psi_previous,
        stability=stable,
        adoption=adoption,
        before_after=before_after_kpis,
        run=run_row,
        tier_labels=tier_labels_from_standard(standard, lang),
        findings=tuple(verdict),
        hurdle_rate=hurdle,
        money_unit=report_cfg.unit,
        breakdowns=engine.breakdowns,
        breakdowns_top=engine.breakdowns_top,
        destroyers=engine.destroyers,
        group_labels=_group_labels(ws, p, lang),
        top_n=report_cfg.top_n,
        behaviour_model=export_metadata(ws.partition_file(PUBLISHED_TIERS, p)).get("bgnbd_model"),
        relationship=relationship_sections(ws, p, lang, order),
    )


@dataclass(frozen=True)
class _EngineFigures:
    """The period's aggregates the engine computed over the published and snapshot Parquet."""

    breakdowns: dict[str, pd.DataFrame]
    breakdowns_top: dict[str, pd.DataFrame]
    destroyers: pd.DataFrame

    def value_lost(self) -> dict:
        """Customers, customers with negative contribution and the contribution they lose."""
        totals = self.breakdowns[DIMENSIONS[0]]
        return {"customers": int(totals["customers"].sum()),
                "destroying_customers": int(totals["destroying"].sum()),
                "value_lost": float(totals["value_lost"].sum())}


def _engine_figures(con, ws: Workspace, p: Period, order: tuple[str, ...]) -> _EngineFigures:
    """Breakdowns by every dimension and the value destroyers, one engine query each over the
    Parquet files (the book never passes through Python)."""
    book = _book(con, ws, p)
    previous = _book(con, ws, p.shift(-1))
    full, top = {}, {}
    tax = ws.config.assumptions.tax_rate
    for dim in DIMENSIONS:
        gone = (con.execute(exits(previous, book, dim)) if previous is not None
                else pd.DataFrame(columns=["group", "previous_customers", "exited"]))
        by_tier = con.execute(breakdown(book, dim))
        full[dim] = summarise(by_tier, gone, order, tax_rate=tax, days=p.days)
        top[dim] = summarise(by_tier, gone, order, tax_rate=tax, days=p.days,
                             top_n=ws.config.report.top_n)
    return _EngineFigures(full, top, con.execute(value_destroyers(book)))


def _book(con, ws: Workspace, p: Period):
    """The tier book of a period as an engine table; None when it was not published."""
    tiers = ws.partition_file(PUBLISHED_TIERS, p)
    if not tiers.is_file():
        return None
    snapshot = ws.partition_file(CUSTOMER_INDICATORS, p)
    indicators = (con.read_parquet(snapshot) if snapshot.is_file() else ibis.memtable(
        pd.DataFrame({"customer_id": pd.Series(dtype=str),
                      "contribution": pd.Series(dtype=float),
                      "econ_capital": pd.Series(dtype=float)})))
    return tier_book(con.read_parquet(tiers), indicators)


def _group_labels(ws: Workspace, p: Period, lang: str) -> dict[str, dict[str, str]]:
    """Names beside the codes of the breakdowns: industry sections and relationship managers."""
    from corptier.reference.industry import industry_sections

    attr = "name_zh" if lang.startswith("zh") else "name_en"
    labels = {"industry_section": {s.letter: f"{s.letter} {getattr(s, attr)}"
                                   for s in industry_sections()}}
    managers = ws.partition_file("relationship_managers", p)
    if managers.is_file():  # a few hundred rows: the register of managers, not the book
        rm = pq.read_table(managers, columns=["rm_id", "name"]).to_pydict()
        labels["rm_id"] = {i: f"{i} {n}" for i, n in zip(rm["rm_id"], rm["name"], strict=True)}
    return labels


class _Reader:
    """The workspace's Parquet files of a report, each period read once per use."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def periods(self, *tables: str) -> list[str]:
        return sorted({p for t in tables for p in self.ws.periods(t)})

    def exists(self, table: str, period: str) -> bool:
        return self.ws.partition_file(table, period).is_file()

    def tiers(self, period: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        table = read_published(self.ws, period, columns).table
        drop = [c for c in ("hysteresis", "explanation") if c in table.column_names]
        return table.drop_columns(drop).to_pandas()

    def indicators(self, period: str) -> pd.DataFrame:
        if not self.exists(CUSTOMER_INDICATORS, period):
            return pd.DataFrame(columns=["customer_id"])
        return self.read(CUSTOMER_INDICATORS, period, INDICATOR_COLUMNS)

    def read(self, table: str, period: str, columns: Sequence[str]) -> pd.DataFrame:
        path = self.ws.partition_file(table, period)
        have = set(pq.read_schema(path).names)
        return pq.read_table(path, columns=[c for c in columns if c in have]).to_pandas()


def _load_runs(loads: list) -> pd.DataFrame:
    cols = ["table", "source", "rows_read", "rows_accepted", "rows_rejected", "loaded_at"]
    return pd.DataFrame(
        [[r.table_name, r.source, r.rows_read, r.rows_accepted, r.rows_rejected, r.loaded_at]
         for r in loads], columns=cols)


class _KpiCache:
    """KPI contexts per period from the engine's per-tier sums (the customers stay in the
    engine), each period summed once."""

    def __init__(self, con, order: tuple[str, ...], ws: Workspace) -> None:
        self.con, self.order, self.ws = con, order, ws
        self._contexts: dict[str, KpiContext] = {}

    def presence(self, period: str):
        """customer_id (+ applied_tier when tiered) of a period as an engine table; None when
        nothing is there."""
        tiers = self.ws.partition_file(PUBLISHED_TIERS, period)
        if tiers.is_file():
            table = self.con.read_parquet(tiers)
            return table.select("customer_id", "applied_tier")
        snapshot = self.ws.partition_file(CUSTOMER_INDICATORS, period)
        return self.con.read_parquet(snapshot).select("customer_id") if snapshot.is_file() \
            else None

    def context(self, period: str) -> KpiContext:
        if period not in self._contexts:
            self._contexts[period] = self._context(period)
        return self._contexts[period]

    def _context(self, period: str) -> KpiContext:
        now, before = self.presence(period), self.presence(Period(period).shift(-1))
        snapshot = self.ws.partition_file(CUSTOMER_INDICATORS, period)
        indicators = (self.con.read_parquet(snapshot) if snapshot.is_file()
                      else now.select("customer_id") if now is not None else None)
        tiered = now is not None and "applied_tier" in now.columns
        sums = (self.con.execute(tier_sums(indicators, now if tiered else None))
                if indicators is not None else None)
        exits = (self.con.execute(exit_counts(before, now))
                 if before is not None and now is not None else None)
        return KpiContext(
            period=period,
            indicators=None,
            tiers=None,
            previous=None,
            tier_order=self.order,
            tax_rate=self.ws.config.assumptions.tax_rate,
            workspace=self.ws,
            sums=sums,
            exits=exits,
        )


def quarantine_summary(folder: Path) -> pd.DataFrame:
    """Rejected rows by table, column and reason from the quarantine files of a period (or,
    given its `warnings` folder, the accepted rows with a warning).

    The files are `<table>.csv` (written by the loader): `row, column, reason`, then the row's
    original values, one line per problem; only the first three columns are read.
    """
    cols = ["table", "column", "reason", "rows"]
    parts = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            usecols=lambda c: c in ("column", "reason"))
        parts.append(pd.DataFrame({
            "table": path.stem,
            "column": frame.get("column", ""),
            "reason": frame.get("reason", ""),
        }))
    if not parts:
        return pd.DataFrame(columns=cols)
    rows = pd.concat(parts, ignore_index=True)
    out = rows.groupby(["table", "column", "reason"], sort=True).size().rename("rows")
    return out.reset_index().sort_values(["table", "rows"], ascending=[True, False],
                                         ignore_index=True)


def _comparison(reader: _Reader, tiers: pd.DataFrame, earlier: str,
                order: tuple[str, ...]) -> Comparison | None:
    if not reader.exists(PUBLISHED_TIERS, earlier):
        return None
    start = reader.tiers(earlier, ["customer_id", "applied_tier"])
    return Comparison(earlier, migration_matrix(start, tiers, order))


def _psi_previous(reader: _Reader, tiers: pd.DataFrame, earlier: str) -> PSIResult | None:
    if "score" not in tiers.columns or not reader.exists(PUBLISHED_TIERS, earlier):
        return None
    ref = reader.tiers(earlier, ["customer_id", "score"])
    if "score" not in ref.columns or ref["score"].notna().sum() == 0:
        return None
    if tiers["score"].notna().sum() == 0:
        return None
    return psi(ref["score"], tiers["score"])


def _stability(reader: _Reader, periods: list[str], order: tuple[str, ...]
               ) -> StabilityReport | None:
    tiered = [p for p in periods if reader.exists(PUBLISHED_TIERS, p)]
    if len(tiered) < 2:
        return None
    history = pd.concat(
        [reader.tiers(p, ["customer_id", "applied_tier"]).assign(period=p) for p in tiered],
        ignore_index=True,
    )
    return stability(history, order)


def _before_after(cache: _KpiCache, reader: _Reader, adoption: dict | None, period: str,
                  window: int) -> pd.DataFrame | None:
    if not adoption:
        return None
    pivot = str(adoption["adopted_period"])
    available = set(reader.periods(CUSTOMER_INDICATORS, PUBLISHED_TIERS))
    periods = [p for p in (Period(pivot).shift(k) for k in range(-window, window))
               if p in available and p <= period]
    if not periods:
        return None
    return before_after(kpi_trend([cache.context(p) for p in periods]), pivot, window=window)
