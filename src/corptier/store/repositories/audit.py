"""The append-only audit log: who did what, when, with the state before and after."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import AuditLog


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, at: datetime, actor: str, action: str, entity: str, entity_id: str, *,
               before: Mapping[str, Any] | None = None,
               after: Mapping[str, Any] | None = None) -> None:
        """Append one entry; a missing before/after is stored as SQL NULL (not JSON 'null')."""
        self.session.add(AuditLog(
            at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
            before=sa.null() if before is None else dict(before),
            after=sa.null() if after is None else dict(after),
        ))

    def for_entity(self, entity: str, entity_id: str) -> list[AuditLog]:
        """The entries of one entity, oldest first."""
        query = (sa.select(AuditLog)
                 .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                 .order_by(AuditLog.id))
        return list(self.session.scalars(query))
