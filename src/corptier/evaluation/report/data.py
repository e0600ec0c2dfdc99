"""Everything the report of one period shows, assembled from the workspace.

Inputs (read with DuckDB from the workspace's Parquet files):
- data/tiers/period=P/part-0.parquet — the published tiers (customer_id, applied_tier, score, ...);
- data/indicators_customer/period=P/part-0.parquet — the indicator snapshot;
- quarantine/P/*.csv — rejected input rows; the app database's load_run, tier_run and
  standard_adoption rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from corptier.errors import NotFoundError
from corptier.evaluation._inputs import DEFAULT_TIER_ORDER
from corptier.evaluation.concentration import Concentration, concentration
from corptier.evaluation.kpis import (
    KpiContext,
    KpiSpec,
    before_after,
    kpi_specs,
    kpi_trend,
    kpis_by_tier,
)
from corptier.evaluation.migration import MigrationMatrix, migration_matrix
from corptier.evaluation.psi import PSIResult, psi
from corptier.evaluation.stability import StabilityReport, stability
from corptier.periods import Period
from corptier.workspace import Workspace, check_period

TIERS_TABLE = "tiers"
INDICATORS_TABLE = "indicators_customer"
INDICATOR_COLUMNS = ("customer_id", "name", "dep_avg", "loan_avg", "contribution",
                     "econ_capital", "raroc", "product_coverage")
TREND_PERIODS = 12
BEFORE_AFTER_WINDOW = 6


@dataclass(frozen=True)
class Comparison:
    """A migration matrix against an earlier period."""

    period: str
    matrix: MigrationMatrix


@dataclass(frozen=True)
class Quarantine:
    """Rejected input rows of the period: counts by table, column and reason, and load runs."""

    by_reason: pd.DataFrame
    """table, column, reason, rows."""
    load_runs: pd.DataFrame
    """table, source, rows_read, rows_accepted, rows_rejected, loaded_at."""

    @property
    def rejected(self) -> int:
        return int(self.by_reason["rows"].sum()) if len(self.by_reason) else 0


@dataclass(frozen=True)
class ReportData:
    period: str
    lang: str
    workspace_name: str
    tier_order: tuple[str, ...]
    tiers: pd.DataFrame
    """Published tiers of the period joined with name and key indicators."""
    kpis: pd.DataFrame
    specs: list[KpiSpec]
    trend: pd.DataFrame
    concentration: Concentration
    quarantine: Quarantine
    previous: Comparison | None = None
    year_ago: Comparison | None = None
    psi_previous: PSIResult | None = None
    stability: StabilityReport | None = None
    adoption: dict | None = None
    before_after: pd.DataFrame | None = None
    run: dict | None = None
    tier_labels: Mapping[str, str] | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def tier_counts(self) -> pd.Series:
        return self.tiers["applied_tier"].value_counts().reindex(self.tier_order, fill_value=0)


def build_report_data(
    ws: Workspace,
    period: str,
    lang: str | None = None,
    *,
    tier_order: Sequence[str] | None = None,
    tier_labels: Mapping[str, str] | None = None,
    trend_periods: int = TREND_PERIODS,
    window: int = BEFORE_AFTER_WINDOW,
) -> ReportData:
    """Assemble the report of `period`; NotFoundError when its tiers are not published."""
    check_period(period)
    reader = _Reader(ws)
    tiers = reader.tiers(period)
    order = tuple(tier_order or resolve_tier_order(tiers["applied_tier"]))
    indicators = reader.indicators(period)
    joined = tiers.merge(indicators.drop(columns=["applied_tier"], errors="ignore"),
                         on="customer_id", how="left")
    kpi_cache = _KpiCache(reader, order, ws)
    trend_window = [p for p in reader.periods(INDICATORS_TABLE, TIERS_TABLE) if p <= period]
    trend = kpi_trend([kpi_cache.context(p) for p in trend_window[-trend_periods:]])
    adoption = reader.adoption(period)
    return ReportData(
        period=period,
        lang=lang or ws.config.workspace.language,
        workspace_name=ws.config.workspace.name,
        tier_order=order,
        tiers=joined,
        kpis=kpis_by_tier(kpi_cache.context(period)),
        specs=kpi_specs(),
        trend=trend,
        concentration=concentration(joined["contribution"] if "contribution" in joined
                                    else pd.Series(dtype=float)),
        quarantine=reader.quarantine(period),
        previous=_comparison(reader, tiers, Period(period).shift(-1), order),
        year_ago=_comparison(reader, tiers, Period(period).shift(-12), order),
        psi_previous=_psi_previous(reader, tiers, Period(period).shift(-1)),
        stability=_stability(reader, trend_window[-trend_periods:], order),
        adoption=adoption,
        before_after=_before_after(kpi_cache, reader, adoption, period, window),
        run=reader.run(tiers),
        tier_labels=tier_labels,
    )


def resolve_tier_order(codes: pd.Series) -> tuple[str, ...]:
    """The tier order when the caller gives none: the default codes best first, then any other
    code found in the data in alphabetical order. (The standard's own order should be passed by
    the caller once the tiering close publishes it.)"""
    found = set(codes.dropna().astype(str))
    default = DEFAULT_TIER_ORDER if found & set(DEFAULT_TIER_ORDER) or not found else ()
    return (*default, *sorted(found - set(DEFAULT_TIER_ORDER)))


class _Reader:
    """DuckDB reads of the workspace's Parquet files and the app database rows."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.con = duckdb.connect()

    def path(self, table: str, period: str) -> Path:
        return self.ws.partition_dir(table, period) / "part-0.parquet"

    def periods(self, *tables: str) -> list[str]:
        return sorted({p for t in tables for p in self.ws.periods(t)})

    def exists(self, table: str, period: str) -> bool:
        return self.path(table, period).is_file()

    def read(self, table: str, period: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        path = str(self.path(table, period))
        have = [r[0] for r in self.con.execute(
            "SELECT name FROM parquet_schema(?) WHERE name <> 'schema'", [path]).fetchall()]
        cols = [c for c in columns if c in have] if columns else have
        select = ", ".join(f'"{c}"' for c in cols)
        return self.con.execute(f"SELECT {select} FROM read_parquet(?)", [path]).df()

    def tiers(self, period: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        if not self.exists(TIERS_TABLE, period):
            raise NotFoundError(
                f"no published tiers for {period} ({self.path(TIERS_TABLE, period)} is missing); "
                "close the period first"
            )
        return self.read(TIERS_TABLE, period, columns)

    def indicators(self, period: str) -> pd.DataFrame:
        if not self.exists(INDICATORS_TABLE, period):
            return pd.DataFrame(columns=["customer_id"])
        return self.read(INDICATORS_TABLE, period, INDICATOR_COLUMNS)

    def quarantine(self, period: str) -> Quarantine:
        return Quarantine(by_reason=quarantine_summary(self.ws.quarantine_dir / period),
                          load_runs=self._load_runs(period))

    def _load_runs(self, period: str) -> pd.DataFrame:
        from sqlalchemy import select

        from corptier.store.models import LoadRun

        cols = ["table", "source", "rows_read", "rows_accepted", "rows_rejected", "loaded_at"]
        query = select(LoadRun).where(LoadRun.period == period).order_by(LoadRun.table_name,
                                                                         LoadRun.id)
        with self.ws.db.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame(
            [[r["table_name"], r["source"], r["rows_read"], r["rows_accepted"],
              r["rows_rejected"], r["loaded_at"]] for r in rows], columns=cols)

    def run(self, tiers: pd.DataFrame) -> dict | None:
        if "run_id" not in tiers.columns or tiers.empty:
            return None
        from corptier.store.models import TierRun

        run_id = str(tiers["run_id"].iloc[0])
        with self.ws.db.connect() as conn:
            row = conn.execute(
                TierRun.__table__.select().where(TierRun.run_id == run_id)).mappings().first()
        return dict(row) if row else {"run_id": run_id}

    def adoption(self, period: str) -> dict | None:
        from corptier.store.models import StandardAdoption

        table = StandardAdoption.__table__
        query = (table.select().where(table.c.adopted_period <= period)
                 .order_by(table.c.adopted_period.desc(), table.c.id.desc()).limit(1))
        with self.ws.db.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None


class _KpiCache:
    """KPI contexts per period, reading each period's files once."""

    def __init__(self, reader: _Reader, order: tuple[str, ...], ws: Workspace) -> None:
        self.reader, self.order, self.ws = reader, order, ws
        self._presence: dict[str, pd.DataFrame | None] = {}

    def presence(self, period: str) -> pd.DataFrame | None:
        """customer_id (+ applied_tier when tiered) of a period; None when nothing is there."""
        if period not in self._presence:
            if self.reader.exists(TIERS_TABLE, period):
                frame = self.reader.tiers(period, ["customer_id", "applied_tier"])
            elif self.reader.exists(INDICATORS_TABLE, period):
                frame = self.reader.read(INDICATORS_TABLE, period, ["customer_id"])
            else:
                frame = None
            self._presence[period] = frame
        return self._presence[period]

    def context(self, period: str) -> KpiContext:
        tiers = self.presence(period)
        tiered = tiers is not None and "applied_tier" in tiers.columns
        return KpiContext(
            period=period,
            indicators=self.reader.indicators(period),
            tiers=tiers if tiered else None,
            previous=self.presence(Period(period).shift(-1)),
            tier_order=self.order,
            tax_rate=self.ws.config.assumptions.tax_rate,
            workspace=self.ws,
        )


def quarantine_summary(folder: Path) -> pd.DataFrame:
    """Rejected rows by table, column and reason from the quarantine files of a period.

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
    if not reader.exists(TIERS_TABLE, earlier):
        return None
    start = reader.tiers(earlier, ["customer_id", "applied_tier"])
    return Comparison(earlier, migration_matrix(start, tiers, order))


def _psi_previous(reader: _Reader, tiers: pd.DataFrame, earlier: str) -> PSIResult | None:
    if "score" not in tiers.columns or not reader.exists(TIERS_TABLE, earlier):
        return None
    ref = reader.tiers(earlier, ["customer_id", "score"])
    if "score" not in ref.columns or ref["score"].notna().sum() == 0:
        return None
    if tiers["score"].notna().sum() == 0:
        return None
    return psi(ref["score"], tiers["score"])


def _stability(reader: _Reader, periods: list[str], order: tuple[str, ...]
               ) -> StabilityReport | None:
    tiered = [p for p in periods if reader.exists(TIERS_TABLE, p)]
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
    available = set(reader.periods(INDICATORS_TABLE, TIERS_TABLE))
    periods = [p for p in (Period(pivot).shift(k) for k in range(-window, window))
               if p in available and p <= period]
    if not periods:
        return None
    return before_after(kpi_trend([cache.context(p) for p in periods]), pivot, window=window)
