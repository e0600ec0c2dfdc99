"""A close applies only overrides whose approval is in the verified audit log; closes and loads
are audited with who did them (issue 16)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pyarrow.parquet as pq
import sqlalchemy as sa

from corptier import services as ov
from corptier.services import close_period, load_period
from corptier.workspace import PUBLISHED_TIERS, Workspace

PERIOD = "2026-09"
NOW = datetime(2026, 9, 1, 9, 0)
UNTIL = date(2026, 12, 31)


def _tiers(ws: Workspace) -> dict[str, tuple[str, str, int | None]]:
    table = pq.read_table(ws.partition_file(PUBLISHED_TIERS, PERIOD)).to_pylist()
    return {r["customer_id"]: (r["computed_tier"], r["applied_tier"], r["override_id"])
            for r in table}


def _other_tier(current: str) -> str:
    return "strategic" if current != "strategic" else "basic"


def _audit(ws: Workspace, action: str) -> list[sa.Row]:
    with ws.db.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT actor, entity_id, after FROM audit_log WHERE action = :a ORDER BY id"),
            {"a": action}))


def test_a_forged_approval_does_not_change_a_tier(loaded: Workspace) -> None:
    close_period(loaded, PERIOD)
    before = _tiers(loaded)
    honest_customer, forged_customer = sorted(before)[:2]
    honest_tier = _other_tier(before[honest_customer][0])
    forged_tier = _other_tier(before[forged_customer][0])
    honest = ov.request_override(loaded, honest_customer, honest_tier, "mandate", UNTIL,
                                 "alice", clock=lambda: NOW)
    ov.approve_override(loaded, honest.id, "bob", clock=lambda: NOW)
    forged = ov.request_override(loaded, forged_customer, forged_tier, "mandate", UNTIL,
                                 "alice", clock=lambda: NOW)
    with loaded.db.begin() as conn:  # the approval nobody gave
        conn.execute(sa.text("UPDATE tier_override SET state = 'approved', decided_by = 'bob', "
                             "decided_at = :t WHERE id = :i"), {"t": NOW, "i": forged.id})

    result = close_period(loaded, PERIOD, by="carol")

    after = _tiers(loaded)
    assert after[honest_customer][1:] == (honest_tier, honest.id)
    assert after[forged_customer][1:] == (before[forged_customer][1], None)
    assert result.overrides_not_applied == (
        f"#{forged.id} ({forged_customer} → {forged_tier}): approval not in the audit log",)


def test_an_approved_override_edited_afterwards_is_left_out(loaded: Workspace) -> None:
    close_period(loaded, PERIOD)
    before = _tiers(loaded)
    customer = sorted(before)[0]
    o = ov.request_override(loaded, customer, _other_tier(before[customer][0]), "mandate",
                            UNTIL, "alice", clock=lambda: NOW)
    ov.approve_override(loaded, o.id, "bob", clock=lambda: NOW)
    with loaded.db.begin() as conn:
        conn.execute(sa.text("UPDATE tier_override SET tier = 'basic', valid_until = :u "
                             "WHERE id = :i"), {"u": date(2030, 1, 1), "i": o.id})
    result = close_period(loaded, PERIOD)
    assert _tiers(loaded)[customer][2] is None
    assert "differs from its approval" in result.overrides_not_applied[0]


def test_a_close_is_audited_with_who_what_and_the_run(loaded: Workspace) -> None:
    result = close_period(loaded, PERIOD, by="Carol\u200b")
    [entry] = _audit(loaded, "close")
    after = entry.after if isinstance(entry.after, dict) else json.loads(entry.after)
    assert (entry.actor, entry.entity_id) == ("carol", PERIOD)
    assert after["run_id"] == result.run_id
    assert (after["standard_id"], after["standard_version"]) == (result.standard_id,
                                                                 result.standard_version)
    from corptier.services.audit import verify_audit_log

    [alerts] = _audit(loaded, "evaluate")  # the close's alert evaluation, by the same user
    assert alerts.actor == "carol"
    assert verify_audit_log(loaded).entries == len(_audit(loaded, "load_period")) + 2


def test_a_load_records_the_acting_user(loaded: Workspace, tmp_path) -> None:
    from sample_data import write_sample_period

    folder = tmp_path / "in"
    write_sample_period(folder, PERIOD)
    load_period(loaded, PERIOD, folder, by="ＤＡＶＥ")
    assert _audit(loaded, "load_period")[-1].actor == "dave"
