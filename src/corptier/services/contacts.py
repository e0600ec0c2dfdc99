"""Customer contacts: list (masked unless the viewer may see them in full, every full view
audited), export as CSV (masked the same way), add, edit with optimistic locking (a stale edit
is refused naming who changed the contact), remove; every change audited with before/after."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from corptier.crm import contacts as rules
from corptier.csv_safety import CSV_ENCODING, neutralise
from corptier.errors import ApprovalError, NotFoundError, RequestError
from corptier.services._archive_access import customer_rm, editor, full_viewer, reader
from corptier.services.overrides import Clock, utc_now
from corptier.store import UnitOfWork
from corptier.store.models import Contact
from corptier.workspace import Workspace

ROLES = rules.ROLES
EXPORT_COLUMNS = ("id", "customer_id", "role", "name", "phone", "email", "position",
                  "verified_on", "primary", "version")


@dataclass(frozen=True)
class ContactView:
    """A contact as shown: phone and e-mail masked unless `masked` is False."""

    id: int
    customer_id: str
    role: str
    name: str
    phone: str | None
    email: str | None
    position: str | None
    verified_on: date | None
    primary: bool
    version: int
    updated_by: str
    updated_at: datetime
    masked: bool


def list_contacts(ws: Workspace, customer_id: str, *, full: bool = False,
                  viewer: str | None = None, clock: Clock = utc_now) -> list[ContactView]:
    """A customer's contacts, primary first. Phone and e-mail are masked unless `full`: then
    `viewer` must be allowed to see them (with users: admin, branch head, team head or RM of a
    customer in their book) and the view is written to the audit log."""
    return _contacts(ws, customer_id, full, viewer, "list", clock)


def _contacts(ws: Workspace, customer_id: str, full: bool, viewer: str | None, purpose: str,
              clock: Clock) -> list[ContactView]:
    if not full:
        reader(ws, viewer, customer_id)
        with UnitOfWork(ws.db) as uow:
            return [_view(c, masked=True) for c in uow.contacts.of_customer(customer_id)]
    name = full_viewer(ws, viewer, customer_id)
    with UnitOfWork(ws.db) as uow:
        found = uow.contacts.of_customer(customer_id)
        _log_full_view(uow, name, customer_id, found, purpose, clock)
        return [_view(c, masked=False) for c in found]


def export_contacts(ws: Workspace, customer_id: str, out: Path | str, *, full: bool = False,
                    viewer: str | None = None, clock: Clock = utc_now) -> int:
    """Write the customer's contacts to a CSV file (masked unless `full`, as `list_contacts`;
    cells a spreadsheet would run are neutralised); returns how many."""
    rows = _contacts(ws, customer_id, full, viewer, "export", clock)
    with open(out, "w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for c in rows:
            writer.writerow([neutralise(v) for v in (
                c.id, c.customer_id, c.role, c.name, c.phone or "", c.email or "",
                c.position or "", c.verified_on.isoformat() if c.verified_on else "",
                "1" if c.primary else "0", c.version)])
    return len(rows)


def add_contact(ws: Workspace, customer_id: str, by: str | None, *, role: str, name: str,
                phone: str | None = None, email: str | None = None,
                position: str | None = None, verified_on: date | str | None = None,
                primary: bool = False, clock: Clock = utc_now) -> ContactView:
    """Add a contact to a customer of the latest loaded period (audited); a new primary
    contact of a role makes the role's former primary an ordinary contact."""
    now = _naive(clock())
    by = editor(ws, by, customer_id)
    customer_rm(ws, customer_id)
    fields = rules.check_contact({"role": role, "name": name, "phone": phone, "email": email,
                                  "position": position, "verified_on": verified_on,
                                  "primary": primary}, _latest_day(now))
    with UnitOfWork(ws.db) as uow:
        if fields["primary"]:
            _demote_primaries(uow, customer_id, fields["role"], None, by, now)
        contact = uow.contacts.add(Contact(
            customer_id=customer_id, **_columns(fields), version=1, created_by=by,
            created_at=now, updated_by=by, updated_at=now))
        uow.audit.record(now, by, "add", rules.ENTITY, str(contact.id),
                         after=rules.snapshot(contact))
        view = _view(contact, masked=False)
    _key_contact_edited(ws, customer_id, (view.role,), by, clock)
    return view


def edit_contact(ws: Workspace, contact_id: int, version: int, by: str | None, *,
                 clock: Clock = utc_now, **changes: Any) -> ContactView:
    """Change some fields of a contact the editor read at `version`; ApprovalError naming who
    changed it when it is no longer at that version (nothing is changed then)."""
    unknown = set(changes) - set(rules.FIELDS)
    if unknown:
        raise RequestError("unknown contact field(s): {unknown}",
                           unknown=", ".join(sorted(unknown)))
    now = _naive(clock())
    with UnitOfWork(ws.db) as uow:
        contact = _get(uow, contact_id)
        by = editor(ws, by, contact.customer_id)
        if contact.version != version:
            raise _stale(uow, contact_id, version)
        before = rules.snapshot(contact)
        current = {"role": contact.role, "name": contact.name, "phone": contact.phone,
                   "email": contact.email, "position": contact.position,
                   "verified_on": contact.verified_on, "primary": contact.is_primary}
        fields = rules.check_contact({**current, **changes}, _latest_day(now))
        if not uow.contacts.update_at_version(contact_id, version, **_columns(fields),
                                              updated_by=by, updated_at=now):
            raise _stale(uow, contact_id, version)
        if fields["primary"]:
            _demote_primaries(uow, contact.customer_id, fields["role"], contact_id, by, now)
        uow.audit.record(now, by, "edit", rules.ENTITY, str(contact_id), before=before,
                         after=rules.snapshot(contact))
        view = _view(contact, masked=False)
    _key_contact_edited(ws, view.customer_id, (before["role"], view.role), by, clock)
    return view


