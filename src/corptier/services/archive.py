"""The customer archive (客户档案): a customer's profile and the history of its master data
(SCD type 2, derived by the engine from the loaded customers partitions), with the counts of
its contacts and interactions.

Contacts and interactions have their own modules (`services.contacts`,
`services.interactions`); this one reads, it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any

from corptier.crm import master_history as mh
from corptier.errors import NotFoundError
from corptier.services._archive_access import CUSTOMERS, reader
from corptier.services.overrides import Clock, utc_now
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

if TYPE_CHECKING:
    import pyarrow as pa

FIELDS = mh.FIELDS
VISIT_WINDOW_DAYS = 365
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class MasterVersion:
    """One SCD type 2 row: the fields as they were from `valid_from` (a period) until
    `valid_to` (exclusive; None while current); `last_period` is the last period it was seen."""

    valid_from: str
    valid_to: str | None
    last_period: str
    current: bool
    values: dict[str, Any]


@dataclass(frozen=True)
class MasterChange:
    """In `period`, `field` went from `before` to `after`."""

    period: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class CustomerArchive:
    """A customer's archive: the profile (latest master data), its history and the counts of
    contacts and interactions."""

    customer_id: str
    profile: dict[str, Any]
    periods: tuple[str, ...]
    """The loaded periods the customer is in, oldest first."""
    versions: tuple[MasterVersion, ...]
    changes: tuple[MasterChange, ...]
    in_latest_period: bool
    contacts: int
    verified_contacts: int
    primary_contact: str | None
    last_visit: date | None
    visits_12m: int
    upcoming_next_steps: int


def master_data_history(ws: Workspace, customer_id: str) -> list[MasterVersion]:
    """The SCD type 2 rows of one customer, oldest first (empty when it is in no loaded
    period), from one engine query over every loaded customers partition."""
    table = _versions(ws, customer_id)
    if table is None:
        return []
    return [MasterVersion(str(r["valid_from"]), r["valid_to"], str(r["last_period"]),
                          bool(r["current"]), {f: r[f] for f in FIELDS})
            for r in table.to_pylist()]


def master_history_table(ws: Workspace) -> pa.Table:
    """The SCD type 2 rows of every customer as one Arrow table (columns `VERSION_COLUMNS`,
    by customer then version), for exports and checks: one engine query, streamed."""
    import pyarrow as pa

    table = _versions(ws, None)
    if table is None:
        return pa.table({c: pa.array([], pa.string()) for c in mh.VERSION_COLUMNS})
    return table


def _versions(ws: Workspace, customer_id: str | None) -> pa.Table | None:
    from corptier.engine import connect

    periods = [str(p) for p in ws.periods(CUSTOMERS)]
    if not periods:
        return None
    with connect(ws, "duckdb") as con:
        table = con.read(CUSTOMERS, periods)
        if customer_id is not None:
            table = table.filter(table.customer_id == customer_id)
        return con.batches(mh.master_versions(table, periods), BATCH_ROWS).read_all()


def customer_archive(ws: Workspace, customer_id: str, *, viewer: str | None = None,
                     clock: Clock = utc_now) -> CustomerArchive:
    """A customer's profile, master-data timeline and archive counts; NotFoundError when the
    customer is in no loaded period. With users, `viewer` must see the customer."""
    reader(ws, viewer, customer_id)
    versions = master_data_history(ws, customer_id)
    if not versions:
        raise NotFoundError("customer {customer} is not in any loaded period", customer=customer_id)
    today = _today(clock)
    changes = mh.changes([{**v.values, "valid_from": v.valid_from} for v in versions])
    seen = [str(p) for p in ws.periods(CUSTOMERS)
            if any(v.valid_from <= str(p) <= v.last_period for v in versions)]
    with UnitOfWork(ws.db) as uow:
        contacts = uow.contacts.of_customer(customer_id)
        last_visit, visits, upcoming = uow.interactions.summary(
            customer_id, today - timedelta(days=VISIT_WINDOW_DAYS), today)
    primary = next((c.name for c in contacts if c.is_primary), None)
    return CustomerArchive(
        customer_id=customer_id, profile=dict(versions[-1].values), periods=tuple(seen),
        versions=tuple(versions),
        changes=tuple(MasterChange(c.period, c.field, c.before, c.after) for c in changes),
        in_latest_period=versions[-1].current, contacts=len(contacts),
        verified_contacts=sum(1 for c in contacts if c.verified_on is not None),
        primary_contact=primary, last_visit=last_visit, visits_12m=visits,
        upcoming_next_steps=upcoming)


def _today(clock: Clock) -> date:
    now = clock()
    return (now.astimezone(UTC) if now.tzinfo else now).date()
