"""Where a result came from: the code version and content hashes."""

from __future__ import annotations

import hashlib
import json

__version__ = "0.1.0"
"""The package version (also `corptier.__version__`)."""



def code_version() -> str:
    """The package version every run records."""
    return __version__


def hash_json(data: object) -> str:
    """sha256 of canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
