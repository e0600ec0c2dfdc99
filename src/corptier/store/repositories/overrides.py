"""Tier overrides as stored: requested, decided, revoked; expiry is read, not stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import Override

OPEN = ("pending", "approved")


class OverrideRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, override: Override) -> Override:
        """Insert `override` and give it its id."""
        self.session.add(override)
        self.session.flush()
        return override

    def get(self, override_id: int, *, for_update: bool = False) -> Override | None:
        return self.session.get(Override, override_id, with_for_update=for_update)

    def transition(self, override_id: int, from_states: tuple[str, ...],
                   **values: object) -> bool:
        """Set `values` on the override only if its state is still one of `from_states`, as
        one conditional UPDATE (no read-then-write race, on SQLite as on PostgreSQL); True
        when this call made the change. The session's copy is refreshed."""
        result = self.session.execute(
            sa.update(Override)
            .where(Override.id == override_id, Override.state.in_(from_states))
            .values(**values)
            .execution_options(synchronize_session=False))
        changed = getattr(result, "rowcount", 0) == 1
        override = self.session.get(Override, override_id)
        if override is not None:
            self.session.refresh(override)
        return changed

    def list(self, *, state: str | None = None, customer_id: str | None = None,
             today: date) -> list[Override]:
        """Overrides by id, filtered by customer and by effective state on `today` (a pending
        or approved override past its end date reads as "expired")."""
        query = sa.select(Override).order_by(Override.id)
        if customer_id is not None:
            query = query.where(Override.customer_id == customer_id)
        if state == "expired":
            query = query.where(Override.state.in_(OPEN), Override.valid_until < today)
        elif state in OPEN:
            query = query.where(Override.state == state, Override.valid_until >= today)
        elif state is not None:
            query = query.where(Override.state == state)
        return list(self.session.scalars(query))

    def decided_through(self, as_of: date) -> Sequence[Override]:
        """Every approved or revoked override valid through `as_of`, in the order they were
        decided (the candidates of a close: which of them applies is the close's rule)."""
        query = (sa.select(Override)
                 .where(Override.state.in_(("approved", "revoked")),
                        Override.valid_until >= as_of)
                 .order_by(Override.decided_at, Override.id))
        return list(self.session.scalars(query))
