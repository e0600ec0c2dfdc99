"""Files the services write: a full disk or a refused path is one StorageError naming it."""

from __future__ import annotations

import errno
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from corptier.errors import StorageError
from corptier.services import write_changes_csv


def _no_space(self: object, path: object, *args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_a_full_disk_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pd.DataFrame, "to_csv", _no_space)
    result = SimpleNamespace(changes=pd.DataFrame({"customer_id": ["C001"]}))
    target = tmp_path / "changes.csv"
    with pytest.raises(StorageError) as caught:
        write_changes_csv(result, target)  # type: ignore[arg-type]
    assert str(caught.value) == f"cannot write {target}: the disk is full"


def test_written_exports_are_private(tmp_path: Path) -> None:
    result = SimpleNamespace(changes=pd.DataFrame({"customer_id": ["C001"]}))
    target = write_changes_csv(result, tmp_path / "sub" / "changes.csv")  # type: ignore[arg-type]
    assert target.read_text() == "customer_id\nC001\n"
    assert target.stat().st_mode & 0o777 == 0o600
