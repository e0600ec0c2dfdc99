"""The workspace: init lays out the folder, open refuses what is not a workspace."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from corptier.config import load_config
from corptier.errors import ConfigError, WorkspaceError
from corptier.periods import Period
from corptier.workspace import Workspace


def test_init_creates_layout_config_and_database(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "bank", language="en", engine="spark")
    for sub in ("standards", "data", "quarantine", "reports"):
        assert (ws.root / sub).is_dir()
    config = load_config(ws.root / "corptier.toml")
    assert config.workspace.language == "en"
    assert config.engine.name == "spark"
    assert config.database.url == "sqlite:///db.sqlite"
    assert (ws.root / "db.sqlite").is_file()
    tables = set(sa.inspect(ws.db).get_table_names())
    assert {"load_run", "tier_run", "published_period", "tier_override", "audit_log"} <= tables
    assert "tier_result" not in tables  # per-customer results live in the published Parquet


def test_open_refuses_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not a corptier workspace"):
        Workspace.open(tmp_path)


def test_init_refuses_an_existing_workspace(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="already a workspace"):
        Workspace.init(workspace.root)


def test_config_errors_name_file_and_field(workspace: Workspace) -> None:
    path = workspace.root / "corptier.toml"
    path.write_text(path.read_text().replace('name = "duckdb"', 'name = "oracle"'))
    with pytest.raises(ConfigError, match=r"corptier.toml: engine.name"):
        Workspace.open(workspace.root)


def test_relative_sqlite_url_resolves_inside_the_workspace(workspace: Workspace) -> None:
    assert workspace.database_url == f"sqlite:///{workspace.root / 'db.sqlite'}"


def test_periods_lists_loaded_partitions_in_order(workspace: Workspace) -> None:
    for period in ("2026-02", "2025-12", "2026-01"):
        workspace.partition_dir("customers", period).mkdir(parents=True)
    (workspace.table_dir("customers") / "period=2026-13").mkdir()
    assert workspace.periods() == ["2025-12", "2026-01", "2026-02"]
    assert all(isinstance(p, Period) for p in workspace.periods())


# --- a failed init leaves nothing behind ------------------------------------------------------
def _failing_migration(url: str, revision: str = "head") -> None:
    raise RuntimeError("migration failed")


def test_a_failed_init_removes_the_folder_it_created(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corptier.store.migrate.upgrade", _failing_migration)
    with pytest.raises(RuntimeError, match="migration failed"):
        Workspace.init(tmp_path / "bank")
    assert not (tmp_path / "bank").exists()
    monkeypatch.undo()
    assert Workspace.init(tmp_path / "bank").root.is_dir()  # init can simply be run again


def test_a_failed_init_in_an_existing_folder_keeps_what_was_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    monkeypatch.setattr("corptier.store.migrate.upgrade", _failing_migration)
    with pytest.raises(RuntimeError):
        Workspace.init(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


# --- secrets -----------------------------------------------------------------------------------
def test_a_password_in_a_readable_config_is_refused(workspace: Workspace) -> None:
    toml = workspace.root / "corptier.toml"
    toml.write_text(toml.read_text().replace(
        "sqlite:///db.sqlite", "postgresql://alice:pw-123@db.example/corptier"))
    toml.chmod(0o644)
    with pytest.raises(ConfigError, match="holds a password but the file is readable by others"
                       ) as caught:
        Workspace.open(workspace.root)
    assert "pw-123" not in str(caught.value)
    assert "postgresql://alice:***@db.example/corptier" in str(caught.value)
    toml.chmod(0o600)
    assert Workspace.open(workspace.root).config.database.url.endswith("@db.example/corptier")


def test_the_password_comes_from_the_environment(workspace: Workspace,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    toml = workspace.root / "corptier.toml"
    toml.write_text(toml.read_text().replace(
        "sqlite:///db.sqlite", "postgresql://alice@db.example:5433/corptier"))
    monkeypatch.delenv("CORPTIER_DATABASE_PASSWORD", raising=False)
    ws = Workspace.open(workspace.root)
    assert ws.database_url == "postgresql://alice@db.example:5433/corptier"  # libpq's turn
    monkeypatch.setenv("CORPTIER_DATABASE_PASSWORD", "p@ss:word")
    assert ws.database_url == "postgresql://alice:p%40ss%3Aword@db.example:5433/corptier"
    assert ws.database_label == "postgresql://alice@db.example:5433/corptier"


def test_init_stores_the_url_without_its_password(tmp_path: Path, pg_schema_url: str) -> None:
    from corptier.database_url import with_password

    ws = Workspace.init(tmp_path / "bank", database_url=with_password(pg_schema_url, "s3cr3t"))
    text = (ws.root / "corptier.toml").read_text()
    assert "s3cr3t" not in text
    assert load_config(ws.root / "corptier.toml").database.url == pg_schema_url
    assert "tier_run" in sa.inspect(ws.db).get_table_names()
