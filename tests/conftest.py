"""Shared fixtures: a fresh workspace, one SparkSession per run, PostgreSQL when reachable."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ci_requirements import spark_available, unavailable
from corptier.workspace import Workspace

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`-n`: the costliest file first and the Spark modules on one worker (tests/scheduling.py)."""
    from scheduling import CostFirstScheduling

    return CostFirstScheduling(config, log)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def fresh_cli_consoles() -> Iterator[None]:
    """The CLI makes its Rich consoles once per process, at the width of that moment; each test
    gets consoles made under its own `COLUMNS`, as a new process would."""
    base = sys.modules.get("corptier.cli.base")
    for lazy in (base.console, base.err_console) if base else ():
        lazy.__dict__.pop("real", None)
    yield


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A new, empty workspace with a migrated SQLite database."""
    return Workspace.init(tmp_path / "ws", language="en")


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run; skipped visibly when Spark cannot start, and a
    failure under CI (the `CI` variable set), where a silent skip would hide a missing engine."""
    pyspark = spark_available()
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("corptier-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert pyspark is not None
    yield session
    session.stop()


@pytest.fixture(scope="session")
def pyspark_module() -> object:
    """The pyspark module, for tests that start Spark themselves (skipped, or failed under CI,
    like `spark`)."""
    return spark_available()


def _pg_reachable(url: str) -> bool:
    host, port = "127.0.0.1", 5432
    rest = url.split("@", 1)[-1]
    hostport = rest.split("/", 1)[0]
    if ":" in hostport:
        host, port_s = hostport.rsplit(":", 1)
        port = int(port_s)
    elif hostport:
        host = hostport
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the test PostgreSQL (CORPTIER_TEST_PG or the local default)."""
    url = os.environ.get("CORPTIER_TEST_PG", PG_DEFAULT)
    if not _pg_reachable(url):
        unavailable(f"PostgreSQL at {url} is not reachable")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("PostgreSQL tests need psycopg (pip install -e '.[postgres]')")
    return url


@contextlib.contextmanager
def throwaway_schema(pg_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new PostgreSQL schema (search_path set), dropped with all it holds after."""
    import sqlalchemy as sa

    from corptier.store.db import make_engine

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A throw-away PostgreSQL schema for one test, dropped afterwards."""
    with throwaway_schema(pg_url, "t") as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_schema_url(pg_url: str) -> Iterator[str]:
    """A throw-away PostgreSQL schema shared by one module's tests."""
    with throwaway_schema(pg_url, "m") as url:
        yield url


@pytest.fixture(scope="module")
def report_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, list[str]]:
    """A workspace (zh-CN) with 15 periods of fake data, tiered from the third period."""
    from report_book import fake_book, populate

    ws = Workspace.init(tmp_path_factory.mktemp("report") / "ws", language="zh-CN")
    return ws, populate(ws, fake_book())


# --- the closed sample bank with one user per role (web and scoped-service tests) ---------

@pytest.fixture(scope="session")
def sqlite_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from web_bank import build_bank

    return build_bank(tmp_path_factory.mktemp("web-sqlite")).root


@pytest.fixture(scope="session")
def postgres_bank(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Path]:
    from web_bank import build_bank

    with throwaway_schema(pg_url, "web") as url:
        yield build_bank(tmp_path_factory.mktemp("web-pg"), url).root


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bank(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A fresh copy of the closed bank (SQLite), or the PostgreSQL one in its own schema, shared
    by the session's tests (which therefore assert changes, not absolute counts)."""
    if request.param == "sqlite":
        source = request.getfixturevalue("sqlite_bank")
        shutil.copytree(source, tmp_path / "ws")
        return Workspace.open(tmp_path / "ws")
    return Workspace.open(request.getfixturevalue("postgres_bank"))


@pytest.fixture(scope="module")
def inverted_report_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, list[str]]:
    """The report bank (en) with the core tier's RAROC above the strategic tier's."""
    from report_book import fake_book, populate

    ws = Workspace.init(tmp_path_factory.mktemp("inverted") / "ws", language="en")
    return ws, populate(ws, fake_book(periods=4, inverted="core"))
