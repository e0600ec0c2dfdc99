"""The period close: indicators → scores → computed tier → gates → group rule → hysteresis →
overrides → applied tier, published as one run.

One read of the app database (the last close, the overrides in force) before the work, one
transaction after it (the run, its indicator snapshot record, the period's published pointer)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corptier.engine import EngineConnection, connect
from corptier.engine import compute_indicators as compute_snapshot
from corptier.errors import ContractError
from corptier.periods import Period
from corptier.provenance import code_version, hash_json
from corptier.services.audit import attested_overrides
from corptier.services.indicators import indicator_run
from corptier.services.publication import Publication, publish, run_id_for
from corptier.services.published import previous_rows
from corptier.services.recovery import writing
from corptier.services.standards import active_standard, named_lists
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.tiering import Standard
from corptier.tiering.behaviour import add_behaviour_state, fit_attrition
from corptier.tiering.bgnbd import BgNbdFit
from corptier.tiering.hysteresis import state_from_published
from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.tiering.results import result_frame
from corptier.workspace import CUSTOMER_INDICATORS, Workspace

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
    overrides_not_applied: tuple[str, ...] = ()
    """Approved overrides the close left out, each with why (e.g. its approval is not in
    the audit log)."""


def close_period(
    ws: Workspace,
    period: str,
    *,
    engine: str | None = None,
    standard_path: Path | str | None = None,
    spark_session: Any = None,
    by: str | None = None,
) -> CloseResult:
    """Close `period` and publish the result atomically; same inputs and standard, same run.

    The close holds the workspace lock (a load of the same workspace waits, and an interrupted
    load or publication is repaired before anything is read). `by` is who closes it (audited
    with the run; "system" when not given and the workspace has no users). Only overrides
    whose approval is in the verified audit log apply."""
    clock = time.perf_counter()
    p = Period(period)
    actor = acting_name(ws, by or "system", "closed by")
    with writing(ws, f"close {p}"):
        return _close(ws, p, engine, standard_path, spark_session, clock, actor)


def _close(ws: Workspace, p: Period, engine: str | None, standard_path: Path | str | None,
           spark_session: Any, clock: float, actor: str) -> CloseResult:
    refuse_without_customers(ws, p)
    standard = active_standard(ws, standard_path)
    lists = named_lists(ws, standard)
    with UnitOfWork(ws.db) as uow:  # what the close starts from: the last close, the overrides
        previous = uow.runs.published_before(p)
        approved, not_applied = attested_overrides(uow, uow.overrides.approved_on(p.month_end))
    rows = previous_rows(ws, previous) if previous else []
    overrides = {c: (o.id, o.tier) for c, o in sorted(approved.items())
                 if o.tier in standard.tier_codes}
    indicators = compute_snapshot(ws, p, engine, spark_session=spark_session)
    frame = _tier_frame(ws, p, standard, lists, engine, spark_session, rows)
    frame = result_frame(frame, standard, {r["customer_id"]: r["applied_tier"] for r in rows},
                         previous.period if previous else None, overrides)
    run_id = run_id_for(
        period=p,
        standard_hash=standard.content_hash,
        input_fingerprint=indicators.input_fingerprint,
        config_hash=indicators.config_hash,
        previous_run=previous.run_id if previous else None,
        overrides=hash_json(sorted(overrides.items())),
        code=code_version(),
        named_lists=hash_json(lists),
    )
    unchanged = publish(ws, Publication(p, run_id, standard, indicators.input_fingerprint,
                                        indicators.engine, frame, indicator_run(ws, indicators),
                                        actor))
    applied = frame["applied_tier"].value_counts()
    return CloseResult(
        period=p,
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
        overrides_not_applied=tuple(not_applied),
    )


def refuse_without_customers(ws: Workspace, p: Period) -> None:
    """A period whose load accepted no customer has nothing to tier: one clear line, no run."""
    import pyarrow.parquet as pq

    path = ws.partition_file("customers", p)
    if path.exists() and pq.ParquetFile(path).metadata.num_rows == 0:
        raise ContractError(
            f"period {p} has no accepted customer to tier (every customer row was rejected; "
            f"see quarantine/{p}/customers.csv); correct the export and run 'corptier load' "
            f"for {p} again")


def read_customer_indicators(con: EngineConnection, ws: Workspace, period: Period) -> Any:
    """The customer indicator snapshot of `period` as a table of the engine."""
    return con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, period))


def _tier_frame(
    ws: Workspace,
    period: Period,
    standard: Standard,
    lists: dict[str, list[str]],
    engine: str | None,
    spark_session: Any,
    previous_rows: list[dict[str, Any]],
) -> pd.DataFrame:
    """Score, tier and apply hysteresis in the engine; return one row per customer."""
    with connect(ws, engine, spark_session=spark_session) as con:
        indicators = read_customer_indicators(con, ws, period)
        fit = _attrition_model(con, indicators, standard)
        behaviour = add_behaviour_state(indicators, standard.behaviour, fit).select(
            "customer_id", *BEHAVIOUR_COLUMNS
        )
        state = state_from_published(previous_rows, standard.tier_codes)
        expr = tier_with_hysteresis(indicators, standard, lists, state)
        frame = con.execute(expr.join(behaviour, "customer_id"))
    model = fit.to_dict() if fit is not None else None
    frame["bgnbd_model"] = pd.Series([model] * len(frame), index=frame.index, dtype=object)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def _attrition_model(con: EngineConnection, indicators: Any,
                     standard: Standard) -> BgNbdFit | None:
    """Fit the BG/NBD silent-attrition model on the period's customers (numpy, seeded)."""
    inputs = con.execute(indicators.select("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
    arrays = [inputs[c].to_numpy(dtype=float, na_value=np.nan) for c in inputs.columns]
    x, t_x, big_t = arrays
    return fit_attrition(x, t_x, big_t, standard.behaviour)
