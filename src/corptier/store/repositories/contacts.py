"""Customer contacts as stored: listed by customer, added, changed only at the version the
editor read (optimistic locking), removed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import AuditLog, Contact

CONTACT_ENTITY = "contact"
"""The audit log's entity of a contact (`corptier.crm.contacts.ENTITY`)."""
CHANGE_ACTIONS = ("add", "edit", "remove")
CHUNK = 1000


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_customer(self, customer_id: str) -> list[Contact]:
        """A customer's contacts: primary first, then by role and id."""
        return list(self.session.scalars(
            sa.select(Contact).where(Contact.customer_id == customer_id)
            .order_by(Contact.is_primary.desc(), Contact.role, Contact.id)))

    def get(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def add(self, contact: Contact) -> Contact:
        self.session.add(contact)
        self.session.flush()
        return contact

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert rows in bulk, a chunk at a time; their ids in order."""
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            result = self.session.execute(
                sa.insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
                list(rows[start:start + CHUNK]))
            ids.extend(int(r[0]) for r in result)
        return ids

    def known(self, customer_ids: Sequence[str]) -> dict[tuple[str, str, str], tuple[int, bool]]:
        """(customer, role, name) → (id, primary) of the contacts of those customers."""
        found: dict[tuple[str, str, str], tuple[int, bool]] = {}
        unique = sorted(set(customer_ids))
        for start in range(0, len(unique), CHUNK):
            for r in self.session.execute(
                    sa.select(Contact.customer_id, Contact.role, Contact.name, Contact.id,
                              Contact.is_primary)
                    .where(Contact.customer_id.in_(unique[start:start + CHUNK]))):
                found[(r[0], r[1], r[2])] = (int(r[3]), bool(r[4]))
        return found

    def update_at_version(self, contact_id: int, version: int, **values: Any) -> bool:
        """Change the contact as one conditional UPDATE when it is still at `version` (the
        version goes up by one); True when this call changed it."""
        result = self.session.execute(
            sa.update(Contact).where(Contact.id == contact_id, Contact.version == version)
            .values(version=version + 1, **values)
            .execution_options(synchronize_session=False))
        self._refresh(contact_id)
        return getattr(result, "rowcount", 0) == 1

    def delete_at_version(self, contact_id: int, version: int) -> bool:
        result = self.session.execute(
            sa.delete(Contact).where(Contact.id == contact_id, Contact.version == version)
            .execution_options(synchronize_session=False))
        return getattr(result, "rowcount", 0) == 1

    def primaries(self, customer_id: str, role: str, *, besides: int | None = None
                  ) -> list[Contact]:
        """The customer's primary contacts of `role` other than `besides`."""
        query = sa.select(Contact).where(Contact.customer_id == customer_id,
                                         Contact.role == role, Contact.is_primary.is_(True))
        if besides is not None:
            query = query.where(Contact.id != besides)
        return list(self.session.scalars(query))

    def _refresh(self, contact_id: int) -> None:
        contact = self.session.get(Contact, contact_id)
        if contact is not None:
            self.session.refresh(contact)

    def keeps_contacts(self) -> bool:
        """Whether the workspace keeps contacts at all (one now, or one ever changed)."""
        contact = self.session.execute(sa.select(Contact.id).limit(1)).first()
        return contact is not None or self.session.execute(
            sa.select(AuditLog.id).where(AuditLog.entity == CONTACT_ENTITY).limit(1)
        ).first() is not None

    def verified_roles(self, until: date, customer_ids: Sequence[str] | None = None
                       ) -> dict[str, list[Any]]:
        """(customer_id, role) of every role with a contact verified on or before `until`, as
        columns for the engine (one query; only `customer_ids` when given)."""
        query = (sa.select(Contact.customer_id, Contact.role).distinct()
                 .where(Contact.verified_on.is_not(None), Contact.verified_on <= until))
        if customer_ids is not None:
            query = query.where(Contact.customer_id.in_(list(customer_ids)))
        rows = self.session.execute(query).all()
        return {"customer_id": [r[0] for r in rows], "role": [r[1] for r in rows]}

    def changed_customers(self, roles: Sequence[str], start: datetime, end: datetime,
                          customer_ids: Sequence[str] | None = None) -> list[str]:
        """The customers (of `customer_ids` when given) one of whose contacts of `roles` was
        added, edited or removed from `start` to before `end`, read from the audit log's
        before/after (one query)."""
        before, after = AuditLog.before, AuditLog.after
        customer = sa.func.coalesce(after["customer_id"].as_string(),
                                    before["customer_id"].as_string())
        rows = self.session.execute(
            sa.select(customer).distinct()
            .where(AuditLog.entity == CONTACT_ENTITY,
                   AuditLog.action.in_(CHANGE_ACTIONS),
                   AuditLog.at >= start, AuditLog.at < end,
                   sa.or_(after["role"].as_string().in_(list(roles)),
                          before["role"].as_string().in_(list(roles)))))
        wanted = None if customer_ids is None else set(customer_ids)
        return sorted(str(r[0]) for r in rows
                      if r[0] is not None and (wanted is None or str(r[0]) in wanted))
