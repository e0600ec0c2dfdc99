"""Files the services write for the user (`--out` exports, reports): a failing file system
(permission, missing folder, disk full) is reported as one `StorageError` naming the file."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corptier.errors import StorageError


@contextmanager
def writing_file(path: Path | str) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into a StorageError naming the file."""
    try:
        yield
    except OSError as exc:
        raise StorageError(f"cannot write {exc.filename or path}: {_reason(exc)}") from exc


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    return exc.strerror or str(exc)
