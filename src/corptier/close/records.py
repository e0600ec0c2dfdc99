"""Turn the engine's per-customer rows into published results with their explanations."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from corptier.close.inputs import PreviousClose
from corptier.tiering import Standard, explain
from corptier.tiering.hysteresis import APPLIED, hysteresis_record


def result_frame(
    frame: pd.DataFrame,
    standard: Standard,
    previous: PreviousClose | None,
    overrides: dict[str, tuple[int, str]],
) -> pd.DataFrame:
    """Add the applied tier (hysteresis, then overrides), migration and explanation."""
    codes = standard.tier_codes
    before = {r["customer_id"]: r["applied_tier"] for r in previous.rows} if previous else {}
    # object columns with None for missing: pandas' str dtype turns None into NaN in records
    out = frame.astype(object).where(frame.notna(), None)
    out["hysteresis_tier"] = pd.Series([codes[int(r)] for r in out[APPLIED]], dtype=object)
    chosen = [overrides.get(c) for c in out["customer_id"]]
    out["override_id"] = pd.Series([o[0] if o else None for o in chosen], dtype="object")
    out["applied_tier"] = pd.Series(
        [o[1] if o else t for o, t in zip(chosen, out["hysteresis_tier"], strict=True)],
        dtype=object,
    )
    out["previous_tier"] = pd.Series([before.get(c) for c in out["customer_id"]], dtype=object)
    out["migration"] = [
        _migration(prev, now, codes)
        for prev, now in zip(out["previous_tier"], out["applied_tier"], strict=True)
    ]
    records = cast(list[dict[str, Any]], out.to_dict("records"))  # the column names are text
    out["hysteresis"] = pd.Series([_hysteresis(r, codes) for r in records], index=out.index,
                                  dtype=object)
    out["explanation"] = pd.Series([_explanation(r, standard, previous) for r in records],
                                   index=out.index, dtype=object)
    return out


def _migration(previous: str | None, now: str, codes: list[str]) -> str:
    if previous is None or previous not in codes:
        return "new"
    delta = codes.index(now) - codes.index(previous)
    return "same" if delta == 0 else ("down" if delta > 0 else "up")


def _hysteresis(row: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    return {**hysteresis_record(row, codes), "tier": row["hysteresis_tier"]}


def _explanation(
    row: dict[str, Any], standard: Standard, previous: PreviousClose | None
) -> dict[str, Any]:
    values = {name: row.get(f"{name}__value", row.get(name))
              for name in standard.indicators_used()}
    text = explain(row, standard, values)
    text["hysteresis"] = _hysteresis(row, standard.tier_codes)
    text["override"] = (
        {"id": int(row["override_id"]), "tier": row["applied_tier"]}
        if row["override_id"] is not None else None
    )
    text["applied_tier"] = row["applied_tier"]
    text["previous_tier"] = row["previous_tier"]
    text["previous_period"] = previous.period if previous else None
    text["migration"] = row["migration"]
    text["behaviour"] = {
        "state": row.get("behaviour_state"),
        "reason": row.get("behaviour_reason"),
        "p_alive": _number(row.get("p_alive")),
        "model": row.get("bgnbd_model"),
    }
    return text


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)
