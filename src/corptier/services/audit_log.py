"""The audit log as its readers see it: newest first, filtered by actor, action, entity and
date range, and exported as CSV (formula cells neutralised, UTF-8 with BOM) for auditors."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from corptier.csv_safety import BOM, neutralise
from corptier.errors import ParameterError
from corptier.services.access import Principal, require
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

MAX_ENTRIES = 500
EXPORT_LIMIT = 100_000
"""Rows of one CSV export (newest first); narrow the filters for older entries."""
CSV_COLUMNS = ("seq", "at", "actor", "action", "entity", "entity_id", "before", "after")


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


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: exact actor, action and entity; days from `since` to `until` (UTC,
    both included, as YYYY-MM-DD)."""

    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    since: str | None = None
    until: str | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The date range as [start, end) datetimes; ParameterError on a malformed day."""
        start = _day(self.since, "since")
        end = _day(self.until, "until")
        return (None if start is None else datetime.combine(start, time()),
                None if end is None else datetime.combine(end + timedelta(days=1), time()))


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError("{name} must be a day as YYYY-MM-DD; got {value!r}", name=name,
                             value=text[:20]) from None


def audit_entries(ws: Workspace, who: Principal, *, actor: str | None = None,
                  action: str | None = None, limit: int = MAX_ENTRIES,
                  where: AuditFilter | None = None) -> list[AuditRow]:
    """The latest `limit` entries (for admin, auditor and risk), newest first."""
    require(who, "read_audit")
    where = where or AuditFilter(actor=actor, action=action)
    return _entries(ws, where, min(limit, MAX_ENTRIES))


def _entries(ws: Workspace, where: AuditFilter, limit: int) -> list[AuditRow]:
    since, until = where.bounds()
    with UnitOfWork(ws.db) as uow:
        found = uow.audit.latest(limit, actor=where.actor, action=where.action,
                                 entity=where.entity, since=since, until=until)
        return [AuditRow(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.before,
                         r.after) for r in found]


def export_audit_csv(ws: Workspace, who: Principal, where: AuditFilter) -> bytes:
    """The entries `where` selects (newest first, at most EXPORT_LIMIT) as CSV bytes: UTF-8
    with BOM, before/after as JSON, every cell a spreadsheet would run neutralised."""
    require(who, "export_audit")
    rows = _entries(ws, where, EXPORT_LIMIT)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([neutralise(cell) for cell in (
            r.seq, r.at.isoformat(sep=" "), r.actor, r.action, r.entity, r.entity_id,
            _json(r.before), _json(r.after))])
    return BOM + buffer.getvalue().encode("utf-8")


def _json(doc: dict[str, Any] | None) -> str:
    return "" if doc is None else json.dumps(doc, ensure_ascii=False, sort_keys=True,
                                             default=str)
