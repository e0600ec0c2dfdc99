"""Where a result came from: the code version and fingerprints of its inputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from corptier import __version__


def code_version() -> str:
    """The package version every run records."""
    return __version__


def fingerprint_files(paths: Iterable[Path]) -> str:
    """sha256 over the names and bytes of files, in sorted order; stable across machines."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def fingerprint_tree(root: Path, pattern: str = "**/*.parquet") -> str:
    """Fingerprint of every file under `root` matching `pattern` (relative names included)."""
    digest = hashlib.sha256()
    for path in sorted(root.glob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def hash_json(data: object) -> str:
    """sha256 of canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
