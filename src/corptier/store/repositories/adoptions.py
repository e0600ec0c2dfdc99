"""Adoptions of standards: the pivot of every before/after evaluation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import StandardAdoption


class AdoptionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, standard_id: str, standard_version: str, standard_hash: str,
            period: str, by: str, at: datetime, note: str | None) -> StandardAdoption:
        adoption = StandardAdoption(
            standard_id=standard_id, standard_version=standard_version,
            standard_hash=standard_hash, adopted_period=period, adopted_by=by, adopted_at=at,
            note=note,
        )
        self.session.add(adoption)
        return adoption

    def latest(self, period: str) -> StandardAdoption | None:
        """The adoption in force in `period`: the latest one from that period or before."""
        query = (sa.select(StandardAdoption)
                 .where(StandardAdoption.adopted_period <= period)
                 .order_by(StandardAdoption.adopted_period.desc(), StandardAdoption.id.desc())
                 .limit(1))
        return self.session.scalars(query).first()

    def history(self, limit: int = 50) -> list[StandardAdoption]:
        """The adoptions, newest first."""
        query = (sa.select(StandardAdoption)
                 .order_by(StandardAdoption.adopted_at.desc(), StandardAdoption.id.desc())
                 .limit(limit))
        return list(self.session.scalars(query))
