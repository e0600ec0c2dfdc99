"""Database URLs without their secret: masking for messages, the password from the environment.

corptier never prints a database password and does not store one in `corptier.toml`: the
password comes from `CORPTIER_DATABASE_PASSWORD`, or from libpq's own `PGPASSWORD` and
`~/.pgpass`, which psycopg honours when the URL has none.
"""

from __future__ import annotations

import os
import re
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

PASSWORD_ENV = "CORPTIER_DATABASE_PASSWORD"
MASK = "***"
_CREDENTIALS = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^:/@\s]*):[^@\s]*@")


def mask_url(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***
    (`postgresql://user:pw@host/db` → `postgresql://user:***@host/db`)."""
    return _CREDENTIALS.sub(rf"\1:{MASK}@", text)


def url_password(url: str) -> str | None:
    """The password written in `url`, or None."""
    password = urlsplit(url).password
    return None if password is None else unquote(password)


def without_password(url: str) -> str:
    """`url` with its password (if any) removed, the user kept."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=_netloc(parts.username, None, parts)))


def with_password(url: str, password: str) -> str:
    """`url` with `password` set (URL-quoted)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=_netloc(parts.username, password, parts)))


def connect_url(url: str) -> str:
    """The URL to connect with: a server URL without a password gets the one in
    CORPTIER_DATABASE_PASSWORD when it is set (else libpq's PGPASSWORD / ~/.pgpass apply)."""
    password = os.environ.get(PASSWORD_ENV)
    if not password or url.startswith("sqlite") or url_password(url) is not None:
        return url
    return with_password(url, password)


def _netloc(user: str | None, password: str | None, parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    where = f"{host}:{port}" if port is not None else host
    if user is None:
        return where
    credentials = user if password is None else f"{user}:{quote(password, safe='')}"
    return f"{credentials}@{where}"
