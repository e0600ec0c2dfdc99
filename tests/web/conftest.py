"""Fixtures of the web tests: the closed bank on SQLite and on PostgreSQL, its app, clients
logged in as a user."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from corptier.web import create_app
from corptier.workspace import Workspace
from web_bank import log_in, settings


@pytest.fixture
def app_of(bank: Workspace):  # type: ignore[no-untyped-def]
    """`app_of(**settings)`: the web app of the bank."""
    return lambda **overrides: create_app(bank, settings(**overrides))


@pytest.fixture
def client_as(app_of):  # type: ignore[no-untyped-def]
    """`client_as(name)`: a client logged in as that user."""
    app = app_of()
    return lambda name: log_in(TestClient(app), name)


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def module_ws(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """One copy of the closed bank's folder per module (its SQLite database, or the shared
    PostgreSQL schema): the module's files (reports, quarantine) stay its own; tests assert
    the changes they make, not absolute counts."""
    source = request.getfixturevalue(f"{request.param}_bank")
    target = tmp_path_factory.mktemp(f"module-{request.param}") / "ws"
    shutil.copytree(source, target)
    return Workspace.open(target)


@pytest.fixture(scope="module")
def module_client_as(module_ws: Workspace) -> Callable[[str], TestClient]:
    """`module_client_as(name)`: one logged-in client per user for the whole module."""
    app = create_app(module_ws, settings())
    clients: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in clients:
            clients[name] = log_in(TestClient(app), name)
        return clients[name]

    return client
