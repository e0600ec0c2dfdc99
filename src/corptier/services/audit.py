"""The audit log checked: its hash chain verified, and the approvals a close may trust."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from corptier.errors import AuditLogError
from corptier.identity import same_user
from corptier.store import UnitOfWork
from corptier.store.models import AuditLog, Override
from corptier.tiering import overrides as rules
from corptier.workspace import Workspace

ATTESTED_FIELDS = ("customer_id", "tier", "valid_until", "requested_by", "state", "decided_by",
                   "risk_exception", "valid_from")
"""What an override's approval entry must agree on with the override as stored."""


@dataclass(frozen=True)
class AuditVerification:
    """The audit log holds: its entry count and the hash of its last entry."""

    entries: int
    head_hash: str


def verify_audit_log(ws: Workspace) -> AuditVerification:
    """Walk the audit log's hash chain; AuditLogError names the first broken link (the entry
    id and why: edited, deleted or forged)."""
    with UnitOfWork(ws.db) as uow:
        check = uow.audit.verify()
    if check.ok:
        return AuditVerification(check.entries, check.head_hash)
    if check.broken_id is not None:
        raise AuditLogError("the audit log is broken at entry {id}: {reason} ({entries} entries "
                            "before it hold)", id=check.broken_id, reason=check.reason,
                            entries=check.entries)
    raise AuditLogError("the audit log is broken after entry {entries}: {reason} ({entries} "
                        "entries before it hold)", reason=check.reason, entries=check.entries)


def attested_overrides(uow: UnitOfWork, period: str, period_end: date
                       ) -> tuple[dict[str, Override], list[str]]:
    """The override a close of `period` (ending `period_end`) applies to each customer, and a
    note for each approved one left out; the one path by which a close reads overrides.

    An approval counts when the audit log attests it: the last trusted entry of the override
    is an approval by someone other than its requester whose fields match the override as
    stored. A direct `UPDATE tier_override SET state='approved'` has no such entry; entries at
    or after a break in the chain are not trusted. Which attested overrides are in force for
    the period is `rules.in_force_for_period`: on a re-close, the audit log as it stood at the
    period's first publication (its run records) says what was approved then, so a later
    revocation does not rewrite the period. When a customer has several, the one approved
    last applies.
    """
    candidates = uow.overrides.decided_through(period_end)
    check = uow.audit.verify()
    before_id = check.broken_id if check.broken_id is not None else (None if check.ok else 0)
    ids = [str(o.id) for o in candidates]
    latest = uow.audit.latest_for(rules.ENTITY, ids, before_id=before_id)
    published = first_publication(uow, period)
    then = ({} if published is None else
            uow.audit.latest_for(rules.ENTITY, ids, before_id=before_id, until=published))
    kept: dict[str, Override] = {}
    notes: list[str] = []
    for override in candidates:
        problem = (_approval_problem(override, latest.get(str(override.id)))
                   if override.state == "approved" else "revoked")
        approved_then = _approval_problem(override, then.get(str(override.id)),
                                          states=("approved", "revoked")) is None
        if rules.in_force_for_period(override, period_end, first_close=published is None,
                                     approved_then=approved_then,
                                     approved_now=problem is None):
            kept[override.customer_id] = override
        elif problem is not None and override.state == "approved" and not approved_then:
            notes.append(f"#{override.id} ({override.customer_id} → {override.tier}): {problem}")
    if not check.ok and notes:
        notes.append(f"the audit log is broken: {check.reason}")
    return kept, notes


def first_publication(uow: UnitOfWork, period: str) -> datetime | None:
    """When `period` was first published: its earliest run record or audited close."""
    found = [at for at in (uow.runs.first_published_at(period),
                           uow.audit.first_at("close", "period", period)) if at is not None]
    return min(found) if found else None


def _approval_problem(override: Override, entry: AuditLog | None,
                      states: tuple[str, ...] = ("approved",)) -> str | None:
    """Why `entry` does not attest the approval of `override` (None when it does); `states`
    are the stored states it may have since (a later revocation, for the state at a past
    publication)."""
    if entry is None or entry.action != "approve":
        return "approval not in the audit log"
    after = entry.after or {}
    stored = rules.snapshot(override)
    if override.state not in states or after.get("state") != "approved" or any(
            after.get(f) != stored[f] for f in ATTESTED_FIELDS if f != "state"):
        return "the override differs from its approval in the audit log"
    checker = str(after.get("decided_by") or "")
    if same_user(entry.actor, override.requested_by) or not same_user(entry.actor, checker):
        return "its approval in the audit log is not by a checker other than the requester"
    return None
