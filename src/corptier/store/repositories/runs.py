"""Tier runs and which of them is the published result of each period."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import PublishedPeriod, TierRun


class RunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, run_id: str) -> TierRun | None:
        return self.session.get(TierRun, run_id)

    def published(self, period: str) -> TierRun | None:
        """The published run of `period`, if it was closed."""
        run_id = self.session.scalar(
            sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period == period))
        return None if run_id is None else self.session.get(TierRun, run_id)

    def published_before(self, period: str) -> TierRun | None:
        """The latest published run of a period before `period` (where hysteresis and
        migration start from), or None for a first close."""
        run_id = self.session.scalar(
            sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period < period)
            .order_by(PublishedPeriod.period.desc()).limit(1))
        return None if run_id is None else self.session.get(TierRun, run_id)

    def published_latest_before(self, period: str, count: int) -> list[TierRun]:
        """The published runs of the `count` latest closed periods before `period`, latest
        first (the previous close, then the ones a returning customer's state comes from)."""
        run_ids = self.session.scalars(
            sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period < period)
            .order_by(PublishedPeriod.period.desc()).limit(count)).all()
        runs = [self.session.get(TierRun, run_id) for run_id in run_ids]
        return [run for run in runs if run is not None]

    def first_published_at(self, period: str) -> datetime | None:
        """When `period` was first published, from its run records (the earliest run, its
        superseded runs included, or the published pointer); None when it never was."""
        started = self.session.scalar(
            sa.select(sa.func.min(TierRun.started_at)).where(
                TierRun.period == period, TierRun.status.in_(("published", "superseded"))))
        pointer = self.session.scalar(
            sa.select(PublishedPeriod.published_at).where(PublishedPeriod.period == period))
        found = [at for at in (started, pointer) if at is not None]
        return min(found) if found else None

    def published_periods(self) -> dict[str, str]:
        """Every closed period with its published run id, oldest first."""
        rows = self.session.execute(
            sa.select(PublishedPeriod.period, PublishedPeriod.run_id)
            .order_by(PublishedPeriod.period)).all()
        return {period: run_id for period, run_id in rows}

    def latest(self, limit: int) -> list[TierRun]:
        """The newest `limit` runs of every period and status, newest first (the data page)."""
        query = (sa.select(TierRun).order_by(TierRun.started_at.desc(), TierRun.run_id)
                 .limit(limit))
        return list(self.session.scalars(query))

    def publish(self, run: TierRun, at: datetime) -> bool:
        """Make `run` the published result of its period: replace any earlier copy of the same
        run id, mark the period's previous run superseded, point the period at `run`. Returns
        True when the identical run was already the published one."""
        was = self.session.scalar(
            sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period == run.period))
        self.session.execute(sa.delete(PublishedPeriod).where(PublishedPeriod.period == run.period))
        self.session.execute(sa.delete(TierRun).where(TierRun.run_id == run.run_id))
        if was and was != run.run_id:
            self.session.execute(
                sa.update(TierRun).where(TierRun.run_id == was).values(status="superseded"))
        self.session.add(run)
        self.session.flush()
        self.session.add(PublishedPeriod(period=run.period, run_id=run.run_id, published_at=at))
        return was == run.run_id
