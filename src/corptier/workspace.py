"""A workspace is a folder: config, standards, Parquet data by table and period, app database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corptier.config import CONFIG_FILE, WorkspaceConfig, load_config, render_config
from corptier.errors import PeriodError, WorkspaceError
from corptier.periods import Period

SUBDIRS = ("standards", "data", "quarantine", "reports")
PARTITION_FILE = "part-0.parquet"
"""The one file of a table's period partition: data/<table>/period=<P>/part-0.parquet."""
CUSTOMER_INDICATORS = "indicators_customer"
GROUP_INDICATORS = "indicators_group"
PUBLISHED_TIERS = "tiers"
"""Tables the workspace writes itself (besides the contract's input tables)."""


@dataclass(frozen=True)
class Workspace:
    """Everything a command needs: where things are, the config, the app database."""

    root: Path
    config: WorkspaceConfig

    @classmethod
    def open(cls, root: Path | str = ".") -> Workspace:
        root = Path(root).resolve()
        config_path = root / CONFIG_FILE
        if not config_path.is_file():
            raise WorkspaceError(
                f"{root} is not a corptier workspace (no {CONFIG_FILE}); "
                f"create one with 'corptier init {root}' or pass --workspace"
            )
        return cls(root, load_config(config_path))

    @classmethod
    def init(
        cls,
        root: Path | str,
        *,
        language: str = "zh-CN",
        engine: str = "duckdb",
        database_url: str | None = None,
    ) -> Workspace:
        """Create the folder layout, the config and the migrated app database."""
        root = Path(root).resolve()
        if (root / CONFIG_FILE).exists():
            raise WorkspaceError(f"{root} is already a workspace; open it instead")
        root.mkdir(parents=True, exist_ok=True)
        for sub in SUBDIRS:
            (root / sub).mkdir(exist_ok=True)
        config = WorkspaceConfig.model_validate(
            {
                "workspace": {"language": language, "name": root.name},
                "engine": {"name": engine},
                "database": {"url": database_url or "sqlite:///db.sqlite"},
            }
        )
        (root / CONFIG_FILE).write_text(render_config(config), encoding="utf-8")
        ws = cls(root, config)
        from corptier.store.migrate import upgrade

        upgrade(ws.database_url)
        _install_default_standards(ws)
        return ws

    # --- paths -----------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def standards_dir(self) -> Path:
        return self.root / "standards"

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def temp_dir(self) -> Path:
        path = self.root / self.config.engine.temp_directory
        path.mkdir(parents=True, exist_ok=True)
        return path

    def table_dir(self, table: str) -> Path:
        """Folder of one input table, partitioned `period=YYYY-MM/`."""
        return self.data_dir / table

    def partition_dir(self, table: str, period: str) -> Path:
        return self.table_dir(table) / f"period={Period(period)}"

    def partition_file(self, table: str, period: str) -> Path:
        """Where one period of a table lives (input, indicator snapshot or published tiers)."""
        return self.partition_dir(table, period) / PARTITION_FILE

    def periods(self, table: str = "customers") -> list[Period]:
        """Loaded periods of a table, oldest first (folders not named `period=YYYY-MM` skipped)."""
        base = self.table_dir(table)
        if not base.is_dir():
            return []
        found = []
        for folder in base.glob("period=*"):
            try:
                found.append(Period.parse(folder.name.removeprefix("period=")))
            except PeriodError:
                continue
        return sorted(found)

    # --- database --------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        """The configured URL with a relative SQLite path resolved against the workspace."""
        url = self.config.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.root / url[len(prefix) :])
        return url

    @cached_property
    def db(self):  # -> sqlalchemy.Engine
        from corptier.store.db import make_engine

        return make_engine(self.database_url)


def _install_default_standards(ws: Workspace) -> None:
    """Copy the shipped standards and catalogues into a new workspace's `standards/`."""
    from importlib import resources

    shipped = resources.files("corptier") / "standards"
    if not shipped.is_dir():
        return
    for item in shipped.iterdir():
        if item.name.endswith((".yaml", ".yml")):
            (ws.standards_dir / item.name).write_bytes(item.read_bytes())
