"""One transaction over the app database that hands out the repositories.

    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published("2026-09")
        uow.audit.record(...)
    # committed here; any error inside the block rolls everything back
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from corptier.store.db import storage_error
from corptier.store.repositories import (
    AdoptionRepository,
    AlertRepository,
    AuditRepository,
    ContactRepository,
    IndicatorRunRepository,
    InteractionRepository,
    LoadRepository,
    OverrideRepository,
    ProposalRepository,
    RmAssignmentRepository,
    RunRepository,
    ServicePlanRepository,
    SurveyRepository,
    UserRepository,
)


class UnitOfWork:
    """Commit when the block ends without error, roll back otherwise; `commit()` may be called
    inside the block when a step must follow the commit (e.g. removing a backup file)."""

    session: Session

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        self.loads = LoadRepository(self.session)
        self.indicator_runs = IndicatorRunRepository(self.session)
        self.runs = RunRepository(self.session)
        self.overrides = OverrideRepository(self.session)
        self.adoptions = AdoptionRepository(self.session)
        self.proposals = ProposalRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.users = UserRepository(self.session)
        self.alerts = AlertRepository(self.session)
        self.service_plans = ServicePlanRepository(self.session)
        self.contacts = ContactRepository(self.session)
        self.interactions = InteractionRepository(self.session)
        self.surveys = SurveyRepository(self.session)
        self.rm_assignments = RmAssignmentRepository(self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.commit()
            else:
                self.session.rollback()
                _raise_storage_error(exc, self.engine)
        finally:
            self.session.close()

    def flush(self) -> None:
        try:
            self.session.flush()
        except DBAPIError as exc:
            _raise_storage_error(exc, self.engine)
            raise

    def commit(self) -> None:
        try:
            self.session.commit()
        except DBAPIError as exc:
            _raise_storage_error(exc, self.engine)
            raise


def _raise_storage_error(exc: BaseException | None, engine: Engine) -> None:
    """Raise the StorageError a database failure of the environment (disk full, corrupt or
    unreachable database) stands for; return for anything else."""
    if isinstance(exc, DBAPIError):
        error = storage_error(exc, engine)
        if error is not None:
            raise error from exc
