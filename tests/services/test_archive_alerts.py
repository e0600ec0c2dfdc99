"""Alerts after an archive edit, on a copy of the closed sample bank: a key contact changed or
an interaction logged evaluates the archive's rules again for that customer only,
de-duplicated as at a close; a logged visit makes `no_visit_in_cadence` stop holding.

A copy of the SQLite bank only: the PostgreSQL bank is shared by the session's tests, which
these edits (a visit completes a plan task) would disturb."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corptier.services import add_contact, list_alerts, log_interaction, read_published
from corptier.services.archive_alerts import reevaluate_archive_alerts
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

PERIOD = "2026-09"


@pytest.fixture
def bank(sqlite_bank: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(sqlite_bank, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


def OCT_5() -> datetime:
    return datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def live(ws: Workspace, rule: str) -> dict[str, tuple[bool, str]]:
    """customer → (holds, facts) of the live alerts of `rule`."""
    return {a.customer_id: (a.holds, a.facts) for a in list_alerts(ws)
            if a.rule_id == rule and a.state in ("open", "acknowledged")}


def evaluations(ws: Workspace) -> list[dict[str, object]]:
    with UnitOfWork(ws.db) as uow:
        return [e.after for e in uow.audit.for_entity("alerts", PERIOD)
                if e.after and "customers" in e.after]


def test_a_key_contact_change_raises_its_alert_for_that_customer_once(bank: Workspace) -> None:
    before = live(bank, "key_contact_changed")
    others = {a.id: a.holds for a in list_alerts(bank) if a.customer_id != "C004"}
    done = len(evaluations(bank))
    add_contact(bank, "C003", "boss", role="finance_head", name="李四", phone="13800005678",
                clock=OCT_5)
    assert len(evaluations(bank)) == done and live(bank, "key_contact_changed") == before
    add_contact(bank, "C004", "boss", role="legal_representative", name="=cmd|' /C calc'!A0",
                phone="13800001234", clock=OCT_5)
    assert live(bank, "key_contact_changed") == before | {"C004": (True,
                                                                   "key_contact_changed=1")}
    [first] = evaluations(bank)[done:]
    assert (first["customers"], first["raised"], first["as_of"]) == (["C004"], 1, "2026-10-05")
    assert "key_contact_changed" in first["rule_ids"] and "deposit_drop" not in first["rule_ids"]
    add_contact(bank, "C004", "boss", role="actual_controller", name="王五",
                phone="13800009999", clock=OCT_5)
    assert [e["raised"] for e in evaluations(bank)[done:]] == [1, 0]
    assert len([a for a in list_alerts(bank) if a.rule_id == "key_contact_changed"
                and a.customer_id == "C004"]) == 1
    assert {a.id: a.holds for a in list_alerts(bank) if a.customer_id != "C004"} == others


def test_a_logged_visit_stops_the_no_visit_alert_holding(bank: Workspace) -> None:
    tiers = read_published(bank, PERIOD, ["customer_id", "applied_tier"]).table.to_pylist()
    customer = next(r["customer_id"] for r in tiers if r["customer_id"] in ("C003", "C004"))
    assert "C001" not in live(bank, "no_visit_in_cadence")
    log_interaction(bank, "boss", customer_id=customer, on="2026-10-02", type="call",
                    clock=OCT_5)
    alerts = live(bank, "no_visit_in_cadence")
    assert alerts[customer][0] is True and "visits_12m=0" in alerts[customer][1]
    assert "C001" not in alerts      # only the edited customer was evaluated
    log_interaction(bank, "boss", customer_id=customer, on="2026-10-04", type="visit",
                    clock=OCT_5)
    assert live(bank, "no_visit_in_cadence")[customer][0] is False
    assert reevaluate_archive_alerts(bank, [], "boss", clock=OCT_5) is None
