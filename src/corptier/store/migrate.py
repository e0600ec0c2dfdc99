"""Apply the Alembic migrations shipped inside the package to a database URL."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("corptier.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


HEAD = "0014"
"""The newest revision shipped (a test checks it against the migration scripts): comparing the
database's revision with it costs one query, not loading Alembic on every command."""


def current_revision(engine: Engine) -> str | None:
    """The revision the app database is at (None before any migration)."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def shipped_head(url: str) -> str:
    """The newest revision of the migration scripts, read by Alembic."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(alembic_config(url)).get_current_head())
