"""Create or open a workspace: a folder with its config, standards, data and app database."""

from __future__ import annotations

from pathlib import Path

from corptier.workspace import Workspace


def init_workspace(directory: Path | str, *, language: str = "zh-CN", engine: str = "duckdb",
                   database_url: str | None = None) -> Workspace:
    """Create a workspace: config, folders, the default standards and the migrated database."""
    return Workspace.init(directory, language=language, engine=engine,
                          database_url=database_url)


def open_workspace(directory: Path | str = ".") -> Workspace:
    """Open an existing workspace; WorkspaceError says how to create one when it is not."""
    return Workspace.open(directory)
