"""Tier overrides with approval (maker-checker): request, approve, reject, revoke, list.

Every action writes an append-only audit row (who, when, action, before/after) in the same
transaction as the change. Times are UTC (stored without time zone, like the rest of the app
database); "today" is the UTC date of the injectable `clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from corptier.errors import ApprovalError, NotFoundError, RequestError
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.store.models import Override
from corptier.tiering import overrides as rules
from corptier.workspace import Workspace

Clock = Callable[[], datetime]
CUSTOMERS = "customers"
STATES = rules.STATES


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OverrideView:
    """An override as stored, with its effective state on the day it was read."""

    id: int
    customer_id: str
    tier: str
    reason: str
    valid_until: date
    requested_by: str
    requested_at: datetime
    state: str
    """The stored state, or "expired" for a pending or approved one past its date."""
    stored_state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    risk_exception: str | None = None
    """Why risk accepts the override above an immediate cap that fires (for the approver)."""
    valid_from: date | None = None
    """The first day it applies: as requested, else its approval date (None while pending)."""
    requested_from: date | None = None
    """The `valid_from` asked for (None: from the approval date)."""


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    before: dict[str, object] | None
    after: dict[str, object] | None


def request_override(ws: Workspace, customer_id: str, tier: str, reason: str,
                     until: date | str, by: str, *, standard_path: Path | str | None = None,
                     risk_exception: str | None = None, valid_from: date | str | None = None,
                     clock: Clock = utc_now) -> OverrideView:
    """Record a pending override of `customer_id` to `tier` from `valid_from` (default: the
    approval date) through `until` (inclusive).

    The tier must be one of the active standard's (or of the standard at `standard_path`).
    `risk_exception` is why risk accepts the tier above an immediate cap that fires for the
    customer: without it such a cap wins at the close.
    """
    from corptier.services.standards import active_standard

    now = _naive(clock())
    valid = active_standard(ws, standard_path).tier_codes
    by = acting_name(ws, by, "requested by")
    start = None if valid_from is None or valid_from == "" else parse_date(valid_from, "start")
    fields = rules.check_request(customer_id, tier, reason, parse_date(until), by, now.date(),
                                 valid, risk_exception=risk_exception, valid_from=start)
    _check_customer(ws, fields["customer_id"])
    with UnitOfWork(ws.db) as uow:
        override = uow.overrides.add(Override(**fields, requested_at=now, state="pending"))
        uow.audit.record(now, override.requested_by, "request", rules.ENTITY, str(override.id),
                         after=rules.snapshot(override))
    return _view(override, now.date())


def approve_override(ws: Workspace, override_id: int, by: str, note: str | None = None, *,
                     clock: Clock = utc_now) -> OverrideView:
    """Approve a pending, unexpired override; the approver must not be its requester."""
    return _decide(ws, override_id, by, note, "approve", clock)


def reject_override(ws: Workspace, override_id: int, by: str, note: str | None = None, *,
                    clock: Clock = utc_now) -> OverrideView:
    """Reject a pending override; the checker must not be its requester."""
    return _decide(ws, override_id, by, note, "reject", clock)


def revoke_override(ws: Workspace, override_id: int, by: str, note: str | None = None, *,
                    clock: Clock = utc_now) -> OverrideView:
    """Withdraw a pending override or end an approved one early (maker or checker alike).

    The row keeps its decision fields (who approved it); who revoked it, when and why are in
    the audit log (`override_history`)."""
    now = _naive(clock())
    by = acting_name(ws, by, "revoked by")
    with UnitOfWork(ws.db) as uow:
        override = _get(uow, override_id)
        rules.check_revocation(override, now.date())
        before = rules.snapshot(override)
        if not uow.overrides.transition(override.id, rules.OPEN, state="revoked"):
            raise _raced(override)
        uow.audit.record(now, by, "revoke", rules.ENTITY, str(override.id), before=before,
                         after=_with_note(rules.snapshot(override), note))
    return _view(override, now.date())


def _decide(ws: Workspace, override_id: int, by: str, note: str | None, action: str,
            clock: Clock) -> OverrideView:
    now = _naive(clock())
    by = acting_name(ws, by, "decided by")
    with UnitOfWork(ws.db) as uow:
        override = _get(uow, override_id)
        rules.check_decision(override, by, action, now.date())
        before = rules.snapshot(override)
        decided = uow.overrides.transition(
            override.id, ("pending",), state="approved" if action == "approve" else "rejected",
            decided_by=by, decided_at=now,
            decision_note=note.strip() if note and note.strip() else None)
        if not decided:
            raise _raced(override)
        uow.audit.record(now, by, action, rules.ENTITY, str(override.id), before=before,
                         after=rules.snapshot(override))
    return _view(override, now.date())


def get_override(ws: Workspace, override_id: int, *, clock: Clock = utc_now) -> OverrideView:
    with UnitOfWork(ws.db) as uow:
        return _view(_get(uow, override_id), _naive(clock()).date())


def list_overrides(ws: Workspace, state: str | None = None, customer_id: str | None = None,
                   *, today: date | None = None, clock: Clock = utc_now) -> list[OverrideView]:
    """Overrides by id, filtered by effective state (including "expired") and customer."""
    rules.check_state_filter(state)
    today = today or _naive(clock()).date()
    with UnitOfWork(ws.db) as uow:
        found = uow.overrides.list(state=state, customer_id=customer_id, today=today)
        return [_view(o, today) for o in found]


def active_overrides(ws: Workspace, as_of: date) -> dict[str, OverrideView]:
    """The approved override of each customer in force on `as_of`: started (`valid_from`, else
    the approval date) and valid through it; the one approved last when a customer has several.
    What a close applies also depends on the period's first publication:
    `services.audit.attested_overrides`."""
    with UnitOfWork(ws.db) as uow:
        active: dict[str, OverrideView] = {}
        for o in uow.overrides.decided_through(as_of):
            start = rules.starts_on(o)
            if o.state == "approved" and start is not None and start <= as_of:
                active[o.customer_id] = _view(o, as_of)
        return active


def override_history(ws: Workspace, override_id: int) -> list[AuditEntry]:
    """The audit entries of one override, oldest first."""
    with UnitOfWork(ws.db) as uow:
        return [AuditEntry(r.at, r.actor, r.action, r.before, r.after)
                for r in uow.audit.for_entity(rules.ENTITY, str(override_id))]


def parse_date(value: date | str, which: str = "end") -> date:
    """A date, or text YYYY-MM-DD; RequestError (naming `which` date) otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        # one template per `which` ("start", "end"), so that each is translated whole
        raise RequestError(f"the {which} date must be a date YYYY-MM-DD; got {{value!r}}",
                           value=value) from None


