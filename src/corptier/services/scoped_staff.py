"""The staff page as a user sees it: the roster, expiring certifications and training gaps of
the RMs in their scope (a team head's team, a branch head's sub-branches, the whole bank for
bank-wide roles) and the pending assignment proposals, decided by the roles allowed to."""

from __future__ import annotations

from dataclasses import dataclass

from corptier.errors import NotFoundError, StandardError
from corptier.services import rm_assignments
from corptier.services.access import Principal, require
from corptier.services.staff import CoverageGap, RosterRow, staff_roster, training_gaps
from corptier.workspace import Workspace


@dataclass(frozen=True)
class StaffView:
    period: str | None
    """None: no closed period, staff rules or roster to show."""
    tiers: tuple[str, ...]
    rows: tuple[RosterRow, ...]
    gaps: tuple[CoverageGap, ...]
    proposals: tuple[rm_assignments.ProposalView, ...]
    """Pending assignment proposals (their moves are shown to who may decide them only)."""


def staff_view(ws: Workspace, who: Principal, period: str | None = None) -> StaffView:
    """The RMs `who` may see (`read_staff`) with their load, certifications and gaps."""
    require(who, "read_staff")
    pending = tuple(rm_assignments.list_proposals(ws, "pending"))
    try:
        roster = staff_roster(ws, period)
        gaps = training_gaps(ws, period)
    except (NotFoundError, StandardError):
        return StaffView(None, (), (), (), pending)
    rows = tuple(r for r in roster.rows if _sees(who, r))
    mine = {r.rm_id for r in rows}
    return StaffView(roster.period, roster.tiers, rows,
                     tuple(g for g in gaps.gaps if g.rm_id in mine), pending)


def decide_proposal_as(ws: Workspace, who: Principal, proposal_id: int, approve: bool,
                       note: str | None = None) -> rm_assignments.ProposalView:
    """Approve or reject a pending proposal as `who` (`decide_assignment`; maker ≠ checker
    and the staleness checks are the service's)."""
    require(who, "decide_assignment")
    decide = rm_assignments.approve_proposal if approve else rm_assignments.reject_proposal
    return decide(ws, proposal_id, who.name, note)


def _sees(who: Principal, row: RosterRow) -> bool:
    scope = who.scope
    return (scope.bank_wide or row.rm_id in scope.rm_ids
            or row.sub_branch in scope.sub_branches)
