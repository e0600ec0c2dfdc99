"""RM assignments with approval (maker-checker): a maker records an optimiser proposal
(pending), a checker who is not the maker approves or rejects it; approval turns its moves
into RM assignments in force from the period after the proposal's (the next close).

An assignment overrides the RM the loaded customers table names, for that customer, from its
period on, wherever corptier reads a customer's RM: the data scopes and books
(`services.book`), the archive's access, the staff roster, gaps and proposals, and the service
plans and tasks of a close (`assigned_rms` is the one source they read). A proposal is stale
— refused — when a later period has been closed since, or a moved customer's RM is no longer
the one the proposal moved it from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from corptier.errors import ApprovalError, NotFoundError
from corptier.identity import same_user
from corptier.periods import Period
from corptier.services.staff_assignment import AssignmentProposal
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.store.models import RmMove, RmProposal
from corptier.workspace import PUBLISHED_TIERS, Workspace

Clock = Callable[[], datetime]
ENTITY = "rm_proposal"
ASSIGNED_SCHEMA = pa.schema([("customer_id", pa.string()), ("rm_id", pa.string())])


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StoredMove:
    customer_id: str
    tier: str
    from_rm: str | None
    to_rm: str | None
    reason: str


@dataclass(frozen=True)
class ProposalView:
    """A stored proposal and its moves."""

    id: int
    period: str
    effective_from: str
    """The first period whose views and close honour the approved moves."""
    rules_version: str
    objective: float
    state: str
    """pending, approved or rejected."""
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    moves: tuple[StoredMove, ...]

    @property
    def assigned(self) -> int:
        """Moves that give the customer an RM (the others found no eligible RM with room)."""
        return sum(1 for m in self.moves if m.to_rm is not None)


def record_proposal(ws: Workspace, proposal: AssignmentProposal, by: str, *,
                    clock: Clock = utc_now) -> ProposalView:
    """Store `proposal` as pending (nothing is assigned until another user approves it)."""
    now = _naive(clock())
    by = acting_name(ws, by, "proposed by")
    effective = str(Period.parse(proposal.period).shift(1))
    row = RmProposal(period=proposal.period, effective_from=effective,
                     rules_version=proposal.rules_version, objective=proposal.objective,
                     moves=len(proposal.moves), state="pending", requested_by=by,
                     requested_at=now)
    moves = [RmMove(customer_id=m.customer_id, tier=m.tier, from_rm=m.from_rm, to_rm=m.to_rm,
                    reason=m.reason) for m in proposal.moves]
    with UnitOfWork(ws.db) as uow:
        stored = uow.rm_assignments.add(row, moves)
        uow.audit.record(now, by, "propose", ENTITY, str(stored.id), after=_snapshot(stored))
        return _view(stored, uow.rm_assignments.moves(stored.id))


def approve_proposal(ws: Workspace, proposal_id: int, by: str, note: str | None = None, *,
                     clock: Clock = utc_now) -> ProposalView:
    """Approve a pending, current proposal (the checker must not be its maker): its moves
    become RM assignments from its `effective_from` period."""
    return _decide(ws, proposal_id, by, note, "approve", clock)


def reject_proposal(ws: Workspace, proposal_id: int, by: str, note: str | None = None, *,
                    clock: Clock = utc_now) -> ProposalView:
    """Reject a pending proposal (the checker must not be its maker); nothing is assigned."""
    return _decide(ws, proposal_id, by, note, "reject", clock)


def get_proposal(ws: Workspace, proposal_id: int) -> ProposalView:
    with UnitOfWork(ws.db) as uow:
        found = _get(uow, proposal_id)
        return _view(found, uow.rm_assignments.moves(found.id))


def list_proposals(ws: Workspace, state: str | None = None) -> list[ProposalView]:
    """Stored proposals by id (optionally of one state), with their moves."""
    with UnitOfWork(ws.db) as uow:
        repo = uow.rm_assignments
        return [_view(p, repo.moves(p.id)) for p in repo.all(state)]


def assigned_rms(ws: Workspace, period: Period | str,
                 customer_ids: Sequence[str] | None = None) -> pa.Table:
    """(customer_id, rm_id) of the approved assignments in force in `period` (the latest
    approved move of each customer effective in or before it; of `customer_ids` when given):
    one query, a small table."""
    with UnitOfWork(ws.db) as uow:
        rows = uow.rm_assignments.in_force(str(period), customer_ids)
    return pa.table([pa.array([c for c, _ in rows], pa.string()),
                     pa.array([r for _, r in rows], pa.string())], schema=ASSIGNED_SCHEMA)


def _decide(ws: Workspace, proposal_id: int, by: str, note: str | None, action: str,
            clock: Clock) -> ProposalView:
    now = _naive(clock())
    by = acting_name(ws, by, "decided by")
    with UnitOfWork(ws.db) as uow:
        repo = uow.rm_assignments
        found = _get(uow, proposal_id)
        moves = repo.moves(found.id)
        _check_decision(found, by, action)
        if action == "approve":
            _check_current(ws, found, moves)
        before = _snapshot(found)
        decided = repo.transition(
            found.id, "pending", state="approved" if action == "approve" else "rejected",
            decided_by=by, decided_at=now,
            decision_note=note.strip() if note and note.strip() else None)
        if not decided:
            raise ApprovalError("assignment proposal {id} was {state} by someone else in the "
                                "meantime; nothing was changed", id=found.id, state=found.state)
        uow.audit.record(now, by, action, ENTITY, str(found.id), before=before,
                         after=_snapshot(found))
        return _view(found, moves)


def _check_decision(found: RmProposal, by: str, action: str) -> None:
    if found.state != "pending":
        raise ApprovalError("assignment proposal {id} is {state}; only a pending proposal can "
                            "be decided", id=found.id, state=found.state)
    if same_user(by, found.requested_by):
        # one whole sentence per action, so that each is translated
        raise ApprovalError(f"assignment proposal {{id}} was made by {{by}}; someone else must "
                            f"{action} it (maker-checker)", id=found.id, by=found.requested_by)


def _check_current(ws: Workspace, found: RmProposal, moves: list[RmMove]) -> None:
    """ApprovalError when the book changed since the proposal: a later close, or a moved
    customer whose RM is no longer the one the proposal moved it from."""
    from corptier.services.staff_assignment import current_rms

    closed = ws.periods(PUBLISHED_TIERS)
    if closed and str(closed[-1]) != found.period:
        raise ApprovalError("assignment proposal {id} is stale: it was made on {period} and "
                            "{latest} has been closed since; propose again", id=found.id,
                            period=found.period, latest=closed[-1])
    now = current_rms(ws, Period.parse(found.period), [m.customer_id for m in moves])
    for m in moves:
        if now.get(m.customer_id) != m.from_rm:
            raise ApprovalError("assignment proposal {id} is stale: the RM of customer "
                                "{customer} is now {now}, not {then}; propose again",
                                id=found.id, customer=m.customer_id,
                                now=now.get(m.customer_id) or "–", then=m.from_rm or "–")


def _get(uow: UnitOfWork, proposal_id: int) -> RmProposal:
    found = uow.rm_assignments.get(proposal_id)
    if found is None:
        raise NotFoundError("assignment proposal {id} does not exist", id=proposal_id)
    return found


def _snapshot(p: RmProposal) -> dict[str, Any]:
    return {"period": p.period, "effective_from": p.effective_from, "state": p.state,
            "moves": p.moves, "rules_version": p.rules_version, "decided_by": p.decided_by,
            "note": p.decision_note}


def _view(p: RmProposal, moves: list[RmMove]) -> ProposalView:
    return ProposalView(
        p.id, p.period, p.effective_from, p.rules_version, p.objective, p.state,
        p.requested_by, p.requested_at, p.decided_by, p.decided_at, p.decision_note,
        tuple(StoredMove(m.customer_id, m.tier, m.from_rm, m.to_rm, m.reason) for m in moves))


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
