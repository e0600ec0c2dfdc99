"""Adoption by maker-checker: propose keeps the file and its hash, a different user approves
(the standard becomes active, audited) or rejects; approve racing reject has one winner."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from corptier.config import CONFIG_FILE, load_config
from corptier.errors import ApprovalError, RequestError
from corptier.services import standard_adoption as sa_
from corptier.tiering.yaml_loader import StandardValidationError
from corptier.workspace import Workspace

ROUNDS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ws(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    workspace = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    yield workspace
    workspace.db.dispose()


def _candidate(ws: Workspace, version: str = "2027.1") -> Path:
    text = (ws.standards_dir / "default.yaml").read_text(encoding="utf-8")
    assert 'version: "2026.1"' in text
    path = ws.root.parent / f"v{version}.yaml"
    path.write_text(text.replace('version: "2026.1"', f'version: "{version}"'),
                    encoding="utf-8")
    return path


def _audit(ws: Workspace, entity_id: str) -> list[tuple[str, str]]:
    with ws.db.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT actor, action FROM audit_log WHERE entity = 'standard_proposal' "
            "AND entity_id = :id ORDER BY seq"), {"id": entity_id})]


def test_propose_then_approve_adopts_the_proposed_content(ws: Workspace) -> None:
    source = _candidate(ws)
    proposal = sa_.propose_adoption(ws, source, "2026-10", "alice", "annual review")
    source.write_text("changed after proposing", encoding="utf-8")  # the proposal kept it
    assert (proposal.state, proposal.version, proposal.start_period) == (
        "pending", "2027.1", "2026-10")
    assert [p.id for p in sa_.list_proposals(ws, "pending")] == [proposal.id]
    with pytest.raises(ApprovalError, match="may not decide"):
        sa_.approve_adoption(ws, proposal.id, "alice")
    adopted = sa_.approve_adoption(ws, proposal.id, "bob", "ok")
    assert (adopted.version, adopted.period, adopted.by) == ("2027.1", "2026-10", "bob")
    active = load_config(ws.root / CONFIG_FILE).tiering.standard
    assert active == proposal.file_name and "2027.1" in (ws.standards_dir / active).read_text(
        encoding="utf-8")
    assert sa_.get_proposal(ws, proposal.id).state == "approved"
    assert _audit(ws, str(proposal.id)) == [("alice", "propose"), ("bob", "approve")]
    history = sa_.adoption_history(ws)
    assert history[0].version == "2027.1" and history[0].by == "bob"
    with pytest.raises(ApprovalError, match="only pending"):
        sa_.reject_adoption(ws, proposal.id, "carol")


def test_reject_leaves_the_active_standard(ws: Workspace) -> None:
    before = load_config(ws.root / CONFIG_FILE).tiering.standard
    proposal = sa_.propose_adoption(ws, _candidate(ws), "2026-10", "alice", "trial")
    rejected = sa_.reject_adoption(ws, proposal.id, "bob", "not now")
    assert (rejected.state, rejected.decided_by, rejected.decision_note) == (
        "rejected", "bob", "not now")
    assert load_config(ws.root / CONFIG_FILE).tiering.standard == before
    assert sa_.list_proposals(ws, "pending") == []


def test_bad_proposals_are_refused_with_the_line(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="reason"):
        sa_.propose_adoption(ws, _candidate(ws), "2026-10", "alice", "  ")
    broken = tmp_path / "broken.yaml"
    text = (ws.standards_dir / "default.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace('version: "2026.1"', "version: [1, 2]"), encoding="utf-8")
    with pytest.raises(StandardValidationError) as caught:
        sa_.save_candidate(ws, broken.read_bytes())
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("version"))
    assert [i.line for i in caught.value.issues] == [line]
    assert list((ws.standards_dir / sa_.CANDIDATES).iterdir()) == []
    kept = sa_.save_candidate(ws, _candidate(ws).read_bytes())
    assert sa_.candidate(ws, kept.key).standard.version == "2027.1"


def _race(root: Path, proposal_id: int) -> dict[str, object]:
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def act(action: str, by: str) -> None:
        mine = Workspace.open(root)
        try:
            barrier.wait()
            if action == "approve":
                outcome[action] = sa_.approve_adoption(mine, proposal_id, by).version
            else:
                outcome[action] = sa_.reject_adoption(mine, proposal_id, by).state
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
    for round_ in range(ROUNDS):
        proposal = sa_.propose_adoption(ws, _candidate(ws, f"2027.{round_ + 2}"), "2026-10",
                                        "alice", "race")
        outcome = _race(ws.root, proposal.id)
        winners = [a for a, r in outcome.items() if isinstance(r, str)]
        losers = [r for r in outcome.values() if not isinstance(r, str)]
        assert len(winners) == 1 and len(losers) == 1, outcome
        assert isinstance(losers[0], ApprovalError), losers
        state = sa_.get_proposal(ws, proposal.id).state
        assert state == {"approve": "approved", "reject": "rejected"}[winners[0]]
        decisions = [a for _, a in _audit(ws, str(proposal.id)) if a != "propose"]
        assert decisions == winners
