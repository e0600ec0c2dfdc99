"""Adopting a standard by maker-checker: a candidate is uploaded and checked, a maker proposes
it from a period on, a different checker approves (the existing adoption then runs) or rejects.

The proposal keeps the file's content and hash, so what is approved is exactly what was
proposed. Decisions are one conditional UPDATE on state='pending' checked by its row count (as
override decisions are); every step writes an audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corptier.errors import ApprovalError, NotFoundError, RequestError, StandardError
from corptier.periods import Period
from corptier.private_files import private_mkdir
from corptier.services.recovery import writing
from corptier.services.standards import (
    Adoption,
    activate_standard,
    lists_dir,
    record_adoption,
    write_atomic,
)
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.store.models import StandardProposal
from corptier.tiering import Standard, load_standard
from corptier.tiering.yaml_loader import MAX_STANDARD_BYTES
from corptier.workspace import Workspace

Clock = Callable[[], datetime]
ENTITY = "standard_proposal"
CANDIDATES = "candidates"
KEY = re.compile(r"[0-9a-f]{16}")
MAX_REASON = 2000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Candidate:
    """A valid uploaded standard, kept in standards/candidates/ under its key."""

    key: str
    path: Path
    standard: Standard


@dataclass(frozen=True)
class ProposalView:
    id: int
    standard_id: str
    version: str
    content_hash: str
    file_name: str
    start_period: str
    reason: str
    proposed_by: str
    proposed_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


@dataclass(frozen=True)
class AdoptionRecord:
    """One past adoption (the history of the active standard)."""

    standard_id: str
    version: str
    content_hash: str
    period: str
    by: str
    at: datetime
    note: str | None


def save_candidate(ws: Workspace, content: bytes) -> Candidate:
    """Check an uploaded standard and keep it as a candidate; StandardValidationError (each
    issue with its line) when it is invalid, and then nothing is kept."""
    if len(content) > MAX_STANDARD_BYTES:
        raise StandardError("the file is {size} bytes, more than the limit of {limit} bytes "
                            "for a standard", size=len(content), limit=MAX_STANDARD_BYTES)
    key = hashlib.sha256(content).hexdigest()[:16]
    folder = private_mkdir(ws.standards_dir / CANDIDATES)
    staged = folder / f".{key}.check.yaml"
    write_atomic(staged, content)
    try:
        standard = load_standard(staged, lists_dir(ws))
    finally:
        staged.unlink(missing_ok=True)
    path = write_atomic(folder / f"{key}.yaml", content)
    return Candidate(key, path, standard)


def candidate(ws: Workspace, key: str) -> Candidate:
    """The candidate kept under `key`; NotFoundError when there is none."""
    path = ws.standards_dir / CANDIDATES / f"{key}.yaml"
    if not KEY.fullmatch(key) or not path.is_file():
        raise NotFoundError("candidate standard {key} does not exist; upload it again",
                            key=key[:40])
    return Candidate(key, path, load_standard(path, lists_dir(ws)))


def propose_adoption(ws: Workspace, path: Path | str, period: str, by: str, reason: str, *,
                     clock: Clock = utc_now) -> ProposalView:
    """Propose the standard at `path` for adoption from `period` on (pending until a different
    user approves it); the file's content is kept with the proposal."""
    by = acting_name(ws, by, "proposed by")
    start = Period.parse(period)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError("a proposal needs a reason")
    if len(reason) > MAX_REASON:
        raise RequestError("the reason is longer than {n} characters", n=MAX_REASON)
    source = Path(path)
    standard = load_standard(source, lists_dir(ws))
    content = source.read_bytes()
    now = _naive(clock())
    with UnitOfWork(ws.db) as uow:
        proposal = uow.proposals.add(StandardProposal(
            standard_id=standard.id, standard_version=standard.version,
            content_hash=standard.content_hash, file_name=_file_name(standard, content),
            content=content.decode("utf-8"), start_period=str(start), reason=reason,
            proposed_by=by, proposed_at=now, state="pending"))
        uow.audit.record(now, by, "propose", ENTITY, str(proposal.id),
                         after=_snapshot(proposal))
        return _view(proposal)


