"""Tier overrides with approval (maker-checker), over the app database.

A relationship manager (the maker) requests a tier for a customer with a reason and an expiry;
someone else (the checker) approves or rejects it. Only approved, unexpired overrides apply to a
close. Every action writes an append-only audit row (who, when, action, before/after) in the same
transaction as the change.

States stored: pending → approved | rejected; pending or approved → revoked. "expired" is not
stored: a pending or approved override whose `valid_until` date has passed reads as expired
(`effective_state`). An override is valid through its `valid_until` date.

Times are UTC (stored without time zone, like the rest of the app database); "today" is the
UTC date of the injectable `clock`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corptier.errors import ApprovalError, CorptierError, NotFoundError
from corptier.store.db import unit_of_work
from corptier.store.models import AuditLog, Override

Clock = Callable[[], datetime]
STORED_STATES = ("pending", "approved", "rejected", "revoked")
STATES = (*STORED_STATES, "expired")
ENTITY = "override"
_OPEN = ("pending", "approved")


class OverrideRequestError(CorptierError, ValueError):
    """An override request or decision has a missing or invalid field."""

    exit_code = 6


def utc_now() -> datetime:
    return datetime.now(UTC)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def effective_state(override: Override, today: date) -> str:
    """The stored state, or "expired" for a pending or approved one past its date."""
    if override.state in _OPEN and override.valid_until < today:
        return "expired"
    return override.state


# --- the actions ----------------------------------------------------------------------------------
def request_override(engine: Engine, customer_id: str, tier: str, reason: str, until: date,
                     by: str, *, valid_tiers: Collection[str] | None = None,
                     clock: Clock = utc_now) -> Override:
    """Record a pending override of `customer_id` to `tier` until `until` (inclusive).

    `valid_tiers` are the tier codes of the standard in force; without them any code is taken.
    """
    now = _naive_utc(clock())
    customer_id = _text(customer_id, "customer", 40)
    tier = _text(tier, "tier", 40)
    reason = _text(reason, "reason", None)
    by = _text(by, "requested by", 80)
    if valid_tiers is not None and tier not in valid_tiers:
        raise OverrideRequestError(
            f"unknown tier '{tier}'; the standard's tiers are {', '.join(valid_tiers)}")
    if until <= now.date():
        raise OverrideRequestError(
            f"the override must run until a future date; got {until.isoformat()} "
            f"(today is {now.date().isoformat()})")
    with unit_of_work(engine) as session:
        override = Override(customer_id=customer_id, tier=tier, reason=reason,
                            valid_until=until, requested_by=by, requested_at=now,
                            state="pending")
        session.add(override)
        session.flush()
        _audit(session, now, by, "request", override, before=None)
    return override


def approve(engine: Engine, override_id: int, by: str, note: str | None = None, *,
            clock: Clock = utc_now) -> Override:
    """Approve a pending, unexpired override; the approver must not be its requester."""
    return _decide(engine, override_id, by, note, "approved", clock)


def reject(engine: Engine, override_id: int, by: str, note: str | None = None, *,
           clock: Clock = utc_now) -> Override:
    """Reject a pending override; the checker must not be its requester."""
    return _decide(engine, override_id, by, note, "rejected", clock)


def revoke(engine: Engine, override_id: int, by: str, note: str | None = None, *,
           clock: Clock = utc_now) -> Override:
    """Withdraw a pending override or end an approved one early (maker or checker alike).

    The row keeps its decision fields (who approved it); who revoked it, when and why are in
    the audit log (`history`)."""
    now = _naive_utc(clock())
    by = _text(by, "revoked by", 80)
    with unit_of_work(engine) as session:
        override = _get_for_update(session, override_id)
        state = effective_state(override, now.date())
        if state not in _OPEN:
            raise ApprovalError(f"override {override_id} is {state}; only pending or approved "
                                "overrides can be revoked")
        before = _snapshot(override)
        override.state = "revoked"
        _audit(session, now, by, "revoke", override, before=before, note=note)
    return override


def _decide(engine: Engine, override_id: int, by: str, note: str | None, state: str,
            clock: Clock) -> Override:
    now = _naive_utc(clock())
    by = _text(by, "decided by", 80)
    action = "approve" if state == "approved" else "reject"
    with unit_of_work(engine) as session:
        override = _get_for_update(session, override_id)
        if override.state != "pending":
            raise ApprovalError(f"override {override_id} is {override.state}; only pending "
                                f"overrides can be {state}")
        if action == "approve" and override.valid_until < now.date():
            raise ApprovalError(f"override {override_id} expired on "
                                f"{override.valid_until.isoformat()} before it was approved; "
                                "request a new one")
        if _same_person(by, override.requested_by):
            raise ApprovalError(f"override {override_id} was requested by "
                                f"{override.requested_by}; someone else must {action} it "
                                "(maker-checker)")
        before = _snapshot(override)
        override.state = state
        override.decided_by = by
        override.decided_at = now
        override.decision_note = note.strip() if note and note.strip() else None
        _audit(session, now, by, action, override, before=before)
    return override


# --- reading ------------------------------------------------------------------------------------
def get_override(engine: Engine, override_id: int) -> Override:
    with unit_of_work(engine) as session:
        override = session.get(Override, override_id)
        if override is None:
            raise NotFoundError(f"override {override_id} does not exist")
        return override


def list_overrides(engine: Engine, state: str | None = None, customer_id: str | None = None,
                   *, today: date | None = None, clock: Clock = utc_now) -> list[Override]:
    """Overrides by id, filtered by effective state (including "expired") and customer."""
    today = today or _naive_utc(clock()).date()
    query = sa.select(Override).order_by(Override.id)
    if customer_id is not None:
        query = query.where(Override.customer_id == customer_id)
    if state is not None:
        query = query.where(_state_filter(state, today))
    with unit_of_work(engine) as session:
        return list(session.scalars(query))


def _state_filter(state: str, today: date) -> sa.ColumnElement[bool]:
    if state not in STATES:
        raise OverrideRequestError(f"unknown override state '{state}'; use one of "
                                   f"{', '.join(STATES)}")
    if state == "expired":
        return Override.state.in_(_OPEN) & (Override.valid_until < today)
    if state in _OPEN:
        return (Override.state == state) & (Override.valid_until >= today)
    return Override.state == state


def active_overrides(engine: Engine, as_of: date) -> dict[str, Override]:
    """The override that applies to each customer on `as_of`: approved and valid through that
    date; when a customer has several, the one approved last."""
    query = (
        sa.select(Override)
        .where(Override.state == "approved", Override.valid_until >= as_of)
        .order_by(Override.customer_id, Override.decided_at, Override.id)
    )
    with unit_of_work(engine) as session:
        return {o.customer_id: o for o in session.scalars(query)}


def history(engine: Engine, override_id: int) -> list[AuditLog]:
    """The audit rows of one override, oldest first."""
    query = (sa.select(AuditLog)
             .where(AuditLog.entity == ENTITY, AuditLog.entity_id == str(override_id))
             .order_by(AuditLog.id))
    with unit_of_work(engine) as session:
        return list(session.scalars(query))


# --- helpers -------------------------------------------------------------------------------------
def _text(value: str | None, field: str, max_length: int | None) -> str:
    text = (value or "").strip()
    if not text:
        raise OverrideRequestError(f"{field} is required")
    if max_length is not None and len(text) > max_length:
        raise OverrideRequestError(f"{field} is at most {max_length} characters; got "
                                   f"{len(text)}: {text[:20]}…")
    return text


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _get_for_update(session: Session, override_id: int) -> Override:
    override = session.get(Override, override_id, with_for_update=True)
    if override is None:
        raise NotFoundError(f"override {override_id} does not exist")
    return override


def _snapshot(override: Override) -> dict[str, Any]:
    def iso(value: date | datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": override.id,
        "customer_id": override.customer_id,
        "tier": override.tier,
        "reason": override.reason,
        "valid_until": iso(override.valid_until),
        "requested_by": override.requested_by,
        "requested_at": iso(override.requested_at),
        "state": override.state,
        "decided_by": override.decided_by,
        "decided_at": iso(override.decided_at),
        "decision_note": override.decision_note,
    }


def _audit(session: Session, now: datetime, actor: str, action: str, override: Override, *,
           before: dict[str, Any] | None, note: str | None = None) -> None:
    after = _snapshot(override)
    if note and note.strip():
        after["note"] = note.strip()
    session.add(AuditLog(at=now, actor=actor, action=action, entity=ENTITY,
                         entity_id=str(override.id), after=after,
                         before=sa.null() if before is None else before))  # SQL NULL, not 'null'