def _check_customer(ws: Workspace, customer_id: str) -> None:
    """NotFoundError unless the customer is in the latest loaded period (when one is loaded)."""
    import pyarrow.compute as pc  # only a request checks the customer: listing stays light
    import pyarrow.parquet as pq

    periods = ws.periods(CUSTOMERS)
    if not periods:
        return
    found = pq.read_table(ws.partition_file(CUSTOMERS, periods[-1]), columns=["customer_id"],
                          filters=pc.field("customer_id") == customer_id)
    if found.num_rows == 0:
        raise NotFoundError("customer {customer} is not among the customers loaded for "
                            "{period}", customer=customer_id, period=periods[-1])


def _raced(override: Override) -> ApprovalError:
    """The error of a decision or revocation that another one overtook (state re-read)."""
    return ApprovalError("override {id} was {state} by someone else in the meantime; nothing "
                         "was changed", id=override.id, state=override.state)


def _get(uow: UnitOfWork, override_id: int) -> Override:
    override = uow.overrides.get(override_id)
    if override is None:
        raise NotFoundError("override {id} does not exist", id=override_id)
    return override


def _view(o: Override, today: date) -> OverrideView:
    return OverrideView(
        id=o.id, customer_id=o.customer_id, tier=o.tier, reason=o.reason,
        valid_until=o.valid_until, requested_by=o.requested_by, requested_at=o.requested_at,
        state=rules.effective_state(o, today), stored_state=o.state, decided_by=o.decided_by,
        decided_at=o.decided_at, decision_note=o.decision_note,
        risk_exception=o.risk_exception, valid_from=rules.starts_on(o),
        requested_from=o.valid_from,
    )


def _with_note(after: dict[str, object], note: str | None) -> dict[str, object]:
    return {**after, "note": note.strip()} if note and note.strip() else after


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
