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
