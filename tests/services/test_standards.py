"""Adopting a standard makes it the active one and records the pivot of before/after."""

from pathlib import Path

import sqlalchemy as sa

from corptier.services import active_standard, adopt_standard
from corptier.store.models import AuditLog, StandardAdoption
from corptier.workspace import Workspace


def test_adopt_sets_the_active_standard_and_records_it(workspace: Workspace, tmp_path: Path):
    candidate = tmp_path / "candidate.yaml"
    candidate.write_text(
        (workspace.standards_dir / "default.yaml").read_text(encoding="utf-8").replace(
            'version: "2026.1"', 'version: "2026.2"'
        ),
        encoding="utf-8",
    )
    adopted = adopt_standard(workspace, candidate, "2026-07", "alice", "pilot")
    reopened = Workspace.open(workspace.root)
    assert reopened.config.tiering.standard == "candidate.yaml"
    assert active_standard(reopened).version == "2026.2" == adopted.version
    with reopened.db.connect() as conn:
        adoption = conn.execute(sa.select(StandardAdoption)).one()
        audit = conn.execute(sa.select(AuditLog.action, AuditLog.actor)).all()
    assert (adoption.adopted_period, adoption.standard_hash) == ("2026-07", adopted.content_hash)
    assert audit == [("adopt", "alice")]
