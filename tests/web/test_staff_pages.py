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
