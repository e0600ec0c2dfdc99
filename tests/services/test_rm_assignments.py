"""RM assignments with maker-checker over the hand-worked book of tests/services/test_staff.py:
a proposal recorded pending, approved by another user, honoured from the next period by the
roster, the data scopes and the archive's access; stale and self-approved proposals refused;
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import ApprovalError, NotFoundError
from corptier.services import (
    approve_proposal,
    assigned_rms,
    list_proposals,
    propose_assignments,
    record_proposal,
    reject_proposal,
    staff_roster,
)
from corptier.services._archive_access import customers_rm
from corptier.services.access import DataScope, Principal
from corptier.services.book import in_scope
from corptier.workspace import Workspace
from service_book import STAFF_BOOK, publish, publish_staff

P, NEXT = "2026-09", "2026-10"
MOVED = {"C4": "RM01", "C5": "RM03", "C6": "RM03", "C7": "RM01", "C8": "RM01", "C9": "RM01",
         "C10": "RM03"}
"""The hand-worked optimum's moves that give a customer an RM (C1, C2 stay uncovered)."""


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = Workspace.init(tmp_path_factory.mktemp("assign") / "ws", language="en")
    publish_staff(ws, P)
    ws.db.dispose()
    return ws.root


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        workspace = Workspace.open(shutil.copytree(request.getfixturevalue("sqlite_template"),
                                                   tmp_path / "ws"))
    else:
        workspace = Workspace.init(tmp_path / "ws", language="en",
                                   database_url=request.getfixturevalue("pg_schema_url"))
        publish_staff(workspace, P)
    yield workspace
    workspace.db.dispose()


def _next_period(ws: Workspace) -> None:
    """Close the next period as the source system sends it: the same book, the loaded RMs
    unchanged (the source system does not know the approved moves yet)."""
    publish_staff(ws, NEXT)


def _rm(rm_id: str) -> Principal:
    return Principal(rm_id.lower(), "rm", DataScope(False, rm_ids=(rm_id,)), None, rm_id)


def test_an_approved_proposal_assigns_its_moves_from_the_next_period(ws: Workspace) -> None:
    stored = record_proposal(ws, propose_assignments(ws, P, gap=0.0), "alice")
    assert (stored.state, stored.period, stored.effective_from, len(stored.moves),
            stored.assigned) == ("pending", P, NEXT, 9, 7)
    assert assigned_rms(ws, NEXT).num_rows == 0  # pending: nothing assigned
    with pytest.raises(ApprovalError, match="was made by alice; someone else must approve"):
        approve_proposal(ws, stored.id, "alice")
    done = approve_proposal(ws, stored.id, "bob", note="capacity review")
    assert (done.state, done.decided_by, done.decision_note) == ("approved", "bob",
                                                                 "capacity review")
    assigned = assigned_rms(ws, NEXT)
    assert dict(zip(*(assigned.column(c).to_pylist() for c in ("customer_id", "rm_id")),
                    strict=True)) == MOVED
    assert assigned_rms(ws, P).num_rows == 0  # the proposal's own period keeps its book
    assert [r.load for r in staff_roster(ws, P).rows] == [25.0, 7.5, 6.0]
    _next_period(ws)
    rm1, rm2, rm3 = staff_roster(ws, NEXT).rows
    # RM01: C1 C2 strategic (uncovered: kept), C3 C4 core, C7 C8 C9 key = 20 + 10 + 9
    assert (rm1.book, rm1.load) == ((("strategic", 2), ("core", 2), ("key", 3)), 39.0)
    assert (rm2.customers, rm3.book, rm3.load) == (0, (("growth", 1), ("basic", 2)), 3.5)
    assert in_scope(ws, _rm("RM03"), ["C5", "C6", "C7", "C10"]) == {"C5", "C6", "C10"}
    assert in_scope(ws, _rm("RM02"), ["C4", "C5", "C6"]) == set()
    assert customers_rm(ws, ["C9", "C1"]) == {"C9": "RM01", "C1": "RM01"}
    with ws.db.connect() as conn:
        audit = list(conn.execute(sa.text(
            "SELECT actor, action, entity_id FROM audit_log WHERE entity = 'rm_proposal' "
            "ORDER BY id")))
    assert [tuple(r) for r in audit] == [("alice", "propose", str(stored.id)),
                                        ("bob", "approve", str(stored.id))]


