"""The close's per-customer results as the Python loop of corptier ≤ 2026-11 computed them:
the reference the engine-computed results must equal (issue 10).

It chains its own state from close to close and shares with the close only the indicator
snapshot and the pure tiering expressions (scores, gates, hysteresis rule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from corptier.engine import connect
from corptier.tiering import Standard
from corptier.tiering.behaviour import add_behaviour_state, fit_attrition
from corptier.tiering.explanations import explain
from corptier.tiering.hysteresis import (
    APPLIED,
    BELOW,
    BUFFER,
    CAP,
    PENDING,
    PREVIOUS,
    REASON,
    STATE_SCHEMA,
)
from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.workspace import CUSTOMER_INDICATORS, Workspace

BEHAVIOUR_COLUMNS = ("p_alive", "attrition_risk", "behaviour_state", "behaviour_reason")


def reference_close(ws: Workspace, period: str, standard: Standard,
                    lists: Mapping[str, list[str]], previous: pd.DataFrame | None,
                    previous_period: str | None,
                    overrides: Mapping[str, tuple[int, str]]) -> pd.DataFrame:
    """One close's results (applied tier, migration, hysteresis, explanation per customer)."""
    rows = [] if previous is None else previous[["customer_id", "applied_tier", "hysteresis"]
                                                ].to_dict("records")
    with connect(ws, "duckdb") as con:
        indicators = con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, period))
        inputs = con.execute(indicators.select("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
        x, t_x, big_t = (inputs[c].to_numpy(dtype=float, na_value=np.nan)
                         for c in inputs.columns)
        fit = fit_attrition(x, t_x, big_t, standard.behaviour)
        behaviour = add_behaviour_state(indicators, standard.behaviour, fit).select(
            "customer_id", *BEHAVIOUR_COLUMNS)
        state = _state(rows, standard.tier_codes)
        expr = tier_with_hysteresis(indicators, standard, dict(lists), state)
        frame = con.execute(expr.join(behaviour, "customer_id"))
    model = fit.to_dict() if fit is not None else None
    frame["bgnbd_model"] = pd.Series([model] * len(frame), index=frame.index, dtype=object)
    frame = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    before = {r["customer_id"]: r["applied_tier"] for r in rows}
    return _result_frame(frame, standard, before, previous_period, overrides)


def _state(rows: Sequence[Mapping[str, Any]], tier_codes: Sequence[str]) -> pa.Table:
    ranks = {code: i for i, code in enumerate(tier_codes)}
    out: dict[str, list[Any]] = {name: [] for name in STATE_SCHEMA.names}
    for row in rows:
        info = row.get("hysteresis") or {}
        tier = info.get("tier") or row["applied_tier"]
        if tier not in ranks:
            continue
        out["customer_id"].append(row["customer_id"])
        out[APPLIED].append(ranks[tier])
        below = int(info.get("periods_below") or 0)
        pending = ranks.get(info.get("pending_tier") or "") if below else None
        if pending is None:
            below, pending = 0, ranks[tier]
        out[BELOW].append(below)
        out[PENDING].append(pending)
    return pa.table(out, schema=STATE_SCHEMA)


def _result_frame(frame: pd.DataFrame, standard: Standard, before: Mapping[str, str],
                  previous_period: str | None,
                  overrides: Mapping[str, tuple[int, str]]) -> pd.DataFrame:
    codes = standard.tier_codes
    out = frame.astype(object).where(frame.notna(), None)
    out["hysteresis_tier"] = pd.Series([codes[int(r)] for r in out[APPLIED]], dtype=object)
    chosen = [overrides.get(c) for c in out["customer_id"]]
    out["override_id"] = pd.Series([o[0] if o else None for o in chosen], dtype="object")
    out["applied_tier"] = pd.Series(
        [o[1] if o else t for o, t in zip(chosen, out["hysteresis_tier"], strict=True)],
        dtype=object)
    out["previous_tier"] = pd.Series([before.get(c) for c in out["customer_id"]], dtype=object)
    out["migration"] = [_migration(prev, now, codes)
                        for prev, now in zip(out["previous_tier"], out["applied_tier"],
                                             strict=True)]
    records = out.to_dict("records")
    out["hysteresis"] = pd.Series([_hysteresis(r, codes) for r in records], index=out.index,
                                  dtype=object)
    out["explanation"] = pd.Series([_explanation(r, standard, previous_period) for r in records],
                                   index=out.index, dtype=object)
    return out


def _migration(previous: str | None, now: str, codes: Sequence[str]) -> str:
    if previous is None or previous not in codes:
        return "new"
    delta = codes.index(now) - codes.index(previous)
    return "same" if delta == 0 else ("down" if delta > 0 else "up")


def _record(row: Mapping[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    def code(rank: Any) -> str | None:
        return None if rank is None or pd.isna(rank) else codes[int(rank)]

    return {
        "tier": code(row[APPLIED]),
        "reason": row[REASON],
        "periods_below": int(row[BELOW]),
        "pending_tier": code(row[PENDING]),
        "downgrade_buffer": None if pd.isna(row[BUFFER]) else int(row[BUFFER]),
        "previous_applied_tier": code(row[PREVIOUS]),
        "cap_tier": code(row.get(CAP)),
    }


def _hysteresis(row: dict[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    return {**_record(row, codes), "tier": row["hysteresis_tier"]}


def _explanation(row: dict[str, Any], standard: Standard,
                 previous_period: str | None) -> dict[str, Any]:
    values = {name: row.get(f"{name}__value", row.get(name))
              for name in standard.indicators_used()}
    text = explain(row, standard, values)
    text["hysteresis"] = _hysteresis(row, standard.tier_codes)
    text["override"] = ({"id": int(row["override_id"]), "tier": row["applied_tier"]}
                        if row["override_id"] is not None else None)
    text["applied_tier"] = row["applied_tier"]
    text["previous_tier"] = row["previous_tier"]
    text["previous_period"] = previous_period
    text["migration"] = row["migration"]
    p_alive = row.get("p_alive")
    text["behaviour"] = {
        "state": row.get("behaviour_state"),
        "reason": row.get("behaviour_reason"),
        "p_alive": None if p_alive is None or pd.isna(p_alive) else round(float(p_alive), 6),
        "model": row.get("bgnbd_model"),
    }
    return text
