"""Assemble a customer's explanation (JSON-ready dict) from a `score_and_tier` result row.

The explanation carries the points of every indicator and dimension, the cut-off method, every
gate with whether it fired, the group rule, the computed tier, flags and needs segment, plus the
standard's id, version and content hash. `explain_published` adds, from a row of a close's
published table, the hysteresis, override, previous tier, migration and behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from corptier.tiering.score_columns import SCORE, dimension_column, points_column
from corptier.tiering.standard import Standard


def explain(
    row: Mapping[str, Any],
    standard: Standard,
    indicator_values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The explanation of one customer.

    Parameters
    ----------
    row : one row of `score_and_tier` output (column name → value).
    standard : the standard that produced it.
    indicator_values : the customer's indicator row, to show the values behind the points.
    """
    values = indicator_values or {}
    return {
        "customer_id": row["customer_id"],
        "standard": {
            "id": standard.id,
            "version": standard.version,
            "content_hash": standard.content_hash,
        },
        "score": _plain(row.get(SCORE)),
        "rank": _plain(row.get("rank")),
        "ladder": _ladder(row, standard),
        "dimensions": [_dimension(code, row, standard, values) for code in standard.dimensions],
        "cutoffs": {"method": standard.cutoffs.method, "raw_tier": row.get("raw_tier")},
        "gates": _gates(row, standard),
        "tier_after_gates": row.get("tier_after_gates"),
        "group_rule": _group(row, standard),
        "computed_tier": _tier(standard, row.get("computed_tier")),
        "flags": [
            {"code": f.code, "name_zh": f.name_zh, "name_en": f.name_en}
            for f in standard.flags
            if bool(row.get(f"flag_{f.code}"))
        ],
        "needs_segment": _segment(row, standard),
        "needs_cluster": _plain(row.get("needs_cluster")),
    }


def explain_published(
    row: Mapping[str, Any],
    standard: Standard,
    previous_period: str | None,
    model: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The explanation of one customer from its row of a close's published table.

    Parameters
    ----------
    row : the published row (column name → value; see docs/standard.md, "Published results").
    standard : the standard of the run (kept with the run).
    previous_period : the period of the close before the run's; a returned customer shows the
        period of its last close instead.
    model : the run's fitted silent-attrition model, if any.
    """
    facts = {**row, **{dimension_column(d): row.get(f"dim_{d}") for d in standard.dimensions}}
    values = {name: facts.get(f"value__{name}") for name in standard.indicators_used()}
    out = explain(facts, standard, values)
    override = row.get("override_id")
    p_alive = _plain(row.get("p_alive"))
    out.update({
        "hysteresis": {
            "tier": row.get("hysteresis_tier"),
            "reason": row.get("hysteresis_reason"),
            "periods_below": int(row.get("periods_below") or 0),
            "pending_tier": row.get("pending_tier"),
            "downgrade_buffer": _plain(row.get("downgrade_buffer")),
            "previous_applied_tier": row.get("previous_applied_tier"),
            "cap_tier": row.get("cap_tier"),
        },
        "override": None if override is None else {
            "id": int(override), "tier": row.get("applied_tier"),
            **({"risk_exception": row["override_risk_exception"]}
               if row.get("override_risk_exception") else {})},
        "applied_tier": row.get("applied_tier"),
        "previous_tier": row.get("previous_tier"),
        "previous_period": (row.get("previous_period") if row.get("migration") == "returned"
                            else previous_period),
        "migration": row.get("migration"),
        "behaviour": {
            "state": row.get("behaviour_state"),
            "reason": row.get("behaviour_reason"),
            "p_alive": None if p_alive is None else round(float(p_alive), 6),
            "model": None if model is None else dict(model),
        },
    })
    if row.get("override_refused") is not None:
        out["override_refused"] = {"id": int(row["override_refused"]),
                                   "cap_tier": row.get("cap_tier")}
    return out


def explain_all(
    rows: Iterable[Mapping[str, Any]], standard: Standard
) -> dict[str, dict[str, Any]]:
    """Explanations keyed by customer id."""
    return {row["customer_id"]: explain(row, standard) for row in rows}


def _dimension(code: str, row: Mapping[str, Any], standard: Standard,
               values: Mapping[str, Any]) -> dict[str, Any]:
    dim = standard.dimensions[code]
    indicators = []
    for name, spec in dim.indicators.items():
        points = _plain(row.get(points_column(code, name)))
        item: dict[str, Any] = {
            "name": name,
            "method": spec.method,
            "weight": spec.weight,
            "points": points,
            "excluded": points is None,
        }
        if name in values:
            item["value"] = _plain(values[name])
        indicators.append(item)
    return {
        "code": code,
        "name_zh": dim.name_zh,
        "name_en": dim.name_en,
        "weight": dim.weight,
        "score": _plain(row.get(dimension_column(code))),
        "indicators": indicators,
    }


def _ladder(row: Mapping[str, Any], standard: Standard) -> dict[str, Any] | None:
    """The ladder the customer was ranked in and how many were ranked there (None: one
    ladder for all)."""
    if standard.cutoffs.by is None:
        return None
    by = standard.cutoffs.by
    return {"code": row.get("ladder"), "size": _plain(row.get("ladder_size")),
            "by": by if isinstance(by, str) else "conditions"}


def _gates(row: Mapping[str, Any], standard: Standard) -> list[dict[str, Any]]:
    return [
        {
            "id": gate.id,
            "kind": kind,
            "tier": gate.tier,
            "fired": bool(row.get(f"gate_{gate.id}")),
            "description": gate.description,
        }
        for kind, gate in standard.gates.all()
    ]


def _group(row: Mapping[str, Any], standard: Standard) -> dict[str, Any] | None:
    if standard.group_rule is None:
        return None
    risk = standard.group_rule.risk
    return {
        "group_id": row.get("group_id") or None,
        "group_tier": row.get("group_tier"),
        "max_below_group": standard.group_rule.max_below_group,
        "adjusted": bool(row.get("group_adjusted")),
        "risk": bool(row.get("group_risk")),
        "risk_member": row.get("group_risk_member") or None,
        "risk_cap_tier": risk.cap_members_at if risk is not None else None,
    }


def _tier(standard: Standard, code: str | None) -> dict[str, Any] | None:
    if code is None:
        return None
    tier = standard.tier(code)
    return {"code": tier.code, "name_zh": tier.name_zh, "name_en": tier.name_en,
            "level": standard.tier_level(code) + 1}


def _segment(row: Mapping[str, Any], standard: Standard) -> dict[str, Any] | None:
    code = row.get("needs_segment")
    if code is None or standard.needs_segments is None:
        return None
    for segment in standard.needs_segments.segments:
        if segment.code == code:
            return {"code": code, "name_zh": segment.name_zh, "name_en": segment.name_en}
    return {"code": code}


def _plain(value: Any) -> Any:
    """A JSON-ready Python value (numpy scalars, NaN, Decimal and dates made plain)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal | str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
