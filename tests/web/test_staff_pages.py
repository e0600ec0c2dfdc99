"""The RM's portfolio line on the web workbench: an RM sees their own line, a team head their
team's RMs, the bank-wide roles none; on the closed sample bank (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from corptier.web import create_app
from corptier.workspace import Workspace
from web_bank import log_in, settings


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("staff-pages") / "ws"
        shutil.copytree(request.getfixturevalue("sqlite_bank"), target)
        return Workspace.open(target)
    return Workspace.open(request.getfixturevalue("postgres_bank"))


@pytest.fixture(scope="module")
def client_as(ws: Workspace) -> Iterator[Callable[[str], TestClient]]:
    app = create_app(ws, settings())
    clients: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in clients:
            clients[name] = log_in(TestClient(app), name)
        return clients[name]

    yield client


def _portfolio(html: str) -> str:
    """The portfolio card of a workbench page ('' when absent)."""
    start = html.find('id="portfolio"')
    return "" if start < 0 else html[start:html.find("</section>", start)]


def test_an_rm_sees_only_their_own_portfolio_line(client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = _portfolio(client_as("zhang").get("/workbench").text)
    assert "RM01 张伟" in zhang and "RM02" not in zhang
    li = _portfolio(client_as("li").get("/workbench").text)
    assert "RM02 李娜" in li and "RM01" not in li
    assert "业绩组合" in zhang  # the bank speaks Chinese


def test_a_team_head_sees_the_team_and_bank_wide_roles_none(client_as) -> None:  # type: ignore[no-untyped-def]
    head = _portfolio(client_as("head").get("/workbench").text)
    assert "RM01" in head and "RM02" not in head
    for name in ("ana", "branch", "boss"):
        page = client_as(name).get("/workbench")
        assert page.status_code == 200 and _portfolio(page.text) == ""


def _roster(html: str) -> str:
    start = html.find('id="roster"')
    return "" if start < 0 else html[start:html.find("</section>", start)]


def test_the_staff_page_shows_the_rms_of_each_scope(client_as) -> None:  # type: ignore[no-untyped-def]
    everyone = _roster(client_as("boss").get("/staff").text)
    assert "RM01 张伟" in everyone and "RM02 李娜" in everyone
    head = _roster(client_as("head").get("/staff").text)
    assert "RM01" in head and "RM02" not in head
    branch = _roster(client_as("branch").get("/staff").text)  # 锦江支行: RM02
    assert "RM02" in branch and "RM01" not in branch
    assert client_as("zhang").get("/staff").status_code == 403
    page = client_as("ana").get("/staff")
    assert page.status_code == 200 and "aml" in page.text  # RM02's AML expired 2026-01-31
    assert 'id="gaps"' in page.text and "客户经理队伍" in page.text


def test_a_proposal_is_decided_on_the_staff_page_by_allowed_roles(ws: Workspace,
                                                                 client_as) -> None:  # type: ignore[no-untyped-def]
    from corptier.services import get_proposal, propose_assignments, record_proposal

    stored = record_proposal(ws, propose_assignments(ws, time_limit=10), "ana")
    action = f'action="/staff/proposals/{stored.id}/approve"'
    assert action in client_as("boss").get("/staff").text
    assert action not in client_as("ana").get("/staff").text  # the maker, and not allowed
    ana = client_as("ana")
    assert ana.post(f"/staff/proposals/{stored.id}/approve",
                    data={"csrf_token": ana.csrf}).status_code == 403
    boss = client_as("boss")
    done = boss.post(f"/staff/proposals/{stored.id}/approve",
                     data={"csrf_token": boss.csrf}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/staff")
    assert get_proposal(ws, stored.id).state == "approved"
    again = boss.post(f"/staff/proposals/{stored.id}/reject", data={"csrf_token": boss.csrf})
    assert again.status_code == 409  # already approved: one clear line
    assert "Traceback" not in again.text
