"""Dynamics alerts on the closed sample bank (SQLite and PostgreSQL): raised by the engine,
de-duplicated across closes, decided through a checked state machine, escalated on time, and
every change in the audit log. The PostgreSQL bank is shared, so each test uses its own rule id
and asserts on its own alerts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import NotFoundError, RequestError
from corptier.services import (
    acknowledge_alert,
    alert_history,
    dismiss_alert,
    evaluate_alerts,
    get_alert,
    list_alerts,
    resolve_alert,
)
from corptier.services.users import new_token
from corptier.workspace import Workspace

PERIOD = "2026-09"
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
HOSTILE = "=cmd|' /C calc'!A0 [bold red]x[/] <script>alert(1)</script>  \n第二行 "


def _rules(tmp_path: Path, rule_id: str, when: str, severity: str = "high") -> Path:
    path = tmp_path / f"{rule_id}.yaml"
    path.write_text(f"""\
id: test_rules
version: "1"
escalation_hours: {{critical: 4, high: 24, medium: 72, low: 168}}
rules:
  - id: {rule_id}
    description_zh: 逾期超过30天
    description_en: More than 30 days overdue
    when: {when}
    severity: {severity}
""", encoding="utf-8")
    return path


def _rule_id() -> str:
    return f"t_{uuid.uuid4().hex[:10]}"


def _mine(ws: Workspace, rule_id: str, **filters: object) -> list:
    return [a for a in list_alerts(ws, **filters) if a.rule_id == rule_id]  # type: ignore[arg-type]


def _raise(ws: Workspace, tmp_path: Path, when: str = "max_days_overdue > 30"):
    rule_id = _rule_id()
    path = _rules(tmp_path, rule_id, when)
    result = evaluate_alerts(ws, PERIOD, rules_path=path, clock=lambda: T0)
    return rule_id, path, result


def test_a_rule_fires_on_the_customer_past_the_line_only_and_once(
        bank: Workspace, tmp_path: Path) -> None:
    rule_id, path, first = _raise(bank, tmp_path)
    assert first.raised == 1
    [alert] = _mine(bank, rule_id)
    assert (alert.customer_id, alert.rm_id, alert.state, alert.severity) == (
        "C004", "RM02", "open", "high")
    assert alert.facts == "max_days_overdue=45" and alert.holds
    assert alert.title("zh-CN") == "逾期超过30天"
    again = evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: T0 + timedelta(hours=1))
    assert (again.raised, again.updated) == (0, 1)
    assert [a.id for a in _mine(bank, rule_id)] == [alert.id]
    entries = [e for e in alert_history(bank, alert.id)]
    assert entries == []  # raising is summarised per close; decisions are per alert


def test_an_alert_whose_condition_no_longer_holds_stays_until_resolved(
        bank: Workspace, tmp_path: Path) -> None:
    rule_id, path, _ = _raise(bank, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("> 30", "> 300"),
                    encoding="utf-8")
    later = evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: T0)
    assert later.raised == 0 and later.no_longer_holding >= 1
    [alert] = _mine(bank, rule_id)
    assert alert.state == "open" and not alert.holds
    resolve_alert(bank, alert.id, "li", "回款已到账", clock=lambda: T0)
    assert _mine(bank, rule_id)[0].state == "resolved"


def test_the_state_machine_refuses_illegal_transitions_and_audits_each_change(
        bank: Workspace, tmp_path: Path) -> None:
    rule_id, _, _ = _raise(bank, tmp_path)
    [alert] = _mine(bank, rule_id)
    with pytest.raises(RequestError, match="a resolution note is required"):
        resolve_alert(bank, alert.id, "li", "  ")
    with pytest.raises(RequestError, match="a reason is required"):
        dismiss_alert(bank, alert.id, "li", None)
    acknowledge_alert(bank, alert.id, "li", clock=lambda: T0)
    with pytest.raises(RequestError, match="is acknowledged; only an alert that is open can "
                                           "be acknowledged"):
        acknowledge_alert(bank, alert.id, "li")
    done = dismiss_alert(bank, alert.id, "li", "客户已说明原因", clock=lambda: T0)
    assert (done.state, done.closed_by, done.note) == ("dismissed", "li", "客户已说明原因")
    for action in (acknowledge_alert, resolve_alert, dismiss_alert):
        with pytest.raises(RequestError, match="is dismissed; only an alert that is"):
            action(bank, alert.id, "li", "again")
    with pytest.raises(NotFoundError):
        get_alert(bank, 10**9)
    assert [(e.actor, e.action, e.after["state"]) for e in alert_history(bank, alert.id)] == [
        ("li", "acknowledge", "acknowledged"), ("li", "dismiss", "dismissed")]
    assert alert_history(bank, alert.id)[1].before["state"] == "acknowledged"


def test_a_closed_alert_is_raised_again_by_a_later_close_not_by_a_re_close(
        bank: Workspace, tmp_path: Path) -> None:
    rule_id, path, _ = _raise(bank, tmp_path)
    [alert] = _mine(bank, rule_id)
    resolve_alert(bank, alert.id, "li", "done")
    assert evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: T0).raised == 0
    assert len(_mine(bank, rule_id)) == 1


def test_an_unacknowledged_alert_is_escalated_to_the_team_head_after_its_hours(
        bank: Workspace, tmp_path: Path) -> None:
    rule_id, path, _ = _raise(bank, tmp_path, "rm_id == \"RM01\" and dep_avg > 10_000_000")
    [alert] = _mine(bank, rule_id)  # C001, RM01: team head "head" leads RM01
    assert alert.customer_id == "C001"
    early = T0 + timedelta(hours=23)
    assert not get_alert(bank, alert.id, clock=lambda: early).escalated
    assert _mine(bank, rule_id, mine="zhang", clock=lambda: early)  # the RM sees it
    assert not _mine(bank, rule_id, mine="head", clock=lambda: early)
    assert not _mine(bank, rule_id, mine="li", clock=lambda: early)  # another RM's customer
    late = T0 + timedelta(hours=24)
    assert get_alert(bank, alert.id, clock=lambda: late).escalated  # read at listing
    assert _mine(bank, rule_id, mine="head", clock=lambda: late)
    stamped = evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: late)
    assert stamped.escalated >= 1
    assert get_alert(bank, alert.id).escalated_at == late.replace(tzinfo=None)
    assert [e.action for e in alert_history(bank, alert.id)] == ["escalate"]


def test_an_acknowledged_alert_is_not_escalated(bank: Workspace, tmp_path: Path) -> None:
    rule_id, path, _ = _raise(bank, tmp_path)
    [alert] = _mine(bank, rule_id)
    acknowledge_alert(bank, alert.id, "li", clock=lambda: T0 + timedelta(hours=1))
    late = T0 + timedelta(days=30)
    evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: late)
    seen = get_alert(bank, alert.id, clock=lambda: late)
    assert not seen.escalated and seen.escalated_at is None


def test_filters_are_checked(bank: Workspace) -> None:
    with pytest.raises(RequestError, match="unknown alert state 'closed'"):
        list_alerts(bank, state="closed")
    with pytest.raises(RequestError, match="unknown alert severity 'urgent'"):
        list_alerts(bank, severity="urgent")
    with pytest.raises(RequestError, match="--mine: user ana"):
        list_alerts(bank, mine="ana")


def test_a_hostile_note_is_stored_verbatim_and_shown_as_text(
        bank: Workspace, tmp_path: Path) -> None:

    rule_id, _, _ = _raise(bank, tmp_path)
    [alert] = _mine(bank, rule_id)
    token = new_token(bank, "li", by="boss").token
    runner = CliRunner(env={"COLUMNS": "600", "CORPTIER_TOKEN": token, "CORPTIER_LANG": "en"})
    done = runner.invoke(app, ["alerts", "resolve", str(alert.id), "--note", HOSTILE,
                               "-w", str(bank.root)])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"alert {alert.id} (C004) resolved by li"
    assert get_alert(bank, alert.id).note == HOSTILE
    assert alert_history(bank, alert.id)[-1].after["note"] == HOSTILE
    shown = runner.invoke(app, ["alerts", "list", "--mine", "--state", "resolved",
                                "-w", str(bank.root)])
    assert shown.exit_code == 0, shown.output
    assert "=cmd|' /C calc'!A0 [bold red]x[/] <script>alert(1)</script>" in shown.stdout
    again = runner.invoke(app, ["alerts", "resolve", str(alert.id), "--note", "x",
                                "-w", str(bank.root)])
    assert again.exit_code == RequestError.exit_code
    assert again.stderr.strip().startswith("error: alert ")
    assert "Traceback" not in again.output


def test_a_rising_severity_brings_the_escalation_forward(bank: Workspace,
                                                         tmp_path: Path) -> None:
    rule_id = _rule_id()
    path = _rules(tmp_path, rule_id, "max_days_overdue > 30", severity="low")
    evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: T0)
    [alert] = _mine(bank, rule_id)
    assert alert.escalate_at == (T0 + timedelta(hours=168)).replace(tzinfo=None)
    _rules(tmp_path, rule_id, "max_days_overdue > 30", severity="critical")
    evaluate_alerts(bank, PERIOD, rules_path=path, clock=lambda: T0 + timedelta(hours=1))
    risen = get_alert(bank, alert.id, clock=lambda: T0 + timedelta(hours=5))
    assert risen.severity == "critical" and risen.escalated
    assert risen.escalate_at == (T0 + timedelta(hours=4)).replace(tzinfo=None)


def test_the_close_evaluates_the_workspace_rules(bank: Workspace) -> None:
    # the bank's close of 2026-09 ran the shipped rules: C004 is 45 days overdue
    raised = [a for a in list_alerts(bank, period=PERIOD) if a.rule_id == "overdue_30"]
    assert [(a.customer_id, a.first_period, a.assignee) for a in raised] == [
        ("C004", PERIOD, "rm")]


def test_broken_rules_leave_the_close_published_and_say_how_to_recover(
        bank: Workspace) -> None:
    from corptier.services import close_period, published_run

    own = bank.standards_dir / "alerts.yaml"
    kept = own.read_bytes()
    try:
        own.write_text(own.read_text(encoding="utf-8").replace(
            "when: rating_notches_down >= 1", "when: rating_notch >= 1"), encoding="utf-8")
        [text] = close_period(bank, PERIOD, by="boss").follow_up_problems
        assert text.startswith(f"period {PERIOD} is published, but its alerts were not "
                               "evaluated: ")
        assert "alerts.yaml:" in text and "rules[2].when" in text
        assert "corptier alerts evaluate --period 2026-09" in text
        assert published_run(bank, PERIOD).period == PERIOD
    finally:
        own.write_bytes(kept)
