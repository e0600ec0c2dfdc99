"""Alembic environment: runs migrations on the URL corptier passes in."""

from alembic import context

from corptier.store.db import make_engine
from corptier.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("alembic: sqlalchemy.url is not set (corptier passes the database URL)")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
