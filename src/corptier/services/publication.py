"""Publish a close atomically: the Parquet export and the app database switch together.

The export (`data/tiers/period=P/part-0.parquet`, written by the engine before the publish:
`staging_path`) holds every customer's result with its hysteresis state and the facts of its
explanation; the app database holds the run (with its standard) and which run is the published
one of the period.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    staged: Path
    """The run's export, written beside the period's export (`staging_path`)."""
    customers: int
    indicator_run: IndicatorRun | None = None
    """The record of the indicator snapshot the close computed, registered with the run."""
    actor: str = "system"
    """Who closed the period: the audit entry of the close, written with the publish."""


JOURNAL = ".publish.json"
"""The publish journal beside a period's export, present only between swap and commit."""


def run_id_for(**inputs: str | None) -> str:
    """A run id derived from everything the result depends on: the same close, the same id."""
    return hash_json(inputs)[:32]


def staging_path(ws: Workspace, period: Period, run_id: str) -> Path:
    """Where a close writes its export before the publish swaps it in: a hidden name of its
    own (process id and a random part) that `recover_publications` removes if left behind."""
    target = ws.partition_file(PUBLISHED_TIERS, period)
    private_mkdir(target.parent)
    return target.with_name(f".{run_id}.{os.getpid()}.{uuid.uuid4().hex[:12]}.parquet.tmp")


def publish(ws: Workspace, pub: Publication) -> bool:
    """Write the run and the period's published pointer in one transaction, and swap the
    Parquet export in just before the commit (undone if the commit fails). Returns True when
    the identical run was already published (nothing changed but the timestamps).

    A journal (`.publish.json` beside the export) is written before the swap and removed after
    the commit or the undo; a process that dies in between leaves it for `recover_publications`,
    which the next writer runs under the workspace lock. Temporary and backup names carry the
    process id and a random part, so two processes never share one."""
    return publish_all(ws, [pub])[0]


def publish_all(ws: Workspace, pubs: Sequence[Publication]) -> list[bool]:
    """Publish several closes (of distinct periods, in order) all or nothing: one transaction
    for every run, every export swapped in (each with its journal) before the commit, and every
    swap undone if anything fails. Returns, per publication, whether it was unchanged."""
    done: list[tuple[Path, Path, Path, bool]] = []  # target, backup, journal, had_target
    try:
        with UnitOfWork(ws.db) as uow:
            unchanged = [_record(uow, pub) for pub in pubs]
            uow.flush()
            try:
                for pub in pubs:
                    target = ws.partition_file(PUBLISHED_TIERS, pub.period)
                    backup = target.with_name(
                        pub.staged.name.removesuffix(".parquet.tmp") + ".parquet.bak")
                    journal = target.with_name(JOURNAL)
                    make_private(pub.staged)
                    had_target = target.exists()
                    _write_journal(journal, {"run_id": pub.run_id, "period": pub.period,
                                             "backup": backup.name, "had_target": had_target})
                    done.append((target, backup, journal, had_target))
                    _swap(pub.staged, target, backup)
                uow.commit()
            except BaseException:
                for target, backup, journal, had_target in reversed(done):
                    _restore(target, backup, had_target)
                    journal.unlink(missing_ok=True)
                raise
    except BaseException:
        for pub in pubs:
            pub.staged.unlink(missing_ok=True)
        raise
    for _, backup, journal, _ in done:
        backup.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
    return unchanged


def _record(uow: UnitOfWork, pub: Publication) -> bool:
    """Add the run, its indicator snapshot record and the audit entry of the close."""
    if pub.indicator_run is not None:
        uow.indicator_runs.replace(pub.indicator_run)
    now = datetime.now(UTC).replace(tzinfo=None)
    unchanged = uow.runs.publish(_run(pub), now)
    uow.audit.record(now, pub.actor, "close", "period", pub.period, after={
        "run_id": pub.run_id, "standard_id": pub.standard.id,
        "standard_version": pub.standard.version,
        "standard_hash": pub.standard.content_hash, "engine": pub.engine,
        "customers": pub.customers, "unchanged": unchanged})
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
        engine=pub.engine, customers=pub.customers, status="published",
        started_at=now, finished_at=now, standard=pub.standard.model_dump(mode="json"),
    )
