"""The append-only, hash-chained audit log: who did what, when, with the state before and after.

Appends are serialised: `record` first locks the log's head row (a row lock on PostgreSQL, the
database write lock on SQLite), so two writers cannot link to the same previous entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.audit_chain import ChainCheck, check_chain, entry_hash
from corptier.store.models import AuditHead, AuditLog

HEAD_ID = 1


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, at: datetime, actor: str, action: str, entity: str, entity_id: str, *,
               before: Mapping[str, Any] | None = None,
               after: Mapping[str, Any] | None = None) -> AuditLog:
        """Append one entry linked to the last one; a missing before/after is stored as SQL
        NULL (not JSON 'null'). The head stays locked until the transaction ends."""
        at = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
        before_doc = None if before is None else dict(before)
        after_doc = None if after is None else dict(after)
        head_seq, prev = self._lock_head()
        seq = head_seq + 1
        digest = entry_hash(seq, at, actor, action, entity, entity_id, before_doc, after_doc,
                            prev)
        entry = AuditLog(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                         before=sa.null() if before_doc is None else before_doc,
                         after=sa.null() if after_doc is None else after_doc,
                         seq=seq, prev_hash=prev, entry_hash=digest)
        self.session.add(entry)
        self.session.execute(sa.update(AuditHead).where(AuditHead.id == HEAD_ID)
                             .values(seq=seq, last_hash=digest))
        return entry

    def _lock_head(self) -> tuple[int, str]:
        """Take the append lock (a write to the head row) and read the last link."""
        locked = self.session.execute(sa.update(AuditHead).where(AuditHead.id == HEAD_ID)
                                      .values(seq=AuditHead.seq))
        if locked.rowcount != 1:  # type: ignore[attr-defined]
            raise RuntimeError("the audit log's head record is missing; run `corptier audit "
                               "verify`")
        row = self.session.execute(sa.select(AuditHead.seq, AuditHead.last_hash)
                                   .where(AuditHead.id == HEAD_ID)).one()
        return int(row.seq), str(row.last_hash)

    def for_entity(self, entity: str, entity_id: str) -> list[AuditLog]:
        """The entries of one entity, oldest first."""
        query = (sa.select(AuditLog)
                 .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                 .order_by(AuditLog.id))
        return list(self.session.scalars(query))

    def verify(self) -> ChainCheck:
        """Walk the whole chain in id order (streamed) and name its first broken link."""
        head = self.session.get(AuditHead, HEAD_ID)
        rows: Iterable[AuditLog] = self.session.scalars(
            sa.select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=1000))
        return check_chain(rows, head.seq if head else None, head.last_hash if head else None)

    def latest_for(self, entity: str, entity_ids: Iterable[str], *,
                   before_id: int | None = None,
                   until: datetime | None = None) -> dict[str, AuditLog]:
        """The last entry of each of `entity_ids`, among entries with id below `before_id`
        (the trusted part of a chain broken there; all entries when None) and, with `until`,
        made at or before that time."""
        ids = sorted(set(entity_ids))
        if not ids:
            return {}
        query = (sa.select(AuditLog)
                 .where(AuditLog.entity == entity, AuditLog.entity_id.in_(ids))
                 .order_by(AuditLog.id))
        if before_id is not None:
            query = query.where(AuditLog.id < before_id)
        if until is not None:
            query = query.where(AuditLog.at <= until)
        return {e.entity_id: e for e in self.session.scalars(query)}

    def first_at(self, action: str, entity: str, entity_id: str) -> datetime | None:
        """When `action` was first recorded of one entity (e.g. a period's first close)."""
        return self.session.scalar(
            sa.select(sa.func.min(AuditLog.at)).where(
                AuditLog.action == action, AuditLog.entity == entity,
                AuditLog.entity_id == entity_id))

    def latest(self, limit: int, *, actor: str | None = None, action: str | None = None,
               entity: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> list[AuditLog]:
        """The newest `limit` entries, newest first, of one actor, action and/or entity, made
        at or after `since` and before `until` (UTC, naive)."""
        query = sa.select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditLog.actor == actor)
        if action:
            query = query.where(AuditLog.action == action)
        if entity:
            query = query.where(AuditLog.entity == entity)
        if since is not None:
            query = query.where(AuditLog.at >= since)
        if until is not None:
            query = query.where(AuditLog.at < until)
        return list(self.session.scalars(query))
