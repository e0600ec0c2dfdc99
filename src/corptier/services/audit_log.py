"""The audit log as its readers see it: newest first, filtered by actor and action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from corptier.services.access import Principal, require
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

MAX_ENTRIES = 500


@dataclass(frozen=True)
class AuditRow:
    seq: int | None
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_entries(ws: Workspace, who: Principal, *, actor: str | None = None,
                  action: str | None = None, limit: int = MAX_ENTRIES) -> list[AuditRow]:
    """The latest `limit` entries (for admin, auditor and risk), newest first."""
    require(who, "read_audit")
    with UnitOfWork(ws.db) as uow:
        found = uow.audit.latest(min(limit, MAX_ENTRIES), actor=actor, action=action)
        return [AuditRow(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.before,
                         r.after) for r in found]
