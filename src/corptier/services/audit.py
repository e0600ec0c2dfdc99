"""The audit log checked: its hash chain verified, and the approvals a close may trust."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from corptier.errors import AuditLogError
from corptier.identity import same_user
from corptier.store import UnitOfWork
from corptier.store.models import AuditLog, Override
from corptier.tiering import overrides as rules
from corptier.workspace import Workspace

ATTESTED_FIELDS = ("customer_id", "tier", "valid_until", "requested_by", "state", "decided_by")
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
    where = (f"at entry {check.broken_id}" if check.broken_id is not None
             else f"after entry {check.entries}")
    raise AuditLogError(f"the audit log is broken {where}: {check.reason} "
                        f"({check.entries} entries before it hold)")


def attested_overrides(uow: UnitOfWork, approved: Mapping[str, Override]
                       ) -> tuple[dict[str, Override], list[str]]:
    """The overrides whose approval is in the verified audit log, and a note for each left out.

    An override is attested when the last trusted audit entry of it is an approval by someone
    other than its requester whose resulting state matches the override as stored. A direct
    `UPDATE tier_override SET state='approved'` has no such entry; entries at or after a break
    in the chain are not trusted.
    """
    check = uow.audit.verify()
    before_id = check.broken_id if check.broken_id is not None else (None if check.ok else 0)
    latest = uow.audit.latest_for(rules.ENTITY, (str(o.id) for o in approved.values()),
                                  before_id=before_id)
    kept: dict[str, Override] = {}
    notes: list[str] = []
    for customer, override in approved.items():
        problem = _approval_problem(override, latest.get(str(override.id)))
        if problem is None:
            kept[customer] = override
        else:
            notes.append(f"#{override.id} ({override.customer_id} → {override.tier}): {problem}")
    if not check.ok and notes:
        notes.append(f"the audit log is broken: {check.reason}")
    return kept, notes


def _approval_problem(override: Override, entry: AuditLog | None) -> str | None:
    if entry is None or entry.action != "approve":
        return "approval not in the audit log"
    after = entry.after or {}
    stored = rules.snapshot(override)
    if any(after.get(f) != stored[f] for f in ATTESTED_FIELDS):
        return "the override differs from its approval in the audit log"
    checker = str(after.get("decided_by") or "")
    if same_user(entry.actor, override.requested_by) or not same_user(entry.actor, checker):
        return "its approval in the audit log is not by a checker other than the requester"
    return None
