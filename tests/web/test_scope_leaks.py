"""An RM sees their own book and nothing of another RM's: not by id, search, export, API,
explanation or override; team and branch heads see their teams' and sub-branches' books."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

OTHER = ("C003", "锦江商贸有限公司", "91510100MA6CW3K09U")
"""RM02's customer, asked for by RM01's user `zhang`."""
BOOKS = {"zhang": {"C001", "C002", "C005"}, "li": {"C003", "C004"},
         "head": {"C001", "C002", "C005"}, "branch": {"C003", "C004"},
         "ana": {"C001", "C002", "C003", "C004", "C005"}, "aud": {"C001", "C002", "C003",
                                                                 "C004", "C005"}}


def _absent(text: str) -> None:
    for secret in OTHER[1:]:
        assert secret not in text


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_each_user_lists_exactly_their_book(client_as, name: str) -> None:
    client = client_as(name)
    found = client.get("/api/v1/customers", params={"size": 200}).json()
    assert {c["customer_id"] for c in found["data"]} == BOOKS[name]
    assert found["count"] == len(BOOKS[name])
    export = client.get("/customers/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == BOOKS[name]


def test_an_rm_gets_not_found_for_another_rms_customer_every_way(client_as) -> None:
    client = client_as("zhang")
    for url in ("/customers/C003", "/api/v1/customers/C003",
                "/api/v1/customers/C003/explanation"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        _absent(answer.text)
    for text in OTHER:
        page = client.get("/customers", params={"q": text})
        results = page.text.split("<tbody>", 1)[1]  # the search box echoes the text
        assert page.status_code == 200 and "C003" not in results
        _absent(results)
        assert client.get("/api/v1/customers", params={"q": text}).json()["count"] == 0
        export = client.get("/customers/export.xlsx", params={"q": text})
        assert load_workbook(io.BytesIO(export.content)).active.max_row == 1
    asked = client.post("/customers/C003/overrides", data={
        "tier": "key", "reason": "x", "until": "2099-01-01", "csrf_token": client.csrf})
    assert asked.status_code == 404
    api = client.post("/api/v1/overrides", json={"customer_id": "C003", "tier": "key",
                                                 "reason": "x", "until": "2099-01-01"},
                      headers={"X-CSRF-Token": client.csrf})
    assert api.status_code == 404 and api.json()["error"]["code"] == "NotFoundError"


def test_another_rms_overrides_are_invisible_and_cannot_be_decided(client_as) -> None:
    li = client_as("li")
    made = li.post("/api/v1/overrides", json={"customer_id": "C003", "tier": "key",
                                              "reason": "战略合作", "until": "2099-01-01"},
                   headers={"X-CSRF-Token": li.csrf})
    assert made.status_code == 201, made.text
    override_id = made.json()["id"]
    zhang, head = client_as("zhang"), client_as("head")
    seen = {o["customer_id"] for o in zhang.get("/api/v1/overrides").json()["data"]}
    assert seen <= BOOKS["zhang"]
    assert "战略合作" not in zhang.get("/overrides").text
    # the team head of RM01's team may approve, but not outside the team's book
    refused = head.post(f"/api/v1/overrides/{override_id}/approve", json={},
                        headers={"X-CSRF-Token": head.csrf})
    assert refused.status_code == 404
    branch = client_as("branch")
    approved = branch.post(f"/api/v1/overrides/{override_id}/approve", json={},
                           headers={"X-CSRF-Token": branch.csrf})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == "branch"


def test_the_standard_comparison_shows_no_movers_to_scoped_roles(client_as) -> None:
    """The comparison lists the whole bank's movers: the scoped roles are refused it."""
    text = (Path(__file__).resolve().parents[2] / "src" / "corptier" / "standards"
            / "default.yaml").read_bytes()
    ana = client_as("ana")
    sent = ana.post("/standards/candidates", data={"csrf_token": ana.csrf},
                    files={"file": ("c.yaml", text, "application/x-yaml")},
                    follow_redirects=False)
    assert sent.status_code == 303
    where = sent.headers["location"]
    for name in ("zhang", "head", "branch"):
        client = client_as(name)
        for url in (f"{where}?period=2026-09", f"{where}/backtest"):
            answer = client.get(url)
            assert answer.status_code == 403, (name, url)
            _absent(answer.text)
