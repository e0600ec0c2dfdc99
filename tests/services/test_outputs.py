"""Files the services write: a full disk or a refused path is one StorageError naming it."""

from __future__ import annotations

import errno
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from corptier.errors import StorageError
from corptier.services import write_changes_csv
from corptier.services.outputs import write_export


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
    assert target.read_text(encoding="utf-8") == "\ufeffcustomer_id\nC001\n"
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("fmt", "start"), [("csv", b"\xef\xbb\xbfcustomer_id"),
                                            ("json", b'{"count"')])
def test_exports_carry_the_bom_only_as_csv(tmp_path: Path, fmt: str, start: bytes) -> None:
    text = "customer_id,name\nC1,华东精密\n" if fmt == "csv" else '{"count": 1}\n'
    target = write_export(tmp_path / f"tiers.{fmt}", text, fmt)
    assert target.read_bytes().startswith(start)
    assert "华东精密" in target.read_text(encoding="utf-8-sig") or fmt == "json"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [f"tiers.{fmt}"]
