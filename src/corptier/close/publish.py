"""Publish a close atomically: the Parquet export and the app database switch together."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.provenance import code_version, hash_json
from corptier.store.models import PublishedPeriod, TierResult, TierRun
from corptier.tiering import Standard
from corptier.workspace import Workspace

TIERS_TABLE = "tiers"
FILE_NAME = "part-0.parquet"


@dataclass(frozen=True)
class Publication:
    period: str
    run_id: str
    standard: Standard
    input_fingerprint: str
    engine: str
    frame: pd.DataFrame


def run_id_for(**inputs: str | None) -> str:
    """A run id derived from everything the result depends on: the same close, the same id."""
    return hash_json(inputs)[:32]


def tiers_path(ws: Workspace, period: str) -> Path:
    return ws.partition_dir(TIERS_TABLE, period) / FILE_NAME


def publish(ws: Workspace, pub: Publication) -> bool:
    """Write the run, its results and the period's published pointer in one transaction, and
    swap the Parquet export in just before the commit (undone if the commit fails). Returns
    True when the identical run was already published (nothing changed but the timestamps)."""
    target = tiers_path(ws, pub.period)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{pub.run_id}.parquet.tmp")
    pq.write_table(export_table(pub), staged, compression="zstd")
    backup = target.with_name(f".{pub.run_id}.parquet.bak")
    session = Session(ws.db)
    try:
        unchanged = _write_run(session, pub)
        session.flush()
        _swap(staged, target, backup)
        try:
            session.commit()
        except BaseException:
            _restore(target, backup)
            raise
    except BaseException:
        session.rollback()
        staged.unlink(missing_ok=True)
        raise
    finally:
        session.close()
    backup.unlink(missing_ok=True)
    return unchanged


def _swap(staged: Path, target: Path, backup: Path) -> None:
    if target.exists():
        os.replace(target, backup)
    os.replace(staged, target)


def _restore(target: Path, backup: Path) -> None:
    if backup.exists():
        os.replace(backup, target)
    else:
        target.unlink(missing_ok=True)


def _write_run(session: Session, pub: Publication) -> bool:
    """Replace any earlier copy of this run id, insert the run and results, point the period
    at it. Earlier runs of the period with other ids stay as history."""
    now = datetime.now(UTC).replace(tzinfo=None)
    was = session.scalar(
        sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period == pub.period)
    )
    session.execute(sa.delete(PublishedPeriod).where(PublishedPeriod.period == pub.period))
    session.execute(sa.delete(TierResult).where(TierResult.run_id == pub.run_id))
    session.execute(sa.delete(TierRun).where(TierRun.run_id == pub.run_id))
    if was and was != pub.run_id:
        session.execute(
            sa.update(TierRun).where(TierRun.run_id == was).values(status="superseded")
        )
    session.add(TierRun(
        run_id=pub.run_id, period=pub.period, standard_id=pub.standard.id,
        standard_version=pub.standard.version, standard_hash=pub.standard.content_hash,
        input_fingerprint=pub.input_fingerprint, code_version=code_version(),
        engine=pub.engine, customers=len(pub.frame), status="published",
        started_at=now, finished_at=now,
    ))
    session.flush()
    session.execute(sa.insert(TierResult), list(_result_rows(pub)))
    session.add(PublishedPeriod(period=pub.period, run_id=pub.run_id, published_at=now))
    return was == pub.run_id


def _result_rows(pub: Publication):
    dims = list(pub.standard.dimensions)
    for row in pub.frame.to_dict("records"):
        yield {
            "run_id": pub.run_id,
            "customer_id": row["customer_id"],
            "group_id": _text(row.get("group_id")),
            "score": _decimal(row["score"]),
            "computed_tier": row["computed_tier"],
            "applied_tier": row["applied_tier"],
            "previous_tier": row["previous_tier"],
            "migration": row["migration"],
            "flags": _flags(row.get("flags")),
            "dimension_scores": {d: _float(row.get(f"score_{d}")) for d in dims},
            "needs_segment": _text(row.get("needs_segment")),
            "behaviour_state": _text(row.get("behaviour_state")),
            "hysteresis": row["hysteresis"],
            "override_id": row["override_id"],
            "explanation": row["explanation"],
        }


def export_table(pub: Publication) -> pa.Table:
    """The Parquet export of a run: one row per customer, sorted by customer id."""
    f = pub.frame
    dims = list(pub.standard.dimensions)
    columns: dict[str, pa.Array] = {
        "customer_id": pa.array(f["customer_id"], pa.string()),
        "group_id": pa.array([_text(v) for v in f["group_id"]], pa.string()),
        "score": pa.array([_float(v) for v in f["score"]], pa.float64()),
        "computed_tier": pa.array(f["computed_tier"], pa.string()),
        "applied_tier": pa.array(f["applied_tier"], pa.string()),
        "previous_tier": pa.array(f["previous_tier"], pa.string()),
        "migration": pa.array(f["migration"], pa.string()),
        "flags": pa.array([",".join(_flags(v)) for v in f["flags"]], pa.string()),
        **{f"dim_{d}": pa.array([_float(v) for v in f[f"score_{d}"]], pa.float64())
           for d in dims},
        "needs_segment": pa.array([_text(v) for v in f["needs_segment"]], pa.string()),
        "behaviour_state": pa.array(
            [_text(v) for v in f.get("behaviour_state", [None] * len(f))], pa.string()
        ),
        "hysteresis_reason": pa.array(f["hysteresis_reason"], pa.string()),
        "override_id": pa.array(list(f["override_id"]), pa.int64()),
        "run_id": pa.array([pub.run_id] * len(f), pa.string()),
    }
    return pa.table(columns)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value) or None


def _float(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _decimal(value: Any) -> Decimal | None:
    number = _float(value)
    return None if number is None else Decimal(repr(round(number, 4)))


def _flags(value: Any) -> list[str]:
    text = _text(value)
    return [] if not text else sorted(part for part in text.split(",") if part)
