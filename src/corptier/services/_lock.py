"""The workspace lock: one writer at a time (load, close, report, standard adoption, indicator
snapshots), readers never wait.

An exclusive `fcntl.flock` on `<workspace>/.corptier.lock`; the OS releases it when the holder
dies, so a crash never leaves the workspace locked. The holder writes its pid, command and start
time into the file so that a writer that gives up waiting can say who holds it. The lock is
re-entrant within one thread (a close that computes indicators takes it once).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from corptier.errors import WorkspaceError
from corptier.workspace import Workspace

LOCK_FILE = ".corptier.lock"
POLL_SECONDS = 0.1
_held = threading.local()


def lock_path(ws: Workspace) -> Path:
    return ws.root / LOCK_FILE


@contextlib.contextmanager
def workspace_lock(ws: Workspace, command: str, *, timeout: float | None = None
                   ) -> Iterator[bool]:
    """Hold the workspace's writer lock for the block, waiting up to `timeout` seconds (the
    workspace's `lock_timeout` by default) for another writer; WorkspaceError naming the
    holder when it is still held then. Yields True when this call took the lock (False when
    this thread already held it)."""
    path = lock_path(ws)
    held: dict[str, int] = _held.__dict__.setdefault("paths", {})
    key = str(path)
    if held.get(key):
        held[key] += 1
        try:
            yield False
        finally:
            held[key] -= 1
        return
    wait = ws.config.workspace.lock_timeout if timeout is None else timeout
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        _acquire(handle, path, wait)
        try:
            _write_holder(handle, command)
            held[key] = 1
            try:
                yield True
            finally:
                held[key] = 0
                handle.seek(0)
                handle.truncate()
                handle.flush()
        finally:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: IO[str], path: Path, wait: float) -> None:
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WorkspaceError("{folder}: another command is changing this workspace "
                                     "({holder}); waited {wait:g} s, try again when it has "
                                     "finished", folder=path.parent, holder=_holder(path),
                                     wait=wait) from None
            time.sleep(POLL_SECONDS)


def _write_holder(handle: IO[str], command: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({
        "pid": os.getpid(), "command": command,
        "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "argv": " ".join(sys.argv[:3])[:120],
    }))
    handle.flush()


def _holder(path: Path) -> str:
    """`<command> by process <pid> since <time>`, or "holder unknown"."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
        return f"{info['command']} by process {info['pid']} since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"
