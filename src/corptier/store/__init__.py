"""The app database: models, migrations, units of work."""

from corptier.store.db import make_engine, unit_of_work
from corptier.store.migrate import upgrade

__all__ = ["make_engine", "unit_of_work", "upgrade"]
