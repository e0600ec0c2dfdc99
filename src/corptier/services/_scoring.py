"""Run a standard over a workspace's indicator snapshots for calibration, compare and backtest.

Nothing here writes to the app database except `compute_indicators`, which registers the
indicator run of a snapshot it had to compute; tiers are never published.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from corptier.engine import EngineConnection
from corptier.engine.snapshot import config_hash, input_fingerprint
from corptier.errors import NotFoundError
from corptier.periods import Period
from corptier.services.closing import read_customer_indicators
from corptier.services.indicators import compute_indicators
from corptier.services.progress import step
from corptier.services.standards import named_lists
from corptier.store import UnitOfWork
from corptier.tiering import Standard, score_and_tier
from corptier.tiering.hysteresis import (
    APPLIED,
    BELOW,
    PENDING,
    REASON,
    STATE_SCHEMA,
)
from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.tiering.score_columns import SCORE
from corptier.workspace import CUSTOMER_INDICATORS, Workspace

CONTRIBUTION = "contribution"
CARRIED = ("name", CONTRIBUTION)
"""Indicator columns the evaluation keeps beside the tiers: the name for lists, the period's
综合贡献 for the contribution captured by each tier."""


def ensure_indicators(ws: Workspace, periods: Sequence[Period],
                      engine: str | None = None) -> list[Period]:
    """Compute the customer indicator snapshot of each period that has none or whose
    registered run was computed from other inputs or another configuration (a re-load since,
    an edited corptier.toml); return those."""
    loaded = set(ws.periods("customers"))
    missing = [p for p in periods if p not in loaded]
    if missing:
        raise NotFoundError("period(s) {missing} not loaded; load each first",
                            missing=", ".join(missing))
    computed: list[Period] = []
    for period in periods:
        if _stale(ws, period):
            compute_indicators(ws, period, engine)
            computed.append(period)
    return computed


def _stale(ws: Workspace, period: Period) -> bool:
    """True unless the period's snapshot exists and its registered run matches the current
    input files and configuration."""
    if not ws.partition_file(CUSTOMER_INDICATORS, period).is_file():
        return True
    with UnitOfWork(ws.db) as uow:
        run = uow.indicator_runs.latest(period)
    return (run is None or run.input_fingerprint != input_fingerprint(ws, period)
            or run.config_hash != config_hash(ws))


def scored_frame(con: EngineConnection, ws: Workspace, period: Period, standard: Standard,
                 columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The standard's scores and computed tiers for one period (no hysteresis), one row per
    customer sorted by id, with the `CARRIED` indicator columns; only `columns` of the
    tiering output (plus customer_id and the carried ones) when given."""
    indicators = read_customer_indicators(con, ws, period)
    tiered = score_and_tier(indicators, standard, named_lists(ws, standard), stage=con.stage)
    if columns is not None:
        tiered = tiered.select("customer_id", *[c for c in columns if c != "customer_id"])
    keep = ["customer_id", *[c for c in CARRIED if c in indicators.columns]]
    expr = tiered.join(indicators.select(*keep), "customer_id", rname="{name}__indicator")
    return _sorted(con.execute(expr))


def tiered_history(con: EngineConnection, ws: Workspace, periods: Sequence[Period],
                   standard: Standard) -> pd.DataFrame:
    """The standard applied period after period with hysteresis chained as the close chains it
    (the first period starts from an empty state); long form, one row per period and customer.

    Columns: period, customer_id, score, computed_tier, applied_tier (the tier after
    hysteresis, before any override), hysteresis_reason and `contribution` when present.
    """
    codes = standard.tier_codes
    lists = named_lists(ws, standard)
    state = STATE_SCHEMA.empty_table()
    frames = []
    for period in periods:
        step("tiering {period}", period=period)
        indicators = read_customer_indicators(con, ws, period)
        carry = [c for c in CARRIED if c in indicators.columns]
        expr = tier_with_hysteresis(indicators, standard, lists, state, carry, stage=con.stage)
        frame = _sorted(con.execute(expr))
        state = next_state(frame, codes)
        frames.append(_history_rows(frame, period, codes))
    return pd.concat(frames, ignore_index=True)


def next_state(frame: pd.DataFrame, tier_codes: Sequence[str]) -> pa.Table:
    """The hysteresis state the next close starts from, as the close carries it on
    (`corptier.tiering.results.hysteresis_state`): a streak keeps its best tier, a closed
    streak repeats the applied rank. Whole columns at once, never a loop over customers."""
    applied = frame[APPLIED].astype("int64").to_numpy()
    below = pd.to_numeric(frame[BELOW]).fillna(0).astype("int64").to_numpy()
    pending = pd.to_numeric(frame[PENDING])
    streak = (below > 0) & pending.notna().to_numpy()
    return pa.table({
        "customer_id": pa.array(frame["customer_id"].astype(str).to_numpy(), pa.string()),
        APPLIED: pa.array(applied, pa.int64()),
        BELOW: pa.array(np.where(streak, below, 0), pa.int64()),
        PENDING: pa.array(np.where(streak, pending.fillna(-1).astype("int64").to_numpy(),
                                   applied), pa.int64()),
    }, schema=STATE_SCHEMA)


def _history_rows(frame: pd.DataFrame, period: str, codes: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "period": period,
        "customer_id": frame["customer_id"].to_numpy(),
        "score": frame[SCORE].astype(float).to_numpy(),
        "computed_tier": frame["computed_tier"].to_numpy(),
        "applied_tier": np.asarray(codes, dtype=object)[frame[APPLIED].astype("int64")],
        "hysteresis_reason": frame[REASON].to_numpy(),
    })
    if CONTRIBUTION in frame.columns:
        out[CONTRIBUTION] = pd.to_numeric(frame[CONTRIBUTION], errors="coerce").astype(float)
    return out


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
