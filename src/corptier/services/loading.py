"""The load: one period's folder of table files into the workspace, validated, reconciled.

    report = load_period(ws, "2026-09", "exports/2026-09")

The accepted rows of every table are swapped in together with their reconciliation in the app
database: if either fails, the period's previous data and records stay as they were. A load
holds the workspace lock; one that a crash interrupted is undone (or kept, if its records
were committed) by the next writer (services/recovery.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from corptier.contract.load import stage_period
from corptier.contract.profile import load_profile
from corptier.contract.reconcile import LoadReport
from corptier.contract.refusal import refusal
from corptier.contract.staging import Staging
from corptier.errors import ContractError
from corptier.periods import Period
from corptier.provenance import code_version
from corptier.services.progress import stage, step
from corptier.services.recovery import writing
from corptier.store import UnitOfWork
from corptier.store.models import LoadRun
from corptier.workspace import Workspace

Progress = Callable[[str], None]


@stage("load {period}", rows=lambda report: report.read)
def load_period(ws: Workspace, period: str, path: Path | str, *,
                progress: Progress | None = None, by: str | None = None,
                accept_partial: bool = False, profile: Path | str | None = None) -> LoadReport:
    """Validate and load every contract table found in `path` as period `period`; rejected
    rows go to quarantine/<period>/ with their row, column and reason. `by` is the acting
    user recorded in the audit log ("system" when not given and the workspace has no users).

    A load where most rows of a table are of another period, a table's accepted share is below
    `[load] min_accepted_share`, or no customer is accepted is refused (ContractError) and the
    previous data stay, unless `accept_partial`; its quarantine goes to
    quarantine/<period>/refused/ for diagnosis. `profile` is a mapping profile (YAML) that
    says how the bank's exports differ from the contract (docs/onboarding.md)."""
    from corptier.services.users import acting_name

    p = Period(period)
    mapping = None if profile is None else load_profile(profile)
    actor = acting_name(ws, by or "system", "loaded by")
    with writing(ws, f"load {p}"):
        staging = Staging(ws, p, str(uuid.uuid4()))
        try:
            report = stage_period(ws, staging, p, path, progress=progress or step,
                                  profile=mapping)
            why = refusal(report, ws.config.load.min_accepted_share)
            if why is not None and not accept_partial:
                staging.keep_refused_quarantine()
                raise ContractError("{why}", why=why)
            step("publish", rows=report.accepted)
            _publish(ws, staging, report, actor)
        finally:
            staging.discard()
    return report


def _publish(ws: Workspace, staging: Staging, report: LoadReport, actor: str) -> None:
    """Swap the staged data in and record the reconciliation, as one step."""
    swapped = False
    try:
        with UnitOfWork(ws.db) as uow:
            _record(uow, report)
            _audit(uow, report, actor)
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


def _audit(uow: UnitOfWork, report: LoadReport, actor: str) -> None:
    """The load's audit entry: who loaded which period from where, with the counts."""
    counts = {n: [t.read, t.accepted, t.rejected] for n, t in report.tables.items()}
    uow.audit.record(report.started_at, actor, "load_period", "period", report.period,
                     after={"load_id": report.load_id, "source": report.source,
                            "read_accepted_rejected": counts})


