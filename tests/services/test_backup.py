"""Backup and restore: a restored workspace closes the next period with the original's run id."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corptier import services as sv
from corptier.errors import WorkspaceError
from corptier.services.backup import backup_workspace, restore_workspace
from corptier.workspace import Workspace
from sample_data import write_sample_period


@pytest.mark.slow
def test_restore_then_close_the_next_period_gives_the_original_run(loaded: Workspace,
                                                                   tmp_path: Path) -> None:
    first = sv.close_period(loaded, "2026-07")
    second = sv.close_period(loaded, "2026-08")
    done = backup_workspace(loaded, tmp_path / "bk")
    assert done.published == {"2026-07": first.run_id, "2026-08": second.run_id}
    assert done.attempts == 1
    assert not (tmp_path / "bk" / "files" / "db.sqlite").exists()  # the database is copied apart

    restored = restore_workspace(tmp_path / "bk", tmp_path / "again")
    assert restored.published == done.published
    again = Workspace.open(tmp_path / "again")
    assert again.database_url == f"sqlite:///{tmp_path / 'again' / 'db.sqlite'}"
    there = sv.close_period(again, "2026-09")
    here = sv.close_period(loaded, "2026-09")
    assert there.run_id == here.run_id
    assert sv.export_tiers(again, "2026-09", "json") == sv.export_tiers(loaded, "2026-09", "json")
    assert sv.export_tiers(again, "2026-08") == sv.export_tiers(loaded, "2026-08")


def test_a_close_between_the_copies_is_seen_and_the_copy_taken_again(
        loaded: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database is copied after the files; a close publishing in between makes the copy's
    database name a run the copied Parquet does not hold: the copy is taken again."""
    from corptier.services import backup as module

    sv.close_period(loaded, "2026-07")
    real = module._dump_database
    calls = []

    def close_in_between(ws, target):
        if not calls:
            write_sample_period(tmp_path / "in", "2026-08")
            sv.close_period(loaded, "2026-08")
        calls.append(1)
        return real(ws, target)

    monkeypatch.setattr(module, "_dump_database", close_in_between)
    done = backup_workspace(loaded, tmp_path / "bk")
    assert done.attempts == 2
    assert set(done.published) == {"2026-07", "2026-08"}
    restore_workspace(tmp_path / "bk", tmp_path / "again")
    again = Workspace.open(tmp_path / "again")
    assert sv.export_tiers(again, "2026-08") == sv.export_tiers(loaded, "2026-08")


def test_a_damaged_backup_is_refused_and_leaves_nothing(loaded: Workspace,
                                                        tmp_path: Path) -> None:
    sv.close_period(loaded, "2026-07")
    backup_workspace(loaded, tmp_path / "bk")
    part = next((tmp_path / "bk" / "files" / "data" / "tiers").rglob("*.parquet"))
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(WorkspaceError, match="is damaged: files/data/tiers/period=2026-07"):
        restore_workspace(tmp_path / "bk", tmp_path / "again")
    assert not (tmp_path / "again").exists()


def test_backup_refuses_a_folder_that_is_not_empty(loaded: Workspace, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("keep", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="already exists and is not empty"):
        backup_workspace(loaded, tmp_path / "bk")
    assert (tmp_path / "bk" / "x").read_text(encoding="utf-8") == "keep"


def test_the_sqlite_copy_is_a_whole_database(loaded: Workspace, tmp_path: Path) -> None:
    sv.close_period(loaded, "2026-07")
    backup_workspace(loaded, tmp_path / "bk")
    con = sqlite3.connect(tmp_path / "bk" / "db.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied = con.execute("SELECT count(*) FROM load_run").fetchone()[0]
    con.close()
    original = sqlite3.connect(loaded.root / "db.sqlite")
    assert copied == original.execute("SELECT count(*) FROM load_run").fetchone()[0] > 0
    original.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_backup_restores_into_another_schema(tmp_path: Path, pg_schema_url: str,
                                                        pg_url: str) -> None:
    import uuid

    import sqlalchemy as sa

    from corptier.store.db import make_engine

    ws = Workspace.init(tmp_path / "ws", language="en", database_url=pg_schema_url)
    write_sample_period(tmp_path / "in", "2026-07")
    sv.load_period(ws, "2026-07", tmp_path / "in")
    closed = sv.close_period(ws, "2026-07")
    done = backup_workspace(ws, tmp_path / "bk")
    assert done.database == "postgresql" and (tmp_path / "bk" / "db.dump").is_file()
    # the dump is of one schema: restore it into an empty database of its own
    name = f"r_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    target = pg_url.rsplit("/", 1)[0] + f"/{name}"
    schema = pg_schema_url.rsplit("%3D", 1)[1]
    try:
        restore_workspace(tmp_path / "bk", tmp_path / "again",
                          database_url=f"{target}?options=-csearch_path%3D{schema}")
        again = Workspace.open(tmp_path / "again")
        assert sv.published_run(again, "2026-07").run_id == closed.run_id
        again.db.dispose()
    finally:
        ws.db.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
