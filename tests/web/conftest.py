"""Fixtures of the web tests: the closed bank on SQLite and on PostgreSQL, its app, clients
logged in as a user."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_bank import build_bank, log_in, settings

from corptier.web import create_app
from corptier.workspace import Workspace


@pytest.fixture(scope="session")
def sqlite_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bank(tmp_path_factory.mktemp("web-sqlite")).root


@pytest.fixture(scope="session")
def postgres_bank(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Path]:
    import sqlalchemy as sa

    from corptier.store.db import make_engine

    schema = f"web_{uuid.uuid4().hex[:12]}"
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    yield build_bank(tmp_path_factory.mktemp("web-pg"), url).root
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bank(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A fresh copy of the closed bank (SQLite), or the PostgreSQL one with its own schema."""
    if request.param == "sqlite":
        source = request.getfixturevalue("sqlite_bank")
        shutil.copytree(source, tmp_path / "ws")
        return Workspace.open(tmp_path / "ws")
    return Workspace.open(request.getfixturevalue("postgres_bank"))


@pytest.fixture
def app_of(bank: Workspace):  # type: ignore[no-untyped-def]
    """`app_of(**settings)`: the web app of the bank."""
    return lambda **overrides: create_app(bank, settings(**overrides))


@pytest.fixture
def client_as(app_of):  # type: ignore[no-untyped-def]
    """`client_as(name)`: a client logged in as that user."""
    app = app_of()
    return lambda name: log_in(TestClient(app), name)
