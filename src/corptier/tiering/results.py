"""Turn the engine's per-customer tiering rows into published results with explanations:
the applied tier (hysteresis, then overrides), the migration from the previous close, and
each customer's explanation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import pandas as pd

from corptier.tiering.explain import explain
from corptier.tiering.hysteresis import APPLIED, hysteresis_record
from corptier.tiering.standard import Standard


def result_frame(
    frame: pd.DataFrame,
    standard: Standard,
    before: Mapping[str, str],
    previous_period: str | None,
    overrides: Mapping[str, tuple[int, str]],
) -> pd.DataFrame:
    """Add the applied tier, override, previous tier, migration, hysteresis and explanation.

    `before` maps customer id → applied tier of the previous close (of `previous_period`);
    `overrides` maps customer id → (override id, tier) for the overrides in force.
    """
    codes = standard.tier_codes
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
        migration(prev, now, codes)
        for prev, now in zip(out["previous_tier"], out["applied_tier"], strict=True)
    ]
    # pandas-stubs types record keys as Hashable; the labels here are the engine's column names
    # (str). A cast, not a per-row copy of every key: this runs once per customer.
    records = cast(list[dict[str, Any]], out.to_dict("records"))
    out["hysteresis"] = pd.Series([_hysteresis(r, codes) for r in records], index=out.index,
                                  dtype=object)
    out["explanation"] = pd.Series(
        [_explanation(r, standard, previous_period) for r in records], index=out.index,
        dtype=object,
    )
    return out


def migration(previous: str | None, now: str, codes: Sequence[str]) -> str:
    """new, same, up or down (tiers ordered best first)."""
    if previous is None or previous not in codes:
        return "new"
    delta = codes.index(now) - codes.index(previous)
    return "same" if delta == 0 else ("down" if delta > 0 else "up")


def _hysteresis(row: dict[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    return {**hysteresis_record(row, codes), "tier": row["hysteresis_tier"]}


def _explanation(
    row: dict[str, Any], standard: Standard, previous_period: str | None
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
    text["previous_period"] = previous_period
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
