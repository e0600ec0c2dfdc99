"""Tier override rules (maker-checker), pure: what a request must hold and which decisions are
allowed. Persistence and the audit trail are the services' (`corptier.services.overrides`).

A relationship manager (the maker) requests a tier for a customer with a reason and an expiry;
someone else (the checker) approves or rejects it. Only approved, unexpired overrides apply to a
close.

States stored: pending → approved | rejected; pending or approved → revoked. "expired" is not
stored: a pending or approved override whose `valid_until` date has passed reads as expired
(`effective_state`). An override is valid through its `valid_until` date.
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


def effective_state(override: OverrideRecord, today: date) -> str:
    """The stored state, or "expired" for a pending or approved one past its date."""
    if override.state in OPEN and override.valid_until < today:
        return "expired"
    return override.state


def check_state_filter(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise RequestError(f"unknown override state '{state}'; use one of {', '.join(STATES)}")


def check_request(customer_id: str, tier: str, reason: str, until: date, by: str, today: date,
                  valid_tiers: Collection[str] | None) -> dict[str, Any]:
    """The cleaned fields of a request, or RequestError naming the first bad one.

    `valid_tiers` are the tier codes of the standard in force; without them any code is taken.
    """
    fields = {
        "customer_id": required(customer_id, "customer", 40),
        "tier": required(tier, "tier", 40),
        "reason": required(reason, "reason", None),
        "requested_by": normalise_name(by, "requested by"),
        "valid_until": until,
    }
    if valid_tiers is not None and fields["tier"] not in valid_tiers:
        raise RequestError(
            f"unknown tier '{fields['tier']}'; the standard's tiers are {', '.join(valid_tiers)}")
    if until <= today:
        raise RequestError(
            f"the override must run until a future date; got {until.isoformat()} "
            f"(today is {today.isoformat()})")
    return fields


def check_decision(override: OverrideRecord, by: str, action: str, today: date) -> None:
    """Raise ApprovalError unless `by` may `action` ("approve" or "reject") `override` today."""
    done = "approved" if action == "approve" else "rejected"
    if override.state != "pending":
        raise ApprovalError(f"override {override.id} is {override.state}; only pending "
                            f"overrides can be {done}")
    if action == "approve" and override.valid_until < today:
        raise ApprovalError(f"override {override.id} expired on "
                            f"{override.valid_until.isoformat()} before it was approved; "
                            "request a new one")
    if same_person(by, override.requested_by):
        raise ApprovalError(f"override {override.id} was requested by "
                            f"{override.requested_by}; someone else must {action} it "
                            "(maker-checker)")


def check_revocation(override: OverrideRecord, today: date) -> None:
    """Raise ApprovalError unless `override` is pending or approved (and unexpired) today."""
    state = effective_state(override, today)
    if state not in OPEN:
        raise ApprovalError(f"override {override.id} is {state}; only pending or approved "
                            "overrides can be revoked")


def required(value: str | None, field: str, max_length: int | None) -> str:
    """`value` stripped; RequestError when it is empty or longer than `max_length`."""
    text = (value or "").strip()
    if not text:
        raise RequestError(f"{field} is required")
    if max_length is not None and len(text) > max_length:
        raise RequestError(f"{field} is at most {max_length} characters; got "
                           f"{len(text)}: {text[:20]}…")
    return text


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
    }
