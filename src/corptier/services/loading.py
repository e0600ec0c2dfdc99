"""The load: one period's folder of table files into the workspace, validated, reconciled.

    report = load_period(ws, "2026-09", "exports/2026-09")

The accepted rows of every table are swapped in together with their reconciliation in the app
database: if either fails, the period's previous data and records stay as they were. A load
that a crash interrupted is undone (or kept, if its records were committed) before the next.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable
from pathlib import Path

from corptier.contract.load import stage_period
from corptier.contract.reconcile import LoadReport
from corptier.contract.refusal import refusal
from corptier.contract.staging import Staging, load_lock, recover
from corptier.errors import ContractError
from corptier.periods import Period
from corptier.provenance import code_version
from corptier.store import UnitOfWork
from corptier.store.models import LoadRun
from corptier.workspace import Workspace

Progress = Callable[[str], None]


def load_period(ws: Workspace, period: str, path: Path | str, *,
                progress: Progress | None = None, accept_partial: bool = False) -> LoadReport:
    """Validate and load every contract table found in `path` as period `period`; rejected
    rows go to quarantine/<period>/ with their row, column and reason.

    A load where most rows of a table are of another period, a table's accepted share is below
    `[load] min_accepted_share`, or no customer is accepted is refused (ContractError) and the
    previous data stay, unless `accept_partial`; its quarantine goes to
    quarantine/<period>/refused/ for diagnosis."""
    p = Period(period)
    with load_lock(ws):
        recover(ws, lambda load_id: _committed(ws, load_id))
        staging = Staging(ws, p, str(uuid.uuid4()))
        try:
            report = stage_period(ws, staging, p, path, progress=progress)
            why = refusal(report, ws.config.load.min_accepted_share)
            if why is not None and not accept_partial:
                staging.keep_refused_quarantine()
                raise ContractError(why)
            _publish(ws, staging, report)
        finally:
            staging.discard()
    return report


def _publish(ws: Workspace, staging: Staging, report: LoadReport) -> None:
    """Swap the staged data in and record the reconciliation, as one step."""
    swapped = False
    try:
        with UnitOfWork(ws.db) as uow:
            _record(uow, report)
            uow.flush()
            staging.swap()
            swapped = True
    except BaseException:
        if swapped:
            staging.undo()
        raise


def _record(uow: UnitOfWork, report: LoadReport) -> None:
    at, version = report.started_at, code_version()
    for t in report.tables.values():
        uow.loads.add(LoadRun(
            load_id=report.load_id, period=report.period, table_name=t.table, source=t.source,
            fingerprint=t.fingerprint, rows_read=t.read, rows_accepted=t.accepted,
            rows_rejected=t.rejected, code_version=version, loaded_at=at,
        ))
    counts = {n: [t.read, t.accepted, t.rejected] for n, t in report.tables.items()}
    uow.audit.record(at, _actor(), "load_period", "period", report.period,
                     after={"load_id": report.load_id, "source": report.source,
                            "read_accepted_rejected": counts})


def _committed(ws: Workspace, load_id: str) -> bool:
    with UnitOfWork(ws.db) as uow:
        return uow.loads.committed(load_id)


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name on this system
        return "unknown"
