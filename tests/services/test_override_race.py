"""Approve and reject racing on one pending override: exactly one wins, every time, on SQLite
and on PostgreSQL; the audit log holds exactly one decision."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from corptier import services as ov
from corptier.errors import ApprovalError
from corptier.workspace import Workspace

ROUNDS = 40
NOW = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ws(request, tmp_path: Path):
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    workspace = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    yield workspace
    workspace.db.dispose()


def _race(root: Path, override_id: int) -> dict[str, object]:
    """Approve (bob) and reject (carol) at once, each with its own engine."""
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def act(action: str, by: str) -> None:
        mine = Workspace.open(root)
        try:
            barrier.wait()
            decide = ov.approve_override if action == "approve" else ov.reject_override
            outcome[action] = decide(mine, override_id, by, clock=lambda: NOW).stored_state
        except Exception as exc:  # the loser's error is the outcome
            outcome[action] = exc
        finally:
            mine.db.dispose()

    threads = [threading.Thread(target=act, args=a) for a in (("approve", "bob"),
                                                              ("reject", "carol"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome


def test_approve_racing_reject_has_exactly_one_winner(ws: Workspace) -> None:
    for _ in range(ROUNDS):
        request = ov.request_override(ws, "C0001", "core", "strategic relationship",
                                      NOW.date() + timedelta(days=90), "alice",
                                      clock=lambda: NOW)
        outcome = _race(ws.root, request.id)
        winners = {a: r for a, r in outcome.items() if isinstance(r, str)}
        losers = [r for r in outcome.values() if not isinstance(r, str)]
        assert len(winners) == 1 and len(losers) == 1, outcome
        assert isinstance(losers[0], ApprovalError)
        assert "in the meantime" in str(losers[0]) or "only pending" in str(losers[0])
        (action, state), = winners.items()
        assert ov.get_override(ws, request.id, clock=lambda: NOW).stored_state == state
        with ws.db.connect() as conn:
            decisions = conn.execute(sa.text(
                "SELECT action FROM audit_log WHERE entity_id = :id AND action != 'request'"),
                {"id": str(request.id)}).scalars().all()
        assert decisions == [action]
