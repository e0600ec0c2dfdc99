"""A workspace is a folder: config, standards, Parquet data by table and period, app database."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corptier.config import CONFIG_FILE, WorkspaceConfig, load_config, render_config
from corptier.database_url import (
    connect_url,
    mask_url,
    url_password,
    with_password,
    without_password,
)
from corptier.errors import PeriodError, WorkspaceError
from corptier.periods import Period
from corptier.private_files import (
    make_private,
    private_mkdir,
    write_private_bytes,
    write_private_text,
)

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
            raise WorkspaceError("{root} is not a corptier workspace (no {config}); create one "
                                 "with 'corptier init {root}' or pass --workspace", root=root,
                                 config=CONFIG_FILE)
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
        """Create the private folder layout, the config (never with a database password) and
        the migrated app database; if any step fails, remove what was created."""
        root = Path(root).resolve()
        if (root / CONFIG_FILE).exists():
            raise WorkspaceError("{root} is already a workspace; open it instead", root=root)
        url = database_url or "sqlite:///db.sqlite"
        config = WorkspaceConfig.model_validate(
            {
                "workspace": {"language": language, "name": root.name},
                "engine": {"name": engine},
                "database": {"url": without_password(url)},
            }
        )
        created = _Created(root)
        try:
            ws = cls(root, config)
            ws._lay_out(url)
        except BaseException:
            created.remove()
            raise
        return ws

    def _lay_out(self, url: str) -> None:
        from corptier.store.migrate import upgrade

        private_mkdir(self.root)
        for sub in SUBDIRS:
            private_mkdir(self.root / sub)
        write_private_text(self.root / CONFIG_FILE, render_config(self.config))
        password = url_password(url)
        upgrade(self.database_url if password is None else with_password(self.database_url,
                                                                          password))
        if self.sqlite_path is not None:
            make_private(self.sqlite_path)
        _install_default_standards(self)

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
        """Work files (staging, plans, spill): created private on first use."""
        path = self.root / self.config.engine.temp_directory
        if not path.is_dir():
            private_mkdir(path)
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
        """The URL to connect with: a relative SQLite path resolved against the workspace, a
        server URL given the password from CORPTIER_DATABASE_PASSWORD when set."""
        url = self.config.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.root / url[len(prefix) :])
        return connect_url(url)

    @property
    def database_label(self) -> str:
        """The configured database URL as it may be shown (any password masked)."""
        return mask_url(self.config.database.url)

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file of the app database, or None for a server database."""
        url, prefix = self.database_url, "sqlite:///"
        if not url.startswith(prefix) or ":memory:" in url:
            return None
        return Path(url[len(prefix) :].split("?", 1)[0])

    @cached_property
    def db(self):  # -> sqlalchemy.Engine
        """The app database; a missing SQLite file is refused (an empty new one would hide
        that the records are gone)."""
        from corptier.store.db import make_engine

        path = self.sqlite_path
        if path is not None and not path.is_file():
            raise WorkspaceError("{root}: the app database {path} is missing; restore it from a "
                                 "backup of the workspace, or create a new workspace with "
                                 "'corptier init'", root=self.root, path=path)
        return make_engine(self.database_url)


class _Created:
    """What `init` is about to create in `root`, so that a failed init removes exactly that."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.existed = root.exists()
        self.before = set(root.iterdir()) if self.existed and root.is_dir() else set()

    def remove(self) -> None:
        if not self.existed:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        for path in set(self.root.iterdir()) - self.before:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _install_default_standards(ws: Workspace) -> None:
    """Copy the shipped standards and catalogues into a new workspace's `standards/`."""
    from importlib import resources

    shipped = resources.files("corptier") / "standards"
    if not shipped.is_dir():
        return
    for item in shipped.iterdir():
        if item.name.endswith((".yaml", ".yml")):
            write_private_bytes(ws.standards_dir / item.name, item.read_bytes())
    surveys = shipped / "surveys"   # the example questionnaires (docs/archive.md)
    if surveys.is_dir():
        private_mkdir(ws.standards_dir / "surveys")
        for item in surveys.iterdir():
            if item.name.endswith((".yaml", ".yml")):
                write_private_bytes(ws.standards_dir / "surveys" / item.name, item.read_bytes())
