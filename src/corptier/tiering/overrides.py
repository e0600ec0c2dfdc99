"""Tier override rules (maker-checker), pure: what a request must hold and which decisions are
allowed. Persistence and the audit trail are the services' (`corptier.services.overrides`).

A relationship manager (the maker) requests a tier for a customer with a reason and an expiry;
someone else (the checker) approves or rejects it. Only approved, unexpired overrides apply to a
close.

States stored: pending → approved | rejected; pending or approved → revoked. "expired" is not
stored: a pending or approved override whose `valid_until` date has passed reads as expired
(`effective_state`). An override is valid through its `valid_until` date, from its `valid_from`
date (its approval date when not given).

Which overrides a close of a period applies (`in_force_for_period`): those in force when the
period was first published, plus, on a re-close, those approved since whose `valid_from` is on
or before the period's end; a revocation does not rewrite a closed period. An override whose
tier is better than an immediate cap that fires needs a `risk_exception` (tiering/results.py).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, Protocol

from corptier.errors import ApprovalError, RequestError
from corptier.identity import normalise_name, same_user

STORED_STATES = ("pending", "approved", "rejected", "revoked")
STATES = (*STORED_STATES, "expired")
OPEN = ("pending", "approved")
ENTITY = "override"


class OverrideRecord(Protocol):
    """What the rules read of an override, however it is stored."""

    id: int
    customer_id: str
    tier: str
    reason: str
    valid_until: date
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    risk_exception: str | None
    valid_from: date | None


RISK_EXCEPTION_MAX = 2000
"""The longest risk exception taken (as long as a reason on the web form)."""


def effective_state(override: OverrideRecord, today: date) -> str:
    """The stored state, or "expired" for a pending or approved one past its date."""
    if override.state in OPEN and override.valid_until < today:
        return "expired"
    return override.state


def check_state_filter(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise RequestError("unknown override state '{state}'; use one of {states}",
                           state=state, states=", ".join(STATES))


def check_request(customer_id: str, tier: str, reason: str, until: date, by: str, today: date,
                  valid_tiers: Collection[str] | None, *, risk_exception: str | None = None,
                  valid_from: date | None = None) -> dict[str, Any]:
    """The cleaned fields of a request, or RequestError naming the first bad one.

    `valid_tiers` are the tier codes of the standard in force; without them any code is taken.
    A blank `risk_exception` is none; `valid_from` None means "from the approval date".
    """
    fields = {
        "customer_id": required(customer_id, "customer", 40),
        "tier": required(tier, "tier", 40),
        "reason": required(reason, "reason", None),
        "requested_by": normalise_name(by, "requested by"),
        "valid_until": until,
        "risk_exception": optional(risk_exception, "risk exception", RISK_EXCEPTION_MAX),
        "valid_from": valid_from,
    }
    if valid_tiers is not None and fields["tier"] not in valid_tiers:
        raise RequestError("unknown tier '{tier}'; the standard's tiers are {tiers}",
                           tier=fields["tier"], tiers=", ".join(valid_tiers))
    if until <= today:
        raise RequestError("the override must run until a future date; got {until} (today is "
                           "{today})", until=until.isoformat(), today=today.isoformat())
    if valid_from is not None and valid_from > until:
        raise RequestError("the override must start on or before its end date; got valid from "
                           "{start} after {until}", start=valid_from.isoformat(),
                           until=until.isoformat())
    return fields


def starts_on(override: OverrideRecord) -> date | None:
    """The first day `override` applies: its `valid_from`, else its approval date (None while
    it is undecided)."""
    if override.valid_from is not None:
        return override.valid_from
    return None if override.decided_at is None else override.decided_at.date()


def in_force_for_period(override: OverrideRecord, period_end: date, *, first_close: bool,
                        approved_then: bool, approved_now: bool) -> bool:
    """Whether a close of the period ending `period_end` applies `override` (its tier is valid
    through `period_end`, which the caller has checked).

    `approved_then`: its approval stood (attested, not yet revoked) when the period was first
    published; `approved_now`: it stands now. A first close applies what stands now; a
    re-close applies what stood at the first publication (a later revocation does not rewrite
    it) and what was approved since only when it starts on or before the period's end. Either
    way an override asked to start later than both the period's end and its approval (a future
    `valid_from`) does not apply yet.
    """
    start = starts_on(override)
    if start is None:
        return False
    approved = override.decided_at.date() if override.decided_at is not None else start
    started = start <= max(period_end, approved)
    if first_close:
        return approved_now and started
    return (approved_then and started) or (approved_now and start <= period_end)


def check_decision(override: OverrideRecord, by: str, action: str, today: date) -> None:
    """Raise ApprovalError unless `by` may `action` ("approve" or "reject") `override` today."""
    done = "approved" if action == "approve" else "rejected"
    if override.state != "pending":
        raise ApprovalError("override {id} is {state}; only pending overrides can be {done}",
                            id=override.id, state=override.state, done=done)
    if action == "approve" and override.valid_until < today:
        raise ApprovalError("override {id} expired on {until} before it was approved; request "
                            "a new one", id=override.id, until=override.valid_until.isoformat())
    if same_person(by, override.requested_by):
        raise ApprovalError("override {id} was requested by {by}; someone else must {action} "
                            "it (maker-checker)", id=override.id, by=override.requested_by,
                            action=action)


def check_revocation(override: OverrideRecord, today: date) -> None:
    """Raise ApprovalError unless `override` is pending or approved (and unexpired) today."""
    state = effective_state(override, today)
    if state not in OPEN:
        raise ApprovalError("override {id} is {state}; only pending or approved overrides can "
                            "be revoked", id=override.id, state=state)


def required(value: str | None, field: str, max_length: int | None) -> str:
    """`value` stripped; RequestError when it is empty or longer than `max_length`."""
    text = (value or "").strip()
    if not text:
        raise RequestError("{field} is required", field=field)
    if max_length is not None and len(text) > max_length:
        raise RequestError("{field} is at most {limit} characters; got {length}: {start}…",
                           field=field, limit=max_length, length=len(text), start=text[:20])
    return text


def optional(value: str | None, field: str, max_length: int) -> str | None:
    """`value` stripped, None when blank; RequestError when longer than `max_length`."""
    text = (value or "").strip()
    if not text:
        return None
    return required(text, field, max_length)


def same_person(a: str, b: str) -> bool:
    """One user under two spellings (`ａｌｉｃｅ`, `ALİCE`, `alice\u200b` are all alice)."""
    return same_user(a, b)


def snapshot(override: OverrideRecord) -> dict[str, Any]:
    """The override as plain JSON values, for the audit log's before/after."""
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
        "risk_exception": override.risk_exception,
        "valid_from": iso(override.valid_from),
    }
