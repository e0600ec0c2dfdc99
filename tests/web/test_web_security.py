"""Sessions, CSRF, login lockout and rate limit, headers, hostile input."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from corptier.services import list_overrides
from web_bank import PASSWORD, csrf_of, log_in


def test_pages_carry_the_security_headers(client_as) -> None:
    answer = client_as("ana").get("/")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in answer.text.replace('<script src="', "")


def test_a_form_without_the_sessions_csrf_token_changes_nothing(client_as, bank) -> None:
    client = client_as("zhang")
    form = {"tier": "key", "reason": "x", "until": "2099-01-01"}
    before = len(list_overrides(bank))
    for token in (None, "forged", csrf_of(TestClient(client.app).get("/login").text)):
        data = form if token is None else {**form, "csrf_token": token}
        assert client.post("/customers/C001/overrides", data=data).status_code == 403
    assert len(list_overrides(bank)) == before
    done = client.post("/customers/C001/overrides", data={**form, "csrf_token": client.csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and len(list_overrides(bank)) == before + 1


def test_the_login_form_needs_its_csrf_token(app_of) -> None:
    client = TestClient(app_of())
    answer = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert answer.status_code == 400 and client.get("/", follow_redirects=False).status_code == 303


def test_five_wrong_passwords_lock_the_user(app_of) -> None:
    client = TestClient(app_of())
    for _ in range(5):
        token = csrf_of(client.get("/login").text)
        bad = client.post("/login", data={"name": "locky", "password": "wrong password!",
                                          "csrf_token": token})
        assert bad.status_code == 401
    token = csrf_of(client.get("/login").text)
    locked = client.post("/login", data={"name": "locky", "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)
    assert locked.status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_too_many_attempts_from_one_address_are_refused(app_of) -> None:
    client = TestClient(app_of(login_attempts_per_minute=3))
    codes = []
    for _ in range(4):
        token = csrf_of(client.get("/login").text)
        codes.append(client.post("/login", data={"name": "nobody", "password": "x",
                                                 "csrf_token": token}).status_code)
    assert codes == [401, 401, 401, 429]


def test_logout_ends_the_session_even_for_a_copied_cookie(client_as) -> None:
    client = client_as("ana")
    stolen = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": client.csrf},
                       follow_redirects=False).status_code == 303
    thief = TestClient(client.app, cookies=stolen)
    assert thief.get("/", follow_redirects=False).status_code == 303
    assert thief.get("/api/v1/tiers").status_code == 401


def test_a_tampered_or_idle_session_is_refused(app_of) -> None:
    client = log_in(TestClient(app_of(idle_minutes=1 / 60)), "ana")
    name = "corptier_session"
    value = client.cookies[name]
    forged = TestClient(client.app, cookies={name: value[:-2] + "xx"})
    assert forged.get("/api/v1/tiers").status_code == 401
    time.sleep(2.1)
    assert client.get("/api/v1/tiers").json()["error"]["code"] == "AuthenticationError"


def test_the_api_takes_a_bearer_token_without_csrf(app_of, bank) -> None:
    from corptier.services import new_token

    token = new_token(bank, "zhang", by="zhang").token
    client = TestClient(app_of())
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/customers", headers=headers).json()["count"] == 3
    made = client.post("/api/v1/overrides", headers=headers, json={
        "customer_id": "C001", "tier": "key", "reason": "r", "until": "2099-01-01"})
    assert made.status_code == 201 and made.json()["requested_by"] == "zhang"
    wrong = client.get("/api/v1/customers", headers={"Authorization": "Bearer ct_nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0",
                                  "[bold]x[/bold]", "С001"])
def test_hostile_search_text_is_shown_escaped_and_finds_nothing(client_as, text: str) -> None:
    page = client_as("ana").get("/customers", params={"q": text})
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert "C001" not in page.text.split("<tbody>", 1)[1]


def test_the_language_switch_stays_on_this_site(client_as) -> None:
    client = client_as("ana")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        answer = client.post("/language", data={"lang": "en", "next": target,
                                                "csrf_token": client.csrf},
                             follow_redirects=False)
        assert answer.headers["location"] == "/"
    assert "Dashboard" in client.get("/").text
    client.post("/language", data={"lang": "zh-CN", "next": "/", "csrf_token": client.csrf})
    assert "客户" in client.get("/").text
