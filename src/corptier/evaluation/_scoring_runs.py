"""Run a standard over a workspace's indicator snapshots for the evaluation commands.

Nothing here writes to the app database except `compute_indicators`, which registers the
indicator run of a snapshot it had to compute; tiers are never published.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
import pyarrow as pa

from corptier.close.inputs import named_lists
from corptier.close.pipeline import read_customer_indicators, tier_with_hysteresis
from corptier.engine import EngineConnection, compute_indicators, connect
from corptier.errors import CorptierError, NotFoundError
from corptier.periods import Period
from corptier.tiering import Standard, score_and_tier
from corptier.tiering.hysteresis import (
    APPLIED,
    BELOW,
    BUFFER,
    PENDING,
    PREVIOUS,
    REASON,
    STATE_SCHEMA,
    hysteresis_record,
    state_from_published,
)
from corptier.tiering.scoring import SCORE, dimension_column, points_column
from corptier.workspace import Workspace, check_period

CONTRIBUTION = "contribution"
CARRIED = ("name", CONTRIBUTION)
"""Indicator columns the evaluation keeps beside the tiers: the name for lists, the period's
综合贡献 for the contribution captured by each tier."""


class EvaluationParameterError(CorptierError, ValueError):
    """An evaluation command was given parameters it cannot work with (shares, periods)."""

    exit_code = 2


def period_range(start: str, end: str) -> list[str]:
    """Every month from `start` to `end`, both included."""
    steps = check_period(start).months_until(check_period(end))
    if steps < 0:
        raise EvaluationParameterError(f"--from {start} is after --to {end}")
    return [Period(start).shift(k) for k in range(steps + 1)]


def ensure_indicators(ws: Workspace, periods: Sequence[str],
                      engine: str | None = None) -> list[str]:
    """Compute the customer indicator snapshot of each period that has none; return those."""
    loaded = set(ws.periods("customers"))
    missing = [p for p in periods if p not in loaded]
    if missing:
        raise NotFoundError(
            f"period(s) {', '.join(missing)} not loaded; load each with "
            f"'corptier load --period {missing[0]} FOLDER'"
        )
    computed = []
    for period in periods:
        if not (ws.partition_dir("indicators_customer", period) / "part-0.parquet").is_file():
            compute_indicators(ws, period, engine)
            computed.append(period)
    return computed


@contextmanager
def engine_connection(ws: Workspace, engine: str | None) -> Iterator[EngineConnection]:
    con = connect(ws, engine)
    try:
        yield con
    finally:
        con.close()


def scored_frame(con: EngineConnection, ws: Workspace, period: str, standard: Standard,
                 columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The standard's scores and computed tiers for one period (no hysteresis), one row per
    customer sorted by id, with the `CARRIED` indicator columns; only `columns` of the
    tiering output (plus customer_id and the carried ones) when given."""
    indicators = read_customer_indicators(con, ws, period)
    tiered = score_and_tier(indicators, standard, named_lists(ws, standard))
    if columns is not None:
        tiered = tiered.select("customer_id", *[c for c in columns if c != "customer_id"])
    keep = ["customer_id", *[c for c in CARRIED if c in indicators.columns]]
    expr = tiered.join(indicators.select(*keep), "customer_id", rname="{name}__indicator")
    return _sorted(con.backend.execute(expr))


def tiered_history(con: EngineConnection, ws: Workspace, periods: Sequence[str],
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
        indicators = read_customer_indicators(con, ws, period)
        carry = [c for c in CARRIED if c in indicators.columns]
        expr = tier_with_hysteresis(indicators, standard, lists, state, carry)
        frame = _sorted(con.backend.execute(expr))
        state = next_state(frame, codes)
        frames.append(_history_rows(frame, period, codes))
    return pd.concat(frames, ignore_index=True)


def next_state(frame: pd.DataFrame, tier_codes: Sequence[str]) -> pa.Table:
    """The hysteresis state the next close starts from: what the close publishes
    (`hysteresis_record`) read back the way the next close reads it (`state_from_published`)."""
    columns = ["customer_id", APPLIED, BELOW, PENDING, REASON, PREVIOUS, BUFFER]
    rows = (
        {"customer_id": r["customer_id"], "applied_tier": tier_codes[int(r[APPLIED])],
         "hysteresis": hysteresis_record(r, tier_codes)}
        for r in frame[columns].to_dict("records")
    )
    return state_from_published(rows, tier_codes)


def indicator_score_points(frame: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Points each indicator adds to the total score (0–100 over all indicators), by customer.

    An indicator's points are weighted by its weight in its dimension and the dimension's weight
    in the total, both re-normalised over what was scored (as `scoring` does for `exclude`); an
    indicator used in two dimensions adds both parts. Index customer id, one column per name.
    """
    dim_weights = pd.DataFrame({
        code: frame[dimension_column(code)].notna() * dim.weight
        for code, dim in standard.dimensions.items()
    })
    dim_share = dim_weights.div(dim_weights.sum(axis=1).where(lambda s: s > 0), axis=0)
    out: dict[str, Any] = {}
    for code, dim in standard.dimensions.items():
        points = pd.DataFrame({name: frame[points_column(code, name)].astype(float)
                               for name in dim.indicators})
        weights = pd.DataFrame({name: points[name].notna() * spec.weight
                                for name, spec in dim.indicators.items()})
        share = weights.div(weights.sum(axis=1).where(lambda s: s > 0), axis=0)
        part = (points * share).mul(dim_share[code], axis=0)
        for name in dim.indicators:
            out[name] = part[name] if name not in out else out[name].add(part[name],
                                                                         fill_value=0)
    result = pd.DataFrame(out)
    result.index = frame["customer_id"].to_numpy()
    return result


def _history_rows(frame: pd.DataFrame, period: str, codes: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "period": period,
        "customer_id": frame["customer_id"].to_numpy(),
        "score": frame[SCORE].astype(float).to_numpy(),
        "computed_tier": frame["computed_tier"].to_numpy(),
        "applied_tier": [codes[int(r)] for r in frame[APPLIED]],
        "hysteresis_reason": frame[REASON].to_numpy(),
    })
    if CONTRIBUTION in frame.columns:
        out[CONTRIBUTION] = pd.to_numeric(frame[CONTRIBUTION], errors="coerce").astype(float)
    return out


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
