"""Database failures of the environment become a StorageError naming the database; other
database errors (the code's) are left alone."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from corptier.errors import StorageError
from corptier.services import list_overrides
from corptier.store import UnitOfWork
from corptier.workspace import Workspace


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))


def test_a_full_disk_at_commit_is_a_storage_error(workspace: Workspace,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Session, "commit", _disk_full)
    with pytest.raises(StorageError) as caught, UnitOfWork(workspace.db):
        pass
    assert str(caught.value) == (
        f"the app database {workspace.root / 'db.sqlite'}: the disk is full")


def test_a_full_disk_inside_a_service_is_a_storage_error(workspace: Workspace,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for method in ("execute", "scalars", "scalar", "get"):
        monkeypatch.setattr(Session, method, _disk_full)
    with pytest.raises(StorageError, match=r"db\.sqlite: the disk is full"):
        list_overrides(workspace)


def test_a_programming_error_is_not_disguised(workspace: Workspace) -> None:
    with pytest.raises(OperationalError, match="no such table"), UnitOfWork(workspace.db) as uow:
        uow.session.execute(sa.text("SELECT * FROM no_such_table"))
    with pytest.raises(IntegrityError), UnitOfWork(workspace.db) as uow:
        uow.session.execute(sa.text("INSERT INTO audit_log (id) VALUES (NULL)"))
