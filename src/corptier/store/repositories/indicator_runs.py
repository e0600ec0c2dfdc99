"""Indicator snapshots written per period and engine, with what they were computed from."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import IndicatorRun


class IndicatorRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, run: IndicatorRun) -> None:
        """Record `run` as the one snapshot of its period and engine."""
        self.session.execute(sa.delete(IndicatorRun).where(
            IndicatorRun.period == run.period, IndicatorRun.engine == run.engine))
        self.session.add(run)

    def latest(self, period: str) -> IndicatorRun | None:
        """The snapshot of `period` written last, on any engine."""
        query = (sa.select(IndicatorRun).where(IndicatorRun.period == period)
                 .order_by(IndicatorRun.created_at.desc(), IndicatorRun.id.desc()).limit(1))
        return self.session.scalars(query).first()
