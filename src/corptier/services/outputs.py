"""Files the services write for the user (`--out` exports, reports): a failing file system
(permission, missing folder, disk full) is reported as one `StorageError` naming the file."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corptier.csv_safety import CSV_ENCODING
from corptier.errors import StorageError, Text


@contextmanager
def writing_file(path: Path | str) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into a StorageError naming the file."""
    try:
        yield
    except OSError as exc:
        raise StorageError("cannot write {path}: {reason}", path=exc.filename or path,
                           reason=_reason(exc)) from exc


def write_export(path: Path | str, text: str, fmt: str) -> Path:
    """Write an export's text to `path` (CSV as UTF-8 with the byte order mark, so Excel reads
    Chinese names right; JSON as plain UTF-8), replacing the file only once it is complete."""
    from corptier.private_files import make_private

    target = Path(path)
    with writing_file(target):
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding=CSV_ENCODING if fmt == "csv" else "utf-8")
        make_private(tmp)
        tmp.replace(target)
    return target


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Text("the disk is full")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Text("permission denied")
    if exc.errno == errno.ENOENT:
        return Text("the folder does not exist")
    return exc.strerror or str(exc)
