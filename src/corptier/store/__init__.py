"""The app database: models, migrations, repositories and the unit of work."""

from corptier.store.db import make_engine, unit_of_work
from corptier.store.migrate import upgrade
from corptier.store.unit_of_work import UnitOfWork

__all__ = ["UnitOfWork", "make_engine", "unit_of_work", "upgrade"]
