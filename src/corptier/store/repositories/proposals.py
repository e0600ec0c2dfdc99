"""Standard proposals as stored: proposed, then approved or rejected by a conditional UPDATE."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import StandardProposal


class ProposalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, proposal: StandardProposal) -> StandardProposal:
        """Insert `proposal` and give it its id."""
        self.session.add(proposal)
        self.session.flush()
        return proposal

    def get(self, proposal_id: int) -> StandardProposal | None:
        return self.session.get(StandardProposal, proposal_id)

    def transition(self, proposal_id: int, from_state: str, **values: object) -> bool:
        """Set `values` only if the proposal is still in `from_state` (one conditional UPDATE,
        checked by its row count); True when this call made the change."""
        result = self.session.execute(
            sa.update(StandardProposal)
            .where(StandardProposal.id == proposal_id, StandardProposal.state == from_state)
            .values(**values)
            .execution_options(synchronize_session=False))
        changed = getattr(result, "rowcount", 0) == 1
        proposal = self.session.get(StandardProposal, proposal_id)
        if proposal is not None:
            self.session.refresh(proposal)
        return changed

    def list(self, state: str | None = None, limit: int = 200) -> list[StandardProposal]:
        """Proposals newest first, optionally of one state."""
        query = sa.select(StandardProposal).order_by(StandardProposal.id.desc()).limit(limit)
        if state is not None:
            query = query.where(StandardProposal.state == state)
        return list(self.session.scalars(query))
