"""Override rules at their boundaries (survivors of `make mutants` killed here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from corptier.tiering.hysteresis import state_from_published
from corptier.tiering.overrides import effective_state


@dataclass
class _Override:
    id: int = 1
    customer_id: str = "C1"
    tier: str = "core"
    reason: str = "r"
    valid_until: date = date(2026, 9, 30)
    requested_by: str = "alice"
    requested_at: datetime = datetime(2026, 9, 1)
    state: str = "approved"
    decided_by: str | None = "bob"
    decided_at: datetime | None = datetime(2026, 9, 2)
    decision_note: str | None = None


def test_an_override_is_valid_through_its_last_day() -> None:
    assert effective_state(_Override(), date(2026, 9, 30)) == "approved"
    assert effective_state(_Override(), date(2026, 10, 1)) == "expired"
    assert effective_state(_Override(state="pending"), date(2026, 9, 30)) == "pending"
    assert effective_state(_Override(state="revoked"), date(2027, 1, 1)) == "revoked"


def test_a_row_of_an_old_ladder_is_skipped_not_the_rest() -> None:
    rows = [{"customer_id": "C1", "applied_tier": "platinum", "hysteresis": {}},
            {"customer_id": "C2", "applied_tier": "core",
             "hysteresis": {"tier": "key", "periods_below": 1, "pending_tier": "basic"}}]
    state = state_from_published(rows, ["core", "key", "basic"]).to_pylist()
    assert state == [{"customer_id": "C2", "applied_tier_rank": 1, "periods_below": 1,
                      "pending_tier_rank": 2}]
