"""Publish a close atomically: the Parquet export and the app database switch together.

The export (`data/tiers/period=P/part-0.parquet`) holds every customer's result with its
hysteresis state and explanation; the app database holds the run (with its standard) and which
run is the published one of the period.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.periods import Period
from corptier.private_files import make_private, private_mkdir
from corptier.provenance import code_version, hash_json
from corptier.store import UnitOfWork
from corptier.store.models import IndicatorRun, TierRun
from corptier.tiering import Standard
from corptier.workspace import PARTITION_FILE, PUBLISHED_TIERS, Workspace


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


JOURNAL = ".publish.json"
"""The publish journal beside a period's export, present only between swap and commit."""


def run_id_for(**inputs: str | None) -> str:
    """A run id derived from everything the result depends on: the same close, the same id."""
    return hash_json(inputs)[:32]


def publish(ws: Workspace, pub: Publication) -> bool:
    """Write the run and the period's published pointer in one transaction, and swap the
    Parquet export in just before the commit (undone if the commit fails). Returns True when
    the identical run was already published (nothing changed but the timestamps).

    A journal (`.publish.json` beside the export) is written before the swap and removed after
    the commit or the undo; a process that dies in between leaves it for `recover_publications`,
    which the next writer runs under the workspace lock. Temporary and backup names carry the
    process id and a random part, so two processes never share one."""
    target = ws.partition_file(PUBLISHED_TIERS, pub.period)
    private_mkdir(target.parent)
    tag = f"{pub.run_id}.{os.getpid()}.{uuid.uuid4().hex[:12]}"
    staged = target.with_name(f".{tag}.parquet.tmp")
    backup = target.with_name(f".{tag}.parquet.bak")
    journal = target.with_name(JOURNAL)
    pq.write_table(export_table(pub), staged, compression="zstd")
    make_private(staged)
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
            had_target = target.exists()
            _write_journal(journal, {"run_id": pub.run_id, "period": pub.period,
                                     "backup": backup.name, "had_target": had_target})
            try:
                _swap(staged, target, backup)
                uow.commit()
            except BaseException:
                _restore(target, backup, had_target)
                journal.unlink(missing_ok=True)
                raise
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    backup.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    return unchanged


def recover_publications(ws: Workspace) -> list[str]:
    """Finish or undo publications a crash interrupted between the swap and the commit (call
    under the workspace lock). The app database decides: when it points the period at the
    journal's run, the commit happened and the backup goes; otherwise the backup (or the
    absence of an export) is put back. Stray temporary files are removed. Returns the periods
    repaired."""
    repaired: list[str] = []
    base = ws.table_dir(PUBLISHED_TIERS)
    if not base.is_dir():
        return repaired
    for journal in sorted(base.glob(f"period=*/{JOURNAL}")):
        folder = journal.parent
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            period, run_id = str(entry["period"]), str(entry["run_id"])
            backup, had_target = folder / Path(str(entry["backup"])).name, bool(entry["had_target"])
        except (OSError, ValueError, KeyError, TypeError):
            journal.unlink(missing_ok=True)  # torn before the swap began: nothing was moved
            continue
        with UnitOfWork(ws.db) as uow:
            published = uow.runs.published_periods().get(period)
        if published == run_id:
            backup.unlink(missing_ok=True)
        else:
            _restore(folder / PARTITION_FILE, backup, had_target)
        journal.unlink(missing_ok=True)
        repaired.append(period)
    for stray in (*base.glob("period=*/.*.parquet.tmp"), *base.glob("period=*/.*.parquet.bak")):
        stray.unlink(missing_ok=True)
    return repaired


def _write_journal(path: Path, entry: dict[str, Any]) -> None:
    """Write `entry` durably (fsync of the file and its folder) before anything is moved."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(staged: Path, target: Path, backup: Path) -> None:
    if target.exists():
        os.replace(target, backup)
    os.replace(staged, target)
    _fsync_dir(target.parent)


def _restore(target: Path, backup: Path, had_target: bool) -> None:
    """Put the export back as it was before `_swap`: the backup when there was one (if it was
    moved aside), no export when there was none."""
    if backup.exists():
        os.replace(backup, target)
    elif not had_target:
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