def test_a_new_proposal_starts_from_the_approved_assignments(ws: Workspace) -> None:
    first = record_proposal(ws, propose_assignments(ws, P, gap=0.0), "alice")
    approve_proposal(ws, first.id, "bob")
    again = propose_assignments(ws, P, gap=0.0)
    assert (again.considered, again.uncovered, len(again.moves)) == (2, 2, 2)  # C1, C2


def test_stale_proposals_are_refused_with_one_clear_line(ws: Workspace) -> None:
    proposal = propose_assignments(ws, P, gap=0.0)
    first = record_proposal(ws, proposal, "alice")
    second = record_proposal(ws, proposal, "carol")
    approve_proposal(ws, first.id, "bob")
    with pytest.raises(ApprovalError, match=r"proposal 2 is stale: the RM of customer C10 is "
                                            r"now RM03, not –; propose again"):
        approve_proposal(ws, second.id, "bob")
    assert [p.state for p in list_proposals(ws)] == ["approved", "pending"]
    third = record_proposal(ws, proposal, "alice")
    _next_period(ws)
    with pytest.raises(ApprovalError, match="made on 2026-09 and 2026-10 has been closed since"):
        approve_proposal(ws, third.id, "bob")


def test_rejected_and_decided_proposals_assign_nothing(ws: Workspace) -> None:
    stored = record_proposal(ws, propose_assignments(ws, P, gap=0.0), "alice")
    with pytest.raises(ApprovalError, match="someone else must reject"):
        reject_proposal(ws, stored.id, "ALICE")
    assert reject_proposal(ws, stored.id, "bob").state == "rejected"
    with pytest.raises(ApprovalError, match="is rejected; only a pending proposal"):
        approve_proposal(ws, stored.id, "carol")
    with pytest.raises(NotFoundError, match="assignment proposal 99 does not exist"):
        approve_proposal(ws, 99, "carol")
    assert assigned_rms(ws, NEXT).num_rows == 0


def test_the_cli_records_lists_and_approves_with_one_line_errors(ws: Workspace) -> None:
    runner = CliRunner(env={"COLUMNS": "200", "CORPTIER_TOKEN": None})
    base = ["--workspace", str(ws.root)]
    out = runner.invoke(app, ["staff", "assign", "--propose", "--save", "--by", "alice",
                              "--time-limit", "10", *base])
    assert out.exit_code == 0, out.output
    assert "proposal 1 recorded: pending" in out.output
    refused = runner.invoke(app, ["staff", "assign", "--approve", "1", "--by", "alice", *base])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert "someone else must approve it" in refused.output
    done = runner.invoke(app, ["staff", "assign", "--apply", "1", "--by", "bob", *base])
    assert done.exit_code == 0, done.output
    assert "7 customers get their new RM from 2026-10" in done.output
    listed = runner.invoke(app, ["staff", "assign", "--list", *base])
    assert "Assignment proposals (1)" in listed.output and "approved" in listed.output
    saved = runner.invoke(app, ["staff", "assign", "--propose", "--save", "--json", "--by",
                                "carol", "--time-limit", "10", *base])
    assert saved.exit_code == 0 and json.loads(saved.output)["proposal_id"] == 2
    both = runner.invoke(app, ["staff", "assign", "--propose", "--list", *base])
    assert both.exit_code != 0 and "give one of --propose" in both.output


def test_publish_keeps_the_loaded_rm_where_no_assignment_applies(ws: Workspace) -> None:
    publish(ws, NEXT, STAFF_BOOK)
    assert customers_rm(ws, ["C4", "C10"]) == {"C4": "RM02", "C10": "RM99"}
