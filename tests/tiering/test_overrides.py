"""Overrides with approval: maker-checker, expiry, audit rows; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import ApprovalError, NotFoundError
from corptier.store.db import make_engine
from corptier.store.migrate import upgrade
from corptier.tiering import overrides as ov
from corptier.tiering.overrides import OverrideRequestError

TIERS = ("strategic", "core", "key", "growth", "basic")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path: Path):
    url = (f"sqlite:///{tmp_path / 'db.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_schema_url"))
    upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 30, 9, 0, tzinfo=UTC))


def _request(engine, clock, customer="C0001", tier="core", by="alice", days=90):
    return ov.request_override(engine, customer, tier, "strategic relationship, new mandate",
                               clock().date() + timedelta(days=days), by,
                               valid_tiers=TIERS, clock=clock)


def _audit(engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT actor, action, entity, entity_id, before, after FROM audit_log ORDER BY id")))


def test_request_then_approve_by_someone_else(engine, clock) -> None:
    pending = _request(engine, clock)
    assert pending.id is not None and pending.state == "pending"
    assert ov.active_overrides(engine, clock().date()) == {}
    clock.advance(hours=2)
    approved = ov.approve(engine, pending.id, "bob", note="agreed in credit committee",
                          clock=clock)
    assert (approved.state, approved.decided_by) == ("approved", "bob")
    assert approved.decided_at == datetime(2026, 9, 30, 11, 0)
    assert approved.decision_note == "agreed in credit committee"
    active = ov.active_overrides(engine, date(2026, 10, 31))
    assert list(active) == ["C0001"] and active["C0001"].tier == "core"


def test_every_action_writes_an_audit_row_with_before_and_after(engine, clock) -> None:
    first = _request(engine, clock)
    ov.approve(engine, first.id, "bob", clock=clock)
    ov.revoke(engine, first.id, "carol", note="customer moved its business", clock=clock)
    rows = _audit(engine)
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
    assert [h.action for h in ov.history(engine, first.id)] == ["request", "approve", "revoke"]


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_maker_cannot_check_their_own_request(engine, clock) -> None:
    pending = _request(engine, clock, by="alice")
    for checker in ("alice", " ALICE "):
        with pytest.raises(ApprovalError, match="requested by alice; someone else"):
            ov.approve(engine, pending.id, checker, clock=clock)
        with pytest.raises(ApprovalError, match="maker-checker"):
            ov.reject(engine, pending.id, checker, clock=clock)
    assert ov.get_override(engine, pending.id).state == "pending"
    assert [r.action for r in _audit(engine)] == ["request"]  # refused actions leave no trace


def test_only_pending_overrides_are_decided(engine, clock) -> None:
    one, two = _request(engine, clock), _request(engine, clock, customer="C0002")
    ov.approve(engine, one.id, "bob", clock=clock)
    ov.reject(engine, two.id, "bob", note="not justified", clock=clock)
    with pytest.raises(ApprovalError, match="is approved; only pending"):
        ov.approve(engine, one.id, "carol", clock=clock)
    with pytest.raises(ApprovalError, match="is rejected; only pending"):
        ov.approve(engine, two.id, "carol", clock=clock)
    with pytest.raises(ApprovalError, match="is rejected; only pending or approved"):
        ov.revoke(engine, two.id, "carol", clock=clock)
    with pytest.raises(NotFoundError, match="override 999 does not exist"):
        ov.approve(engine, 999, "carol", clock=clock)


def test_expiry(engine, clock) -> None:
    approved = _request(engine, clock, days=30)
    ov.approve(engine, approved.id, "bob", clock=clock)
    stale = _request(engine, clock, customer="C0002", days=10)
    last_day = clock().date() + timedelta(days=30)
    assert set(ov.active_overrides(engine, last_day)) == {"C0001"}  # valid through its date
    assert ov.active_overrides(engine, last_day + timedelta(days=1)) == {}
    clock.advance(days=45)
    with pytest.raises(ApprovalError, match=r"expired on .* before it was approved"):
        ov.approve(engine, stale.id, "bob", clock=clock)
    listed = ov.list_overrides(engine, clock=clock)
    assert [ov.effective_state(o, clock().date()) for o in listed] == ["expired", "expired"]
    assert [o.id for o in ov.list_overrides(engine, "expired", clock=clock)] == [approved.id,
                                                                                 stale.id]
    assert ov.list_overrides(engine, "approved", clock=clock) == []
    with pytest.raises(ApprovalError, match="is expired"):
        ov.revoke(engine, approved.id, "bob", clock=clock)


def test_latest_approval_wins_and_revoked_ones_do_not_apply(engine, clock) -> None:
    older = _request(engine, clock, tier="core")
    newer = _request(engine, clock, tier="key")
    ov.approve(engine, newer.id, "bob", clock=clock)
    clock.advance(minutes=5)
    ov.approve(engine, older.id, "bob", clock=clock)
    assert ov.active_overrides(engine, clock().date())["C0001"].id == older.id
    ov.revoke(engine, older.id, "alice", clock=clock)
    assert ov.active_overrides(engine, clock().date())["C0001"].id == newer.id


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
def test_requests_are_checked(engine, clock, changes, message) -> None:
    args = {"customer_id": "C0001", "tier": "core", "reason": "why", "until": date(2026, 12, 31),
            "by": "alice", **changes}
    with pytest.raises(OverrideRequestError, match=message):
        ov.request_override(engine, valid_tiers=TIERS, clock=clock, **args)
    assert _audit(engine) == []


def test_list_filters_by_state_and_customer(engine, clock) -> None:
    a, b, c = (_request(engine, clock, customer=cid) for cid in ("C1", "C2", "C1"))
    ov.approve(engine, a.id, "bob", clock=clock)
    ov.reject(engine, b.id, "bob", clock=clock)
    assert [o.id for o in ov.list_overrides(engine, "pending", clock=clock)] == [c.id]
    assert [o.id for o in ov.list_overrides(engine, customer_id="C1", clock=clock)] == [a.id,
                                                                                         c.id]
    with pytest.raises(OverrideRequestError, match="unknown override state 'open'"):
        ov.list_overrides(engine, "open", clock=clock)


def test_audit_log_refuses_update_and_delete(engine, clock) -> None:
    _request(engine, clock)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert [r.actor for r in _audit(engine)] == ["alice"]


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
    assert "C0042" in listed.output and "approved" in listed.output


def test_cli_checks_the_tier_against_the_workspace_standard(workspace) -> None:
    until = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    result = CliRunner().invoke(app, ["override", "request", "C0042", "--tier", "gold",
                                      "--reason", "x", "--until", until, "--by", "alice",
                                      "--workspace", str(workspace.root)])
    assert result.exit_code == OverrideRequestError.exit_code
    assert "unknown tier 'gold'" in result.output
    bad_date = CliRunner().invoke(app, ["override", "request", "C0042", "--tier", "core",
                                        "--reason", "x", "--until", "31/12/2026", "--by", "a",
                                        "--workspace", str(workspace.root)])
    assert bad_date.exit_code == OverrideRequestError.exit_code
    assert "--until must be a date YYYY-MM-DD" in bad_date.output
