"""Migrations build the same schema on SQLite and PostgreSQL; the audit log is append-only."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from corptier.store.db import make_engine, unit_of_work
from corptier.store.migrate import upgrade
from corptier.store.models import AuditLog, Base

EXPECTED = set(Base.metadata.tables)


def _audit_row() -> AuditLog:
    return AuditLog(
        at=datetime(2026, 9, 30, tzinfo=UTC).replace(tzinfo=None),
        actor="alice",
        action="create",
        entity="override",
        entity_id="1",
        before=None,
        after={"tier": "core"},
    )


def _check_schema_and_append_only(url: str) -> None:
    upgrade(url)
    upgrade(url)  # idempotent
    engine = make_engine(url)
    assert set(sa.inspect(engine).get_table_names()) >= EXPECTED
    with unit_of_work(engine) as session:
        session.add(_audit_row())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 1
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_sqlite_schema_and_append_only_audit_log(tmp_path) -> None:
    _check_schema_and_append_only(f"sqlite:///{tmp_path / 'db.sqlite'}")


@pytest.mark.postgres
def test_postgres_schema_and_append_only_audit_log(pg_schema_url: str) -> None:
    _check_schema_and_append_only(pg_schema_url)


def test_unit_of_work_rolls_back_on_error(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        session.add(_audit_row())
        session.flush()
        raise RuntimeError("boom")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 0


def test_the_head_constant_is_the_newest_migration(tmp_path) -> None:
    from corptier.store.migrate import HEAD, shipped_head

    assert shipped_head(f"sqlite:///{tmp_path / 'db.sqlite'}") == HEAD


def _an_older_workspace(tmp_path, url: str | None):  # -> Workspace at revision 0004
    from alembic import command

    from corptier.store.migrate import alembic_config
    from corptier.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    command.downgrade(alembic_config(ws.database_url), "0004")
    return ws


@pytest.mark.parametrize("backend", [
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_opening_a_workspace_of_an_earlier_version_upgrades_its_database(
        tmp_path, request: pytest.FixtureRequest, backend: str) -> None:
    from corptier.services import list_alerts, open_workspace
    from corptier.store.migrate import HEAD, current_revision

    url = request.getfixturevalue("pg_schema_url") if backend == "postgresql" else None
    old = _an_older_workspace(tmp_path, url)
    assert current_revision(old.db) == "0004"
    ws = open_workspace(old.root)
    assert current_revision(ws.db) == HEAD and list_alerts(ws) == []
    with ws.db.connect() as conn:
        entry = conn.execute(sa.text(
            "SELECT actor, action, entity_id FROM audit_log ORDER BY id DESC")).first()
    assert tuple(entry) == ("system", "upgrade", HEAD)
    open_workspace(old.root)  # up to date: nothing more is recorded
    with ws.db.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT count(*) FROM audit_log WHERE action = 'upgrade'")).scalar() == 1
