"""RM assignment proposals as stored, their moves, and the assignments approved moves make."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import RmMove, RmProposal


class RmAssignmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, proposal: RmProposal, moves: Sequence[RmMove]) -> RmProposal:
        """Insert `proposal` with its moves and give it its id."""
        self.session.add(proposal)
        self.session.flush()
        for move in moves:
            move.proposal_id = proposal.id
        self.session.add_all(moves)
        self.session.flush()
        return proposal

    def get(self, proposal_id: int) -> RmProposal | None:
        return self.session.get(RmProposal, proposal_id)

    def moves(self, proposal_id: int) -> list[RmMove]:
        return list(self.session.scalars(sa.select(RmMove).where(
            RmMove.proposal_id == proposal_id).order_by(RmMove.customer_id)))

    def transition(self, proposal_id: int, from_state: str, **values: object) -> bool:
        """Set `values` only if the proposal is still in `from_state`, as one conditional
        UPDATE; True when this call made the change. The session's copy is refreshed."""
        result = self.session.execute(
            sa.update(RmProposal)
            .where(RmProposal.id == proposal_id, RmProposal.state == from_state)
            .values(**values)
            .execution_options(synchronize_session=False))
        changed = getattr(result, "rowcount", 0) == 1
        found = self.session.get(RmProposal, proposal_id)
        if found is not None:
            self.session.refresh(found)
        return changed

    def all(self, state: str | None = None) -> list[RmProposal]:
        query = sa.select(RmProposal).order_by(RmProposal.id)
        if state is not None:
            query = query.where(RmProposal.state == state)
        return list(self.session.scalars(query))

    def in_force(self, period: str,
                 customer_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(customer_id, rm_id) of every customer (of `customer_ids`, when given) an approved
        move assigns from `period` or before: the move of the latest effective period, then
        the latest decision, wins."""
        rank = sa.func.row_number().over(
            partition_by=RmMove.customer_id,
            order_by=(RmProposal.effective_from.desc(), RmProposal.decided_at.desc(),
                      RmProposal.id.desc())).label("rank")
        ranked = (sa.select(RmMove.customer_id, RmMove.to_rm, rank)
                  .join(RmProposal, RmProposal.id == RmMove.proposal_id)
                  .where(RmProposal.state == "approved", RmProposal.effective_from <= period,
                         RmMove.to_rm.is_not(None),
                         *([RmMove.customer_id.in_(customer_ids)]
                           if customer_ids is not None else []))
                  .subquery())
        rows = self.session.execute(sa.select(ranked.c.customer_id, ranked.c.to_rm)
                                    .where(ranked.c.rank == 1)
                                    .order_by(ranked.c.customer_id))
        return [(str(c), str(r)) for c, r in rows]
