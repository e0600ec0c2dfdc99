"""Create or open a workspace: a folder with its config, standards, data and app database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from corptier.workspace import Workspace


def init_workspace(directory: Path | str, *, language: str = "zh-CN", engine: str = "duckdb",
                   database_url: str | None = None) -> Workspace:
    """Create a workspace: config, folders, the default standards and the migrated database."""
    return Workspace.init(directory, language=language, engine=engine,
                          database_url=database_url)


def open_workspace(directory: Path | str = ".") -> Workspace:
    """Open an existing workspace, its app database brought to this version's schema (a
    workspace made by an earlier version gains the new tables); WorkspaceError says how to
    create one when it is not a workspace."""
    ws = Workspace.open(directory)
    upgrade_database(ws)
    return ws


def upgrade_database(ws: Workspace) -> str | None:
    """Apply the migrations a workspace's app database lacks, under the writer lock, with an
    audit entry; the revision it had before, None when it was up to date."""
    from corptier.store.migrate import HEAD, current_revision, upgrade

    if current_revision(ws.db) == HEAD:
        return None
    from corptier.services._lock import workspace_lock
    from corptier.store import UnitOfWork

    with workspace_lock(ws, "upgrade the app database"):
        before = current_revision(ws.db)
        if before == HEAD:
            return None
        upgrade(ws.database_url)
        with UnitOfWork(ws.db) as uow:
            uow.audit.record(datetime.now(UTC), "system", "upgrade", "database", HEAD,
                             before={"revision": before}, after={"revision": HEAD})
    return before