def approve_adoption(ws: Workspace, proposal_id: int, by: str, note: str | None = None, *,
                     clock: Clock = utc_now) -> Adoption:
    """Approve a pending proposal (the checker must not be its maker) and adopt its standard:
    the file goes to standards/, the adoption is recorded and corptier.toml points at it."""
    by = acting_name(ws, by, "approved by")
    now = _naive(clock())
    with writing(ws, f"standard approve {proposal_id}"):
        with UnitOfWork(ws.db) as uow:
            proposal = _decide(uow, proposal_id, by, note, "approve", now)
            target = write_atomic(ws.standards_dir / proposal.file_name,
                                  proposal.content.encode("utf-8"))
            standard = load_standard(target, lists_dir(ws))
            if standard.content_hash != proposal.content_hash:
                raise StandardError("the standard of proposal {id} no longer reads as it did "
                                    "when proposed; propose it again", id=proposal_id)
            adopted = record_adoption(uow, ws, target, standard,
                                      Period.parse(proposal.start_period), by,
                                      f"proposal {proposal_id}: {proposal.reason}", now)
        activate_standard(ws, target.name)
    return adopted


def reject_adoption(ws: Workspace, proposal_id: int, by: str, note: str | None = None, *,
                    clock: Clock = utc_now) -> ProposalView:
    """Reject a pending proposal (the checker must not be its maker)."""
    by = acting_name(ws, by, "rejected by")
    with UnitOfWork(ws.db) as uow:
        return _view(_decide(uow, proposal_id, by, note, "reject", _naive(clock())))


def _decide(uow: UnitOfWork, proposal_id: int, by: str, note: str | None, action: str,
            now: datetime) -> StandardProposal:
    proposal = _get(uow, proposal_id)
    if proposal.state != "pending":
        raise ApprovalError("proposal {id} is {state}; only pending proposals can be decided",
                            id=proposal.id, state=proposal.state)
    if proposal.proposed_by == by:
        raise ApprovalError("{by} proposed standard proposal {id} and may not decide it; "
                            "another user must", by=by, id=proposal.id)
    before = _snapshot(proposal)
    decided = uow.proposals.transition(
        proposal.id, "pending", state="approved" if action == "approve" else "rejected",
        decided_by=by, decided_at=now,
        decision_note=note.strip()[:MAX_REASON] if note and note.strip() else None)
    if not decided:
        raise ApprovalError("proposal {id} was {state} by someone else in the meantime; "
                            "nothing was changed", id=proposal.id, state=proposal.state)
    uow.audit.record(now, by, action, ENTITY, str(proposal.id), before=before,
                     after=_snapshot(proposal))
    return proposal


def list_proposals(ws: Workspace, state: str | None = None) -> list[ProposalView]:
    """Standard proposals, newest first (only `state` ones when given)."""
    if state is not None and state not in ("pending", "approved", "rejected"):
        raise RequestError("unknown proposal state {state}; use pending, approved or "
                           "rejected", state=state[:40])
    with UnitOfWork(ws.db) as uow:
        return [_view(p) for p in uow.proposals.list(state)]


def get_proposal(ws: Workspace, proposal_id: int) -> ProposalView:
    with UnitOfWork(ws.db) as uow:
        return _view(_get(uow, proposal_id))


def adoption_history(ws: Workspace, limit: int = 50) -> list[AdoptionRecord]:
    """The adoptions of standards, newest first."""
    with UnitOfWork(ws.db) as uow:
        return [AdoptionRecord(a.standard_id, a.standard_version, a.standard_hash,
                               a.adopted_period, a.adopted_by, a.adopted_at, a.note)
                for a in uow.adoptions.history(limit)]


def loaded_periods(ws: Workspace) -> list[str]:
    """The periods whose customers are loaded: those a backtest can replay."""
    return [str(p) for p in ws.periods("customers")]


def _get(uow: UnitOfWork, proposal_id: int) -> StandardProposal:
    proposal = uow.proposals.get(proposal_id)
    if proposal is None:
        raise NotFoundError("standard proposal {id} does not exist", id=proposal_id)
    return proposal


def _file_name(standard: Standard, content: bytes) -> str:
    """A safe file name for the adopted standard: its id (letters, digits, . _ -) and the
    first characters of its content's hash, so that no existing standard is overwritten."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", standard.id).strip("._")[:60] or "standard"
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:10]}.yaml"


def _snapshot(p: StandardProposal) -> dict[str, object]:
    return {"standard": p.standard_id, "version": p.standard_version, "hash": p.content_hash,
            "file": p.file_name, "period": p.start_period, "reason": p.reason,
            "state": p.state, "decided_by": p.decided_by, "note": p.decision_note}


def _view(p: StandardProposal) -> ProposalView:
    return ProposalView(p.id, p.standard_id, p.standard_version, p.content_hash, p.file_name,
                        p.start_period, p.reason, p.proposed_by, p.proposed_at, p.state,
                        p.decided_by, p.decided_at, p.decision_note)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
