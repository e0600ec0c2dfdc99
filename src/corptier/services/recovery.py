"""Recovery of interrupted writers, run under the workspace lock before anything reads a period.

    with writing(ws, "close"):       # waits for the lock, then repairs, then the block runs
        ...

A load that died during its swap is undone (or kept, when its records were committed); a close
that died between its Parquet swap and its database commit is rolled back or finished as the
app database's published pointer says (services/publication.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from corptier.contract.staging import recover as recover_loads
from corptier.services._lock import workspace_lock
from corptier.services.publication import recover_publications
from corptier.store import UnitOfWork
from corptier.workspace import Workspace


@dataclass(frozen=True)
class Recovered:
    """What a recovery repaired: interrupted loads (by id) and publications (by period)."""

    loads: tuple[str, ...]
    publications: tuple[str, ...]


def recover(ws: Workspace) -> Recovered:
    """Repair what interrupted loads and closes left behind (call under the workspace lock)."""
    loads = recover_loads(ws, lambda load_id: _load_committed(ws, load_id))
    return Recovered(tuple(loads), tuple(recover_publications(ws)))


@contextlib.contextmanager
def writing(ws: Workspace, command: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace lock for the block, repairing interrupted writers first (only when
    this call took the lock: an enclosing writer already did, and its own work is in flight)."""
    with workspace_lock(ws, command, timeout=timeout) as first:
        if first:
            recover(ws)
        yield


def _load_committed(ws: Workspace, load_id: str) -> bool:
    with UnitOfWork(ws.db) as uow:
        return uow.loads.committed(load_id)
