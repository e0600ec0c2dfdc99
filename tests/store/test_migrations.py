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
