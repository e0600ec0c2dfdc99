"""Overrides with approval: maker-checker, expiry, audit rows; on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from corptier import services as ov
from corptier.cli import app
from corptier.errors import ApprovalError, NotFoundError, RequestError
from corptier.workspace import Workspace

TIERS = ("strategic", "core", "key", "growth", "basic")


def active_overrides(ws, as_of):
    from corptier.services.overrides import active_overrides

    return active_overrides(ws, as_of)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new SQLite workspace per module (its migrations take seconds); tests use copies."""
    return Workspace.init(tmp_path_factory.mktemp("template") / "ws", language="en").root


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ws(request, tmp_path: Path):
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        workspace = Workspace.open(shutil.copytree(template, tmp_path / "ws"))
    else:
        workspace = Workspace.init(tmp_path / "ws", language="en",
                                   database_url=request.getfixturevalue("pg_schema_url"))
    yield workspace
    workspace.db.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 30, 9, 0, tzinfo=UTC))


def _request(ws, clock, customer="C0001", tier="core", by="alice", days=90):
    return ov.request_override(ws, customer, tier, "strategic relationship, new mandate",
                               clock().date() + timedelta(days=days), by, clock=clock)


def _audit(ws) -> list[sa.Row]:
    with ws.db.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT actor, action, entity, entity_id, before, after FROM audit_log ORDER BY id")))


def test_request_then_approve_by_someone_else(ws, clock) -> None:
    pending = _request(ws, clock)
    assert pending.id is not None and pending.state == "pending"
    assert active_overrides(ws, clock().date()) == {}
    clock.advance(hours=2)
    approved = ov.approve_override(ws, pending.id, "bob", note="agreed in credit committee",
                          clock=clock)
    assert (approved.state, approved.decided_by) == ("approved", "bob")
    assert approved.decided_at == datetime(2026, 9, 30, 11, 0)
    assert approved.decision_note == "agreed in credit committee"
    active = active_overrides(ws, date(2026, 10, 31))
    assert list(active) == ["C0001"] and active["C0001"].tier == "core"


def test_every_action_writes_an_audit_row_with_before_and_after(ws, clock) -> None:
    first = _request(ws, clock)
    ov.approve_override(ws, first.id, "bob", clock=clock)
    ov.revoke_override(ws, first.id, "carol", note="customer moved its business", clock=clock)
    rows = _audit(ws)
    assert [(r.actor, r.action, r.entity, r.entity_id) for r in rows] == [
        ("alice", "request", "override", str(first.id)),
        ("bob", "approve", "override", str(first.id)),
        ("carol", "revoke", "override", str(first.id)),
    ]
    assert rows[0].before is None
    before, after = (_json(rows[1].before), _json(rows[1].after))
    assert (before["state"], after["state"], after["decided_by"]) == ("pending", "approved",
                                                                      "bob")
    assert _json(rows[2].after)["note"] == "customer moved its business"
    assert [h.action for h in ov.override_history(ws, first.id)] == ["request", "approve", "revoke"]


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_maker_cannot_check_their_own_request(ws, clock) -> None:
    pending = _request(ws, clock, by="alice")
    for checker in ("alice", " ALICE "):
        with pytest.raises(ApprovalError, match="requested by alice; someone else"):
            ov.approve_override(ws, pending.id, checker, clock=clock)
        with pytest.raises(ApprovalError, match="maker-checker"):
            ov.reject_override(ws, pending.id, checker, clock=clock)
    assert ov.get_override(ws, pending.id).state == "pending"
    assert [r.action for r in _audit(ws)] == ["request"]  # refused actions leave no trace


def test_only_pending_overrides_are_decided(ws, clock) -> None:
    one, two = _request(ws, clock), _request(ws, clock, customer="C0002")
    ov.approve_override(ws, one.id, "bob", clock=clock)
    ov.reject_override(ws, two.id, "bob", note="not justified", clock=clock)
    with pytest.raises(ApprovalError, match="is approved; only pending"):
        ov.approve_override(ws, one.id, "carol", clock=clock)
    with pytest.raises(ApprovalError, match="is rejected; only pending"):
        ov.approve_override(ws, two.id, "carol", clock=clock)
    with pytest.raises(ApprovalError, match="is rejected; only pending or approved"):
        ov.revoke_override(ws, two.id, "carol", clock=clock)
    with pytest.raises(NotFoundError, match="override 999 does not exist"):
        ov.approve_override(ws, 999, "carol", clock=clock)


def test_expiry(ws, clock) -> None:
    approved = _request(ws, clock, days=30)
    ov.approve_override(ws, approved.id, "bob", clock=clock)
    stale = _request(ws, clock, customer="C0002", days=10)
    last_day = clock().date() + timedelta(days=30)
    assert set(active_overrides(ws, last_day)) == {"C0001"}  # valid through its date
    assert active_overrides(ws, last_day + timedelta(days=1)) == {}
    clock.advance(days=45)
    with pytest.raises(ApprovalError, match=r"expired on .* before it was approved"):
        ov.approve_override(ws, stale.id, "bob", clock=clock)
    listed = ov.list_overrides(ws, clock=clock)
    assert [o.state for o in listed] == ["expired", "expired"]
    assert [o.id for o in ov.list_overrides(ws, "expired", clock=clock)] == [approved.id,
                                                                                 stale.id]
    assert ov.list_overrides(ws, "approved", clock=clock) == []
    with pytest.raises(ApprovalError, match="is expired"):
        ov.revoke_override(ws, approved.id, "bob", clock=clock)


