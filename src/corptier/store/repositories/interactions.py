"""Interactions with customers as stored: added one at a time or in bulk (an import), listed by
customer, and counted for the archive's profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import Interaction

CHUNK = 1000
VISIT_TYPES = ("visit",)
"""The types that count as a visit (`corptier.crm.interactions.VISIT_TYPES`)."""


class InteractionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, interaction: Interaction) -> Interaction:
        self.session.add(interaction)
        self.session.flush()
        return interaction

    def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert rows in bulk, a chunk at a time; their ids in order."""
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            result = self.session.execute(
                sa.insert(Interaction).returning(Interaction.id, sort_by_parameter_order=True),
                list(rows[start:start + CHUNK]))
            ids.extend(int(r[0]) for r in result)
        return ids

    def keys_between(self, customer_ids: Sequence[str], first: date, last: date
                     ) -> dict[tuple[Any, ...], int]:
        """(customer, date, type, purpose, summary) → id of the interactions of those customers
        from `first` to `last`: what an import must not record twice."""
        found: dict[tuple[Any, ...], int] = {}
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), CHUNK):
            rows = self.session.execute(
                sa.select(Interaction.customer_id, Interaction.occurred_on, Interaction.type,
                          Interaction.purpose, Interaction.summary, Interaction.id)
                .where(Interaction.customer_id.in_(ids[start:start + CHUNK]),
                       Interaction.occurred_on >= first, Interaction.occurred_on <= last))
            for row in rows:
                found.setdefault(tuple(row[:5]), int(row[5]))
        return found

    def of_customer(self, customer_id: str, *, since: date | None = None,
                    limit: int = 500) -> list[Interaction]:
        """A customer's interactions, latest first."""
        query = (sa.select(Interaction).where(Interaction.customer_id == customer_id)
                 .order_by(Interaction.occurred_on.desc(), Interaction.id.desc()).limit(limit))
        if since is not None:
            query = query.where(Interaction.occurred_on >= since)
        return list(self.session.scalars(query))

    def summary(self, customer_id: str, since: date, today: date) -> tuple[Any, int, int]:
        """(date of the last visit, visits since `since`, open next steps due from today)."""
        visit = Interaction.type == "visit"
        row = self.session.execute(
            sa.select(sa.func.max(sa.case((visit, Interaction.occurred_on))),
                      sa.func.sum(sa.case((sa.and_(visit, Interaction.occurred_on >= since), 1),
                                          else_=0)),
                      sa.func.sum(sa.case((Interaction.next_step_due >= today, 1), else_=0)))
            .where(Interaction.customer_id == customer_id)).one()
        return row[0], int(row[1] or 0), int(row[2] or 0)

    def any_logged(self, until: date) -> bool:
        """Whether any interaction is logged on or before `until`."""
        return self.session.execute(
            sa.select(Interaction.id).where(Interaction.occurred_on <= until).limit(1)
        ).first() is not None

    def visit_columns(self, since: date, until: date, customer_ids: Sequence[str] | None = None
                      ) -> dict[str, list[Any]] | None:
        """Per customer visited up to `until`: the last visit's date and the visits from
        `since`, as columns for the engine (one grouped query; only `customer_ids` when given);
        None when no interaction of any type is logged up to `until` (a workspace that keeps no
        interactions)."""
        logged = self.session.execute(
            sa.select(Interaction.id).where(Interaction.occurred_on <= until).limit(1)).first()
        if logged is None:
            return None
        recent = sa.case((Interaction.occurred_on >= since, 1), else_=0)
        rows = self.session.execute(
            sa.select(Interaction.customer_id,
                      sa.func.max(Interaction.occurred_on, type_=sa.Date),
                      sa.func.sum(recent))
            .where(Interaction.type.in_(VISIT_TYPES), Interaction.occurred_on <= until,
                   sa.true() if customer_ids is None
                   else Interaction.customer_id.in_(list(customer_ids)))
            .group_by(Interaction.customer_id))
        out: dict[str, list[Any]] = {"customer_id": [], "last_visit": [], "visits_12m": []}
        for customer_id, last, count in rows:
            out["customer_id"].append(customer_id)
            out["last_visit"].append(last)
            out["visits_12m"].append(int(count or 0))
        return out
