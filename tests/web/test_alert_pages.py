"""The alerts page: scoped like the book (an RM sees their customers' alerts only), handled
through forms with the CSRF token, hostile notes shown escaped, every decision audited."""

from __future__ import annotations

import uuid
from pathlib import Path

from corptier.services import alert_history, evaluate_alerts, get_alert, list_alerts

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0"


def _raise(bank, tmp_path: Path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """One alert on C004 (RM02, li) and one on C001 (RM01, zhang); their ids."""
    rule_id = f"w_{uuid.uuid4().hex[:10]}"
    path = tmp_path / "alerts.yaml"
    path.write_text(f"""\
id: web_rules
version: "1"
escalation_hours: {{medium: 72}}
rules:
  - id: {rule_id}
    description_zh: 测试预警
    description_en: Test alert
    when: customer_id == "C004" or customer_id == "C001"
    severity: medium
""", encoding="utf-8")
    evaluate_alerts(bank, "2026-09", rules_path=path)
    ids = {a.customer_id: a.id for a in list_alerts(bank) if a.rule_id == rule_id}
    return ids["C004"], ids["C001"]


def test_an_rm_sees_and_handles_only_their_customers_alerts(client_as, bank,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    theirs, other = _raise(bank, tmp_path)
    li = client_as("li")
    page = li.get("/alerts")
    assert page.status_code == 200 and "测试预警" in page.text
    assert f'action="/alerts/{theirs}/ack"' in page.text
    assert f'action="/alerts/{other}/ack"' not in page.text
    refused = li.post(f"/alerts/{other}/ack", data={"csrf_token": li.csrf})
    assert refused.status_code == 404
    assert get_alert(bank, other).state == "open"
    no_csrf = li.post(f"/alerts/{theirs}/ack", data={})
    assert no_csrf.status_code == 403
    done = li.post(f"/alerts/{theirs}/ack", data={"csrf_token": li.csrf},
                   follow_redirects=False)
    assert done.status_code == 303
    blank = li.post(f"/alerts/{theirs}/resolve", data={"csrf_token": li.csrf, "note": " "})
    assert blank.status_code == 422 and "note" in blank.text
    li.post(f"/alerts/{theirs}/resolve", data={"csrf_token": li.csrf, "note": HOSTILE})
    assert get_alert(bank, theirs).note == HOSTILE
    shown = li.get("/alerts?state=resolved").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    assert [(e.actor, e.action) for e in alert_history(bank, theirs)] == [
        ("li", "acknowledge"), ("li", "resolve")]


def test_a_bank_wide_reader_sees_alerts_but_cannot_handle_them(  # type: ignore[no-untyped-def]
        client_as, bank, tmp_path: Path) -> None:
    theirs, _ = _raise(bank, tmp_path)
    analyst = client_as("ana")
    assert f"/alerts/{theirs}/" not in analyst.get("/alerts").text  # reads, cannot act
    assert analyst.post(f"/alerts/{theirs}/ack",
                        data={"csrf_token": analyst.csrf}).status_code == 403