def remove_contact(ws: Workspace, contact_id: int, version: int, by: str | None, *,
                   clock: Clock = utc_now) -> ContactView:
    """Remove a contact the editor read at `version` (audited with the contact as it was)."""
    now = _naive(clock())
    with UnitOfWork(ws.db) as uow:
        contact = _get(uow, contact_id)
        by = editor(ws, by, contact.customer_id)
        if contact.version != version:
            raise _stale(uow, contact_id, version)
        before = rules.snapshot(contact)
        view = _view(contact, masked=False)
        if not uow.contacts.delete_at_version(contact_id, version):
            raise _stale(uow, contact_id, version)
        uow.audit.record(now, by, "remove", rules.ENTITY, str(contact_id), before=before)
    _key_contact_edited(ws, view.customer_id, (view.role,), by, clock)
    return view


def _key_contact_edited(ws: Workspace, customer_id: str, roles: tuple[str, ...], by: str,
                        clock: Clock) -> None:
    """After a change to a key contact (法定代表人, 实际控制人), the customer's archive alerts
    are evaluated again (`corptier.services.archive_alerts`)."""
    from corptier.crm.alert_archive import KEY_CONTACT_ROLES
    from corptier.services.archive_alerts import reevaluate_archive_alerts

    if set(roles) & set(KEY_CONTACT_ROLES):
        reevaluate_archive_alerts(ws, [customer_id], by, clock=clock)


def _demote_primaries(uow: UnitOfWork, customer_id: str, role: str, keep: int | None,
                      by: str, now: datetime) -> None:
    """Make the other primary contacts of the role ordinary ones (each change audited)."""
    for other in uow.contacts.primaries(customer_id, role, besides=keep):
        before = rules.snapshot(other)
        if not uow.contacts.update_at_version(other.id, other.version, is_primary=False,
                                              updated_by=by, updated_at=now):
            raise _stale(uow, other.id, other.version)
        uow.audit.record(now, by, "edit", rules.ENTITY, str(other.id), before=before,
                         after=rules.snapshot(other))


def _log_full_view(uow: UnitOfWork, viewer: str, customer_id: str, found: list[Contact],
                   purpose: str, clock: Clock) -> None:
    uow.audit.record(_naive(clock()), viewer, "view_full", "customer_contacts", customer_id,
                     after={"customer_id": customer_id, "purpose": purpose,
                            "contacts": [c.id for c in found]})


def _stale(uow: UnitOfWork, contact_id: int, version: int) -> ApprovalError:
    """The error of an edit made on an old version: who changed the contact since, and when."""
    uow.session.expire_all()
    contact = uow.contacts.get(contact_id)
    if contact is None:
        entries = uow.audit.for_entity(rules.ENTITY, str(contact_id))
        last = entries[-1] if entries else None
        if last is None:
            return ApprovalError("contact {id} was removed; nothing was changed", id=contact_id)
        return ApprovalError("contact {id} was removed by {by} at {at:%Y-%m-%d %H:%M} UTC; nothing "
                             "was changed", id=contact_id, by=last.actor, at=last.at)
    return ApprovalError("contact {id} was changed by {updated_by} at {updated_at:%Y-%m-%d %H:%M} "
                         "UTC (now version {version}; you edited version {edited}); nothing was "
                         "changed: list the contacts again and redo the edit", id=contact_id,
                         updated_by=contact.updated_by, updated_at=contact.updated_at,
                         version=contact.version, edited=version)


def _get(uow: UnitOfWork, contact_id: int) -> Contact:
    contact = uow.contacts.get(contact_id)
    if contact is None:
        raise NotFoundError("contact {id} does not exist", id=contact_id)
    return contact


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["is_primary"] = out.pop("primary")
    return out


def _view(c: Contact, *, masked: bool) -> ContactView:
    return ContactView(
        id=c.id, customer_id=c.customer_id, role=c.role, name=c.name,
        phone=rules.mask_phone(c.phone) if masked else c.phone,
        email=rules.mask_email(c.email) if masked else c.email, position=c.position,
        verified_on=c.verified_on, primary=bool(c.is_primary), version=c.version,
        updated_by=c.updated_by, updated_at=c.updated_at, masked=masked)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _latest_day(now: datetime) -> date:
    """The latest date a user may give for something that has happened: today in UTC, plus a
    day, since a branch east of UTC (China is UTC+8) is a day ahead for part of each day."""
    return now.date() + timedelta(days=1)
