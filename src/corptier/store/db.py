"""Engines and transactions for the app database (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from corptier.errors import StorageError, Text


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout. Errors of the
    database itself (unreachable, corrupt, disk full, read-only) become a `StorageError`
    that names the database with its password masked."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _raise_storage_error)
    return engine


def _raise_storage_error(context: ExceptionContext) -> None:
    error = storage_error(context.original_exception, context.engine)
    if error is not None:
        raise error from context.original_exception


# (fragment of the driver's message, what it means for the user)
_STORAGE_PROBLEMS = (
    ("database or disk is full", Text("the disk is full")),
    ("no space left on device", Text("the disk is full")),
    ("file is not a database", Text("the file is not a SQLite database (corrupt or truncated)")),
    ("database disk image is malformed", Text("the database file is corrupt or truncated")),
    ("unable to open database file", Text("the database file cannot be opened")),
    ("readonly database", Text("the database is read-only")),
    ("disk i/o error", Text("a disk input/output error occurred")),
    ("connection refused", Text("the database server refuses connections")),
    ("could not translate host name", Text("the database server's host name is unknown")),
    ("connection failed", Text("the database server cannot be reached")),
    ("password authentication failed", Text("the database refused the user's password")),
    ("no password supplied", Text("the database needs a password (CORPTIER_DATABASE_PASSWORD "
                             "or ~/.pgpass)")),
    ("timeout expired", Text("the database server did not answer in time")),
    ("server closed the connection", Text("the database server closed the connection")),
)


def storage_error(exc: BaseException, engine: Engine | None) -> StorageError | None:
    """The `StorageError` for a database failure that is the environment's, not the code's
    (None for anything else, e.g. a constraint or a programming error)."""
    text = str(exc).lower()
    for fragment, meaning in _STORAGE_PROBLEMS:
        if fragment in text:
            where = describe(engine.url) if engine is not None else Text("the app database")
            return StorageError("{where}: {meaning}", where=where, meaning=meaning)
    return None


def describe(url: URL | str) -> str:
    """The database as a user may see it: the SQLite file, or the URL with its password
    masked."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        return Text("the app database {name}", name=url.database)
    shown = url.set(drivername=url.get_backend_name())
    return Text("the app database {name}", name=shown.render_as_string(hide_password=True))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll everything back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
