"""Every endpoint × every role gives the outcome of the role matrix (`corptier.web.matrix`,
the source `docs/web.md` is checked against): allowed → anything but 401/403, denied → 403."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from corptier.services.access import ROLES
from corptier.web.matrix import ENDPOINTS, PUBLIC, Endpoint, allowed, role_matrix_markdown
from web_bank import ROLE_USER

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"
PATH_VALUES = {"{customer_id}": "C001", "{override_id}": "999999", "{name}": "plain",
               "{alert_id}": "999999", "{action}": "ack", "{task_id}": "999999",
               "{proposal_id}": "999999"}
FORMS = {
    "/login": {"name": "nobody", "password": "x"},
    "/language": {"lang": "en", "next": "/"},
    "/customers/{customer_id}/overrides": {"tier": "no-such-tier", "reason": "r",
                                           "until": "2099-01-01"},
    "/admin/users/{name}/grant": {"role": "user"},
    "/customers/{customer_id}/interactions": {"on": "2026-09-15", "type": "call"},
}
JSON = {"/api/v1/overrides": {"customer_id": "C001", "tier": "no-such-tier", "reason": "r",
                              "until": "2099-01-01"}}


def _url(endpoint: Endpoint) -> str:
    url = endpoint.path
    for key, value in PATH_VALUES.items():
        url = url.replace(key, value)
    return url


def _call(client, endpoint: Endpoint):  # type: ignore[no-untyped-def]
    url = _url(endpoint)
    if endpoint.method == "GET":
        return client.get(url, follow_redirects=False)
    if endpoint.path.startswith("/api/"):
        return client.post(url, json=JSON.get(endpoint.path, {}),
                           headers={"X-CSRF-Token": client.csrf}, follow_redirects=False)
    data = {**FORMS.get(endpoint.path, {}), "csrf_token": client.csrf}
    return client.post(url, data=data, follow_redirects=False)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_matrix_says(client_as, role: str) -> None:
    client = client_as(ROLE_USER[role])
    for endpoint in [e for e in ENDPOINTS if e.path != "/logout"] + [
            e for e in ENDPOINTS if e.path == "/logout"]:
        if endpoint.action == PUBLIC:
            continue
        answer = _call(client, endpoint)
        if allowed(endpoint, role):
            assert answer.status_code not in (401, 403), (role, endpoint, answer.text[:300])
            assert answer.status_code < 500, (role, endpoint, answer.text[:300])
        else:
            assert answer.status_code == 403, (role, endpoint, answer.status_code)


def test_without_a_session_pages_send_to_login_and_the_api_answers_401(app_of) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app_of())
    for endpoint in ENDPOINTS:
        if endpoint.action == PUBLIC or endpoint.method != "GET":
            continue
        answer = client.get(_url(endpoint), follow_redirects=False)
        if endpoint.path.startswith("/api/"):
            assert answer.status_code == 401
            assert answer.json()["error"]["code"] == "AuthenticationError"
        else:
            assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_the_matrix_lists_every_route_of_the_app() -> None:
    from corptier.web import admin, api, pages

    routes = {(m, r.path) for router in (pages.router, admin.router, api.router)
              for r in router.routes if isinstance(r, APIRoute) for m in r.methods}
    listed = {(e.method, e.path) for e in ENDPOINTS}
    assert routes - {("GET", "/api/v1/openapi.json")} <= listed
    assert listed - {("GET", "/api/v1/openapi.json")} <= routes


def test_docs_web_md_holds_the_role_matrix() -> None:
    assert role_matrix_markdown() in DOCS.read_text(encoding="utf-8")
