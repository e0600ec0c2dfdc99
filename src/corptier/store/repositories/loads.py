"""The reconciliation of every loaded table: read = accepted + rejected, per period."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import LoadRun


class LoadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, run: LoadRun) -> None:
        self.session.add(run)

    def committed(self, load_id: str) -> bool:
        """True when the load `load_id` was recorded (its data swap must be kept)."""
        query = sa.select(LoadRun.id).where(LoadRun.load_id == load_id).limit(1)
        return self.session.scalar(query) is not None

    def for_period(self, period: str) -> list[LoadRun]:
        """Every table load of `period`, by table and then in load order."""
        query = (sa.select(LoadRun).where(LoadRun.period == period)
                 .order_by(LoadRun.table_name, LoadRun.id))
        return list(self.session.scalars(query))

    def latest(self, limit: int) -> list[LoadRun]:
        """The table loads of the newest `limit` records, newest first (the data page)."""
        query = sa.select(LoadRun).order_by(LoadRun.id.desc()).limit(limit)
        return list(self.session.scalars(query))
