"""Private folders and files for customer data: folders 0700, files 0600, whatever the umask.

The workspace holds customer data (inputs, quarantine, indicators, published tiers, reports,
the app database), so everything corptier creates in it is readable by its owner only. The
umask can only take permissions away, never add them, so each helper also sets the mode
explicitly (a umask of 0 would otherwise leave files world-writable).
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_mkdir(path: Path | str) -> Path:
    """Create `path` and its missing parents as private folders (existing ones are left as
    they are, except `path` itself, which is made private)."""
    path = Path(path)
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def make_private(path: Path | str) -> Path:
    """Restrict an existing file (0600) or folder (0700) to its owner; returns `path`."""
    path = Path(path)
    os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
    return path


def write_private_bytes(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` (created or truncated) as a private file."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(data)
    return path


def write_private_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` as a private file."""
    return write_private_bytes(path, text.encode(encoding))
