"""Fixtures of the web tests: the closed bank on SQLite and on PostgreSQL, its app, clients
logged in as a user."""

from __future__ import annotations

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
