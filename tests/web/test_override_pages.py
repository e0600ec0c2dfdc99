"""The override round trip through the pages: an RM requests from the customer page, their
team head approves in the queue, both see it; the audit log names the web users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from corptier.services import list_overrides, override_history


def test_request_on_the_customer_page_and_approve_in_the_queue(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    zhang, head = client_as("zhang"), client_as("head")
    page = zhang.get("/customers/C005")
    assert page.status_code == 200 and 'action="/customers/C005/overrides"' in page.text
    until = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    reason = "<b>年度重点</b> =HYPERLINK()"
    sent = zhang.post("/customers/C005/overrides", data={
        "tier": "growth", "reason": reason, "until": until, "csrf_token": zhang.csrf},
        follow_redirects=False)
    assert sent.status_code == 303
    [made] = [o for o in list_overrides(bank, "pending", "C005") if o.reason == reason]
    queue = head.get("/overrides").text
    assert f'action="/overrides/{made.id}/approve"' in queue
    assert "&lt;b&gt;年度重点&lt;/b&gt;" in queue and "<b>年度重点" not in queue
    assert "<td>成长客户</td>" in queue and "<td>growth</td>" not in queue  # named, not coded
    assert f'action="/overrides/{made.id}/approve"' not in zhang.get("/overrides").text
    own = zhang.post(f"/overrides/{made.id}/approve", data={"csrf_token": zhang.csrf})
    assert own.status_code == 403
    done = head.post(f"/overrides/{made.id}/approve", data={"csrf_token": head.csrf},
                     follow_redirects=False)
    assert done.status_code == 303
    assert [(e.actor, e.action) for e in override_history(bank, made.id)] == [
        ("zhang", "request"), ("head", "approve")]
    again = head.post(f"/overrides/{made.id}/approve", data={"csrf_token": head.csrf})
    assert again.status_code == 409
    assert "已批准" in zhang.get("/customers/C005").text


def test_a_bad_request_names_the_field_on_one_line(client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = client_as("zhang")
    answer = zhang.post("/customers/C001/overrides", data={
        "tier": "growth", "reason": "x", "until": "31/12/2099", "csrf_token": zhang.csrf})
    assert answer.status_code == 422 and "YYYY-MM-DD" in answer.text
    assert "Traceback" not in answer.text


def test_the_approval_queue_shows_the_risk_exception_and_the_start(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    zhang, head = client_as("zhang"), client_as("head")
    until = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    exception = "<i>CRO</i> memo 12"
    sent = zhang.post("/customers/C005/overrides", data={
        "tier": "core", "reason": "risk signed", "until": until, "valid_from": "2026-09-01",
        "risk_exception": f"  {exception} ", "csrf_token": zhang.csrf}, follow_redirects=False)
    assert sent.status_code == 303
    [made] = [o for o in list_overrides(bank, "pending", "C005") if o.reason == "risk signed"]
    assert (made.risk_exception, made.requested_from.isoformat()) == (exception, "2026-09-01")
    queue = head.get("/overrides").text
    assert "&lt;i&gt;CRO&lt;/i&gt; memo 12" in queue and "2026-09-01" in queue
    bad = zhang.post("/customers/C005/overrides", data={
        "tier": "core", "reason": "x", "until": until, "valid_from": "1/9/2026",
        "csrf_token": zhang.csrf})
    # the zh-CN workspace's page says the service's error in Chinese
    assert bad.status_code == 422 and "生效日期须为 YYYY-MM-DD 格式" in bad.text
