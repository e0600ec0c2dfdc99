"""A tiny workspace with fake published tiers, indicators, quarantine files and load runs
(the report tests' bank; `report_ws` in tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.periods import Period
from corptier.store.db import unit_of_work
from corptier.store.models import LoadRun, PublishedPeriod, StandardAdoption, TierRun
from corptier.tiering import load_default_standard
from corptier.workspace import Workspace

TIERS = ("strategic", "core", "key", "growth", "basic")
CUTS = (85.0, 70.0, 55.0, 40.0)
FIRST, PERIODS, CUSTOMERS = "2024-01", 15, 80
NAMES = ("华东精密机械", "江南纺织", "星河电子科技", "长风物流", "海川建设", "金禾食品", "青山环保",
         "远航船舶")


SUB_BRANCHES = ("东城支行", "西城支行", "高新支行", "港区支行")
SIZES = ("large", "medium", "small", "micro", "unclassified")


def _tier(score: float) -> str:
    return next((t for t, c in zip(TIERS, CUTS, strict=False) if score >= c), TIERS[-1])


def fake_book(periods: int = PERIODS, customers: int = CUSTOMERS, seed: int = 7,
              inverted: str | None = None) -> dict:
    """period -> (tiers frame, indicators frame); customers come and go, scores drift.
    `inverted` names a tier whose customers hold a tenth of the capital, so that tier earns a
    higher RAROC than the tier above it (a deliberately inverted ladder)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:04d}" for i in range(customers + periods * 3)])
    base = rng.gamma(2.0, 18.0, ids.size).clip(0, 99)
    joined = rng.integers(1, periods, ids.size - customers)
    start = np.concatenate([np.zeros(customers, int), joined])
    stop = np.where(rng.random(ids.size) < 0.15, rng.integers(2, periods + 1, ids.size), periods)
    out, previous = {}, {}
    for k in range(periods):
        period = Period(FIRST).shift(k)
        alive = (start <= k) & (k < np.maximum(stop, start + 1))
        idx = np.flatnonzero(alive)
        score = (base[idx] + rng.normal(0, 4, idx.size)).clip(0, 100).round(2)
        computed = [_tier(s) for s in score]
        prev = [previous.get(c) for c in ids[idx]]
        migration = [
            "new" if p is None else "same" if p == c else
            "up" if TIERS.index(c) < TIERS.index(p) else "down"
            for p, c in zip(prev, computed, strict=True)
        ]
        contribution = (score ** 2.2 * 40 - 60_000 + rng.normal(0, 20_000, idx.size)).round(2)
        capital = np.where(np.array(computed) == inverted, score * 5e2, score * 5e3).round(2)
        tiers = pd.DataFrame({
            "customer_id": ids[idx], "group_id": None, "score": score,
            "computed_tier": computed, "applied_tier": computed, "previous_tier": prev,
            "migration": migration,
            "flags": np.where(score > 60, "potential", ""),
            "dim_value": score, "dim_needs": (score * 0.8).round(1),
            "dim_behaviour": (score * 0.9).round(1), "dim_risk": 70.0,
            "needs_segment": "settlement", "behaviour_state": "active", "run_id": f"run-{period}",
        })
        indicators = pd.DataFrame({
            "customer_id": ids[idx],
            "name": [f"{NAMES[i % len(NAMES)]}有限公司{i}" for i in idx],
            "dep_avg": (score * 1e5).round(2), "loan_avg": (score * 2e5).round(2),
            "contribution": contribution,
            "econ_capital": capital,
            "raroc": (contribution * 0.75 / (capital + 1)).round(6),
            "product_coverage": (score // 20).astype(int),
            "sub_branch": np.array(SUB_BRANCHES)[idx % len(SUB_BRANCHES)],
            "rm_id": [f"RM{i % 12:02d}" for i in idx],
            "industry_section": np.array(["C", "F", "G", "E", None], dtype=object)[idx % 5],
            "enterprise_size": np.array(SIZES)[idx % len(SIZES)],
        })
        out[period] = (tiers, indicators)
        previous = dict(zip(ids[idx], computed, strict=True))
    return out


def write_parquet(ws: Workspace, table: str, period: str, frame: pd.DataFrame) -> None:
    folder = ws.partition_dir(table, period)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / "part-0.parquet")


def populate(ws: Workspace, book: dict, *, tiered_from: int = 2) -> list[str]:
    """Write the book: indicators for every period, tiers from the `tiered_from`-th period."""
    periods = sorted(book)
    for k, period in enumerate(periods):
        tiers, indicators = book[period]
        write_parquet(ws, "indicators_customer", period, indicators)
        if k >= tiered_from:
            write_parquet(ws, "tiers", period, tiers)
    last = periods[-1]
    qdir = ws.quarantine_dir / last
    qdir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({  # the loader's format: row, column, reason, then the original values
        "row": [3, 9, 9], "column": ["uscc", "uscc", "name"],
        "reason": ["统一社会信用代码校验位错误", "统一社会信用代码校验位错误", "missing value"],
        "customer_id": ["C9001", "C9002", "C9002"], "name": ["甲公司", "", ""],
    }).to_csv(qdir / "customers.csv", index=False, encoding="utf-8-sig")
    pd.DataFrame({"row": [120], "column": ["avg_balance"], "reason": ["negative balance"]}
                 ).to_csv(qdir / "balances.csv", index=False, encoding="utf-8-sig")
    (qdir / "warnings").mkdir(exist_ok=True)
    pd.DataFrame({"row": [4], "column": ["days_overdue"], "reason": [
        "days_overdue 120 is more than 90 days past due but the loan is classified 关注 "
        "(accepted)"]}).to_csv(qdir / "warnings" / "loans.csv", index=False,
                               encoding="utf-8-sig")
    now = datetime(2025, 3, 5, 9, 30)
    with unit_of_work(ws.db) as s:
        s.add(LoadRun(load_id="L1", period=last, table_name="customers", source="customers.csv",
                      fingerprint="x" * 64, rows_read=83, rows_accepted=81, rows_rejected=2,
                      code_version="test", loaded_at=now))
        standard = load_default_standard().model_dump(mode="json")
        for period in periods[tiered_from:]:
            s.add(TierRun(run_id=f"run-{period}", period=period, standard_id="default",
                          standard_version="1.0", standard_hash="h" * 64,
                          input_fingerprint="f" * 64, code_version="test", engine="duckdb",
                          customers=len(book[period][0]), status="published", started_at=now,
                          finished_at=now, standard=standard))
            s.flush()
            s.add(PublishedPeriod(period=period, run_id=f"run-{period}", published_at=now))
        s.add(StandardAdoption(standard_id="default", standard_version="1.0",
                               standard_hash="h" * 64, adopted_period=periods[tiered_from],
                               adopted_by="branch-head", adopted_at=now))
    return periods
