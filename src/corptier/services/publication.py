"""Publish a close atomically: the Parquet export and the app database switch together.

The export (`data/tiers/period=P/part-0.parquet`) holds every customer's result with its
hysteresis state and explanation; the app database holds the run (with its standard) and which
run is the published one of the period.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.periods import Period
from corptier.provenance import code_version, hash_json
from corptier.store import UnitOfWork
from corptier.store.models import IndicatorRun, TierRun
from corptier.tiering import Standard
from corptier.workspace import PUBLISHED_TIERS, Workspace


@dataclass(frozen=True)
class Publication:
    period: Period
    run_id: str
    standard: Standard
    input_fingerprint: str
    engine: str
    frame: pd.DataFrame
    indicator_run: IndicatorRun | None = None
    """The record of the indicator snapshot the close computed, registered with the run."""
    actor: str = "system"
    """Who closed the period: the audit entry of the close, written with the publish."""


def run_id_for(**inputs: str | None) -> str:
    """A run id derived from everything the result depends on: the same close, the same id."""
    return hash_json(inputs)[:32]


def publish(ws: Workspace, pub: Publication) -> bool:
    """Write the run and the period's published pointer in one transaction, and swap the
    Parquet export in just before the commit (undone if the commit fails). Returns True when
    the identical run was already published (nothing changed but the timestamps)."""
    target = ws.partition_file(PUBLISHED_TIERS, pub.period)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{pub.run_id}.parquet.tmp")
    pq.write_table(export_table(pub), staged, compression="zstd")
    backup = target.with_name(f".{pub.run_id}.parquet.bak")
    try:
        with UnitOfWork(ws.db) as uow:
            if pub.indicator_run is not None:
                uow.indicator_runs.replace(pub.indicator_run)
            now = datetime.now(UTC).replace(tzinfo=None)
            unchanged = uow.runs.publish(_run(pub), now)
            uow.audit.record(now, pub.actor, "close", "period", pub.period, after={
                "run_id": pub.run_id, "standard_id": pub.standard.id,
                "standard_version": pub.standard.version,
                "standard_hash": pub.standard.content_hash, "engine": pub.engine,
                "customers": len(pub.frame), "unchanged": unchanged})
            uow.flush()
            _swap(staged, target, backup)
            try:
                uow.commit()
            except BaseException:
                _restore(target, backup)
                raise
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
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


def _run(pub: Publication) -> TierRun:
    now = datetime.now(UTC).replace(tzinfo=None)
    return TierRun(
        run_id=pub.run_id, period=pub.period, standard_id=pub.standard.id,
        standard_version=pub.standard.version, standard_hash=pub.standard.content_hash,
        input_fingerprint=pub.input_fingerprint, code_version=code_version(),
        engine=pub.engine, customers=len(pub.frame), status="published",
        started_at=now, finished_at=now, standard=pub.standard.model_dump(mode="json"),
    )


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
        "hysteresis": pa.array([_json(v) for v in f["hysteresis"]], pa.string()),
        "explanation": pa.array([_json(v) for v in f["explanation"]], pa.string()),
    }
    return pa.table(columns)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value) or None


def _float(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _flags(value: Any) -> list[str]:
    text = _text(value)
    return [] if not text else sorted(part for part in text.split(",") if part)