def test_latest_approval_wins_and_revoked_ones_do_not_apply(ws, clock) -> None:
    older = _request(ws, clock, tier="core")
    newer = _request(ws, clock, tier="key")
    ov.approve_override(ws, newer.id, "bob", clock=clock)
    clock.advance(minutes=5)
    ov.approve_override(ws, older.id, "bob", clock=clock)
    assert active_overrides(ws, clock().date())["C0001"].id == older.id
    ov.revoke_override(ws, older.id, "alice", clock=clock)
    assert active_overrides(ws, clock().date())["C0001"].id == newer.id


def test_an_override_is_active_only_from_its_start(ws, clock) -> None:
    # approved 2026-09-30 to start on 2026-10-15: not in force on 10-14, in force on 10-15
    later = ov.request_override(ws, "C0001", "core", "new mandate signed for October",
                                date(2026, 12, 31), "alice", valid_from="2026-10-15",
                                clock=clock)
    ov.approve_override(ws, later.id, "bob", clock=clock)
    assert active_overrides(ws, date(2026, 10, 14)) == {}
    assert list(active_overrides(ws, date(2026, 10, 15))) == ["C0001"]
    # without a start date it is in force from the approval date, not before
    now = _request(ws, clock, customer="C0002")
    clock.advance(days=1)
    ov.approve_override(ws, now.id, "bob", clock=clock)
    assert "C0002" not in active_overrides(ws, date(2026, 9, 30))
    assert "C0002" in active_overrides(ws, date(2026, 10, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "reason is required"),
        ({"by": ""}, "requested by is required"),
        ({"tier": "gold"}, "unknown tier 'gold'; the standard's tiers are strategic, core"),
        ({"until": date(2026, 9, 30)}, r"future date; got 2026-09-30 \(today is 2026-09-30\)"),
        ({"customer_id": "C" * 41}, "customer is at most 40 characters"),
    ],
)
def test_requests_are_checked(ws, clock, changes, message) -> None:
    args = {"customer_id": "C0001", "tier": "core", "reason": "why", "until": date(2026, 12, 31),
            "by": "alice", **changes}
    with pytest.raises(RequestError, match=message):
        ov.request_override(ws, clock=clock, **args)
    assert _audit(ws) == []


def test_list_filters_by_state_and_customer(ws, clock) -> None:
    a, b, c = (_request(ws, clock, customer=cid) for cid in ("C1", "C2", "C1"))
    ov.approve_override(ws, a.id, "bob", clock=clock)
    ov.reject_override(ws, b.id, "bob", clock=clock)
    assert [o.id for o in ov.list_overrides(ws, "pending", clock=clock)] == [c.id]
    assert [o.id for o in ov.list_overrides(ws, customer_id="C1", clock=clock)] == [a.id,
                                                                                         c.id]
    with pytest.raises(RequestError, match="unknown override state 'open'"):
        ov.list_overrides(ws, "open", clock=clock)


def test_audit_log_refuses_update_and_delete(ws, clock) -> None:
    _request(ws, clock)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ws.db.begin() as conn:
            conn.execute(sa.text(statement))
    assert [r.actor for r in _audit(ws)] == ["alice"]


# --- the command line ---------------------------------------------------------------------------
def test_cli_request_approve_list(workspace) -> None:
    runner = CliRunner()
    until = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    ws = ["--workspace", str(workspace.root)]
    made = runner.invoke(app, ["override", "request", "C0042", "--tier", "core", "--reason",
                               "group parent is strategic", "--until", until, "--by", "alice",
                               *ws])
    assert made.exit_code == 0, made.output
    override_id = made.stdout.strip()
    assert override_id.isdigit()

    own = runner.invoke(app, ["override", "approve", override_id, "--by", "alice", *ws])
    assert own.exit_code == ApprovalError.exit_code
    assert "someone else must approve it" in own.output

    ok = runner.invoke(app, ["override", "approve", override_id, "--by", "bob", "--note",
                             "ok", *ws])
    assert ok.exit_code == 0 and "approved by bob" in ok.output

    listed = runner.invoke(app, ["override", "list", "--state", "approved", *ws])
    assert listed.exit_code == 0
    assert "C0042" in listed.output and "Approved" in listed.output


def test_cli_checks_the_tier_against_the_workspace_standard(workspace) -> None:
    until = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    result = CliRunner().invoke(app, ["override", "request", "C0042", "--tier", "gold",
                                      "--reason", "x", "--until", until, "--by", "alice",
                                      "--workspace", str(workspace.root)])
    assert result.exit_code == RequestError.exit_code
    assert "unknown tier 'gold'" in result.output
    bad_date = CliRunner().invoke(app, ["override", "request", "C0042", "--tier", "core",
                                        "--reason", "x", "--until", "31/12/2026", "--by", "a",
                                        "--workspace", str(workspace.root)])
    assert bad_date.exit_code == RequestError.exit_code
    assert "the end date must be a date YYYY-MM-DD" in bad_date.output
