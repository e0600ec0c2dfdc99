"""Read what a close published: the export every downstream user sees, and explanations."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.close.inputs import published_run
from corptier.errors import NotFoundError
from corptier.store.models import TierResult
from corptier.workspace import Workspace

EXPORT_COLUMNS = (
    "customer_id",
    "computed_tier",
    "applied_tier",
    "score",
    "dimension_scores",
    "flags",
    "migration",
    "previous_tier",
    "needs_segment",
    "behaviour_state",
)


def published_results(ws: Workspace, period: str) -> tuple[Any, list[dict[str, Any]]]:
    """The published run of `period` and its results, sorted by customer id."""
    run = published_run(ws, period)
    with Session(ws.db) as session:
        rows = session.scalars(
            sa.select(TierResult)
            .where(TierResult.run_id == run.run_id)
            .order_by(TierResult.customer_id)
        ).all()
        results = [_export_row(r) for r in rows]
    return run, results


def _export_row(r: TierResult) -> dict[str, Any]:
    return {
        "customer_id": r.customer_id,
        "computed_tier": r.computed_tier,
        "applied_tier": r.applied_tier,
        "score": None if r.score is None else format(r.score.quantize(_FOUR), "f"),
        "dimension_scores": {k: _round(v) for k, v in sorted(r.dimension_scores.items())},
        "flags": list(r.flags),
        "migration": r.migration,
        "previous_tier": r.previous_tier,
        "needs_segment": r.needs_segment,
        "behaviour_state": r.behaviour_state,
    }


def export_tiers(ws: Workspace, period: str, fmt: str = "csv") -> str:
    """The published result as CSV or JSON text: same close, same bytes."""
    run, rows = published_results(ws, period)
    if fmt == "json":
        doc = {
            "period": period,
            "run_id": run.run_id,
            "standard": {"id": run.standard_id, "version": run.standard_version},
            "count": len(rows),
            "data": rows,
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    if fmt != "csv":
        raise ValueError(f"format must be csv or json; got {fmt!r}")
    dims = sorted({k for r in rows for k in r["dimension_scores"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [c for c in EXPORT_COLUMNS if c != "dimension_scores"]
    writer.writerow([*header[:4], *(f"score_{d}" for d in dims), *header[4:]])
    for r in rows:
        dim_values = [_cell(r["dimension_scores"].get(d)) for d in dims]
        writer.writerow([
            r["customer_id"], r["computed_tier"], r["applied_tier"], _cell(r["score"]),
            *dim_values, ";".join(r["flags"]), r["migration"], _cell(r["previous_tier"]),
            _cell(r["needs_segment"]), _cell(r["behaviour_state"]),
        ])
    return buffer.getvalue()


def explanation(ws: Workspace, customer_id: str, period: str) -> dict[str, Any]:
    """The stored explanation of one customer's published tier."""
    run = published_run(ws, period)
    with Session(ws.db) as session:
        row = session.get(TierResult, (run.run_id, customer_id))
        if row is None:
            raise NotFoundError(
                f"customer {customer_id} is not in the close of {period} (run {run.run_id})"
            )
        return {**row.explanation, "run_id": run.run_id, "period": period}


_FOUR = Decimal("0.0001")


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 4)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
