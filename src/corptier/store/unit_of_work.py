"""One transaction over the app database that hands out the repositories.

    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published("2026-09")
        uow.audit.record(...)
    # committed here; any error inside the block rolls everything back
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corptier.store.repositories import (
    AdoptionRepository,
    AuditRepository,
    IndicatorRunRepository,
    LoadRepository,
    OverrideRepository,
    RunRepository,
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
        self.audit = AuditRepository(self.session)
        self.users = UserRepository(self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()
