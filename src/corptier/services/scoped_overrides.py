"""Overrides as a web or API user acts on them: the role's permission and the data scope are
checked here, then the maker-checker use cases of `services.overrides` do the rest (the audit
log records the user)."""

from __future__ import annotations

from datetime import date

from corptier.errors import NotFoundError
from corptier.services import overrides as core
from corptier.services.access import Principal, require
from corptier.services.book import check_in_scope, in_scope
from corptier.workspace import Workspace

MAX_ID = 2**31 - 1
"""The largest id an override can have (an INTEGER column on every database)."""


def scoped_overrides(ws: Workspace, who: Principal, state: str | None = None,
                     customer_id: str | None = None) -> list[core.OverrideView]:
    """The overrides of the customers `who` sees, by id (a role without a book sees none)."""
    if not who.can("read_book"):
        return []
    found = core.list_overrides(ws, state, customer_id)
    visible = in_scope(ws, who, sorted({o.customer_id for o in found}))
    return [o for o in found if o.customer_id in visible]


def scoped_override(ws: Workspace, who: Principal, override_id: int) -> core.OverrideView:
    """One override, when its customer is in `who`'s scope; NotFoundError otherwise."""
    require(who, "read_book")
    if not 0 < override_id <= MAX_ID:
        raise NotFoundError("override {id} does not exist", id=override_id)
    override = core.get_override(ws, override_id)
    if not in_scope(ws, who, [override.customer_id]):
        raise NotFoundError("override {id} does not exist", id=override_id)
    return override


def request_as(ws: Workspace, who: Principal, customer_id: str, tier: str, reason: str,
               until: date | str, *, risk_exception: str | None = None,
               valid_from: date | str | None = None) -> core.OverrideView:
    """Request an override of a customer in `who`'s book (see `core.request_override`)."""
    require(who, "request_override")
    check_in_scope(ws, who, customer_id)
    return core.request_override(ws, customer_id, tier, reason, until, who.name,
                                 risk_exception=risk_exception, valid_from=valid_from)


def decide_as(ws: Workspace, who: Principal, override_id: int, approve: bool,
              note: str | None = None) -> core.OverrideView:
    """Approve or reject a pending override of a customer in `who`'s scope (maker ≠ checker is
    the core's rule)."""
    require(who, "decide_override")
    scoped_override(ws, who, override_id)
    decide = core.approve_override if approve else core.reject_override
    return decide(ws, override_id, who.name, note)


def revoke_as(ws: Workspace, who: Principal, override_id: int,
              note: str | None = None) -> core.OverrideView:
    require(who, "revoke_override")
    scoped_override(ws, who, override_id)
    return core.revoke_override(ws, override_id, who.name, note)


def scoped_history(ws: Workspace, who: Principal, override_id: int) -> list[core.AuditEntry]:
    scoped_override(ws, who, override_id)
    return core.override_history(ws, override_id)
