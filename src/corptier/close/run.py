"""The period close: indicators → scores → computed tier → gates → group rule → hysteresis →
overrides → applied tier, published as one run."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corptier.close.inputs import active_standard, named_lists, previous_close
from corptier.close.pipeline import read_customer_indicators, tier_with_hysteresis
from corptier.close.publish import Publication, publish, run_id_for
from corptier.close.records import result_frame
from corptier.close.state import active_override_tiers, previous_state
from corptier.engine import compute_indicators, connect
from corptier.engine.lookups import month_end
from corptier.provenance import code_version, hash_json
from corptier.tiering import Standard
from corptier.tiering.behaviour import add_behaviour_state, fit_attrition
from corptier.tiering.bgnbd import BgNbdFit
from corptier.workspace import Workspace, check_period

BEHAVIOUR_COLUMNS = ("p_alive", "attrition_risk", "behaviour_state", "behaviour_reason")


@dataclass(frozen=True)
class CloseResult:
    """What a close published: the run, its standard, the tier counts and migrations."""

    period: str
    run_id: str
    standard_id: str
    standard_version: str
    customers: int
    tier_counts: dict[str, int]
    migrations: dict[str, int]
    unchanged: bool
    seconds: float


def close_period(
    ws: Workspace,
    period: str,
    *,
    engine: str | None = None,
    standard_path: Path | str | None = None,
    spark_session: Any = None,
) -> CloseResult:
    """Close `period` and publish the result atomically; same inputs and standard, same run."""
    clock = time.perf_counter()
    check_period(period)
    standard = active_standard(ws, standard_path)
    indicators = compute_indicators(ws, period, engine, spark_session=spark_session)
    previous = previous_close(ws, period)
    overrides = active_override_tiers(ws, month_end(period), standard)
    frame = _tier_frame(ws, period, standard, engine, spark_session, previous)
    frame = result_frame(frame, standard, previous, overrides)
    run_id = run_id_for(
        period=period,
        standard_hash=standard.content_hash,
        input_fingerprint=indicators.input_fingerprint,
        config_hash=indicators.config_hash,
        previous_run=previous.run_id if previous else None,
        overrides=hash_json(sorted(overrides.items())),
        code=code_version(),
        named_lists=hash_json(named_lists(ws, standard)),
    )
    unchanged = publish(
        ws,
        Publication(period, run_id, standard, indicators.input_fingerprint,
                    indicators.engine, frame),
    )
    applied = frame["applied_tier"].value_counts()
    return CloseResult(
        period=period,
        run_id=run_id,
        standard_id=standard.id,
        standard_version=standard.version,
        customers=len(frame),
        tier_counts={code: int(applied.get(code, 0)) for code in standard.tier_codes},
        migrations={
            str(k): int(v) for k, v in frame["migration"].value_counts().sort_index().items()
        },
        unchanged=unchanged,
        seconds=round(time.perf_counter() - clock, 3),
    )


def _tier_frame(
    ws: Workspace,
    period: str,
    standard: Standard,
    engine: str | None,
    spark_session: Any,
    previous: Any,
) -> pd.DataFrame:
    """Score, tier and apply hysteresis in the engine; return one row per customer."""
    con = connect(ws, engine, spark_session=spark_session)
    try:
        indicators = read_customer_indicators(con, ws, period)
        fit = _attrition_model(con, indicators, standard)
        behaviour = add_behaviour_state(indicators, standard.behaviour, fit).select(
            "customer_id", *BEHAVIOUR_COLUMNS
        )
        expr = tier_with_hysteresis(indicators, standard, named_lists(ws, standard),
                                    previous_state(previous, standard))
        frame = con.backend.execute(expr.join(behaviour, "customer_id"))
    finally:
        con.close()
    frame["bgnbd_model"] = [fit.to_dict() if fit is not None else None] * len(frame)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def _attrition_model(con: Any, indicators: Any, standard: Standard) -> BgNbdFit | None:
    """Fit the BG/NBD silent-attrition model on the period's customers (numpy, seeded)."""
    inputs = con.backend.execute(indicators.select("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
    arrays = [inputs[c].to_numpy(dtype=float, na_value=np.nan) for c in inputs.columns]
    x, t_x, big_t = arrays
    return fit_attrition(x, t_x, big_t, standard.behaviour)
