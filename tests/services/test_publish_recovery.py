"""A close that fails or dies AFTER its Parquet swap leaves (or is brought back to) the previous
run: export, pointer and run id agree; the rerun gives the undisturbed run id."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import corptier.services.publication as publication
from corptier.services import close_period, export_tiers
from corptier.services.recovery import recover
from corptier.store.models import PublishedPeriod
from corptier.workspace import PUBLISHED_TIERS, Workspace


def _published(ws: Workspace) -> dict[str, str]:
    with ws.db.connect() as conn:
        return dict(conn.execute(sa.select(PublishedPeriod.period, PublishedPeriod.run_id)).all())


def _v2(ws: Workspace) -> str:
    """A second standard version: closing with it makes a different run."""
    path = ws.root / "standards" / "v2.yaml"
    path.write_text((ws.root / "standards" / "default.yaml").read_text().replace(
        "version:", "version: '2' #", 1))
    return str(path)


def _leftovers(ws: Workspace, period: str) -> list[str]:
    return sorted(p.name for p in ws.partition_dir(PUBLISHED_TIERS, period).glob(".*"))


def test_a_commit_failing_after_the_swap_keeps_the_previous_run(
    loaded: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = close_period(loaded, "2026-07")
    target = loaded.partition_file(PUBLISHED_TIERS, "2026-07")
    before, export = target.read_bytes(), export_tiers(loaded, "2026-07")
    swapped: list[bytes] = []
    real_swap, real_commit = publication._swap, Session.commit

    def swap(staged, tgt, backup):
        real_swap(staged, tgt, backup)
        swapped.append(tgt.read_bytes())

    def commit(self):
        if swapped:
            raise RuntimeError("database is locked")
        return real_commit(self)

    monkeypatch.setattr(publication, "_swap", swap)
    monkeypatch.setattr(Session, "commit", commit)
    with pytest.raises(RuntimeError, match="database is locked"):
        close_period(loaded, "2026-07", standard_path=_v2(loaded))
    monkeypatch.undo()
    assert swapped and swapped[0] != before  # the new export really was in place
    assert _published(loaded) == {"2026-07": first.run_id}
    assert target.read_bytes() == before
    assert export_tiers(loaded, "2026-07") == export
    assert _leftovers(loaded, "2026-07") == []


def _die_after_swap(ws: Workspace, period: str, standard: str | None) -> None:
    script = textwrap.dedent(f"""
        import os
        import corptier.services.publication as publication
        from corptier.services import close_period
        from corptier.workspace import Workspace

        real = publication._swap
        def dying(staged, target, backup):
            real(staged, target, backup)
            os._exit(9)   # dies with the new export in place, before the database commit
        publication._swap = dying
        close_period(Workspace.open({str(ws.root)!r}), {period!r}, standard_path={standard!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=300)
    assert proc.returncode == 9


def test_a_close_killed_right_after_the_swap_is_rolled_back_by_the_next_writer(
    loaded: Workspace,
) -> None:
    first = close_period(loaded, "2026-07")
    target = loaded.partition_file(PUBLISHED_TIERS, "2026-07")
    before = target.read_bytes()
    _die_after_swap(loaded, "2026-07", _v2(loaded))
    assert target.read_bytes() != before  # the dead close's export is in place ...
    assert _published(loaded) == {"2026-07": first.run_id}  # ... the database is not
    close_period(loaded, "2026-08")  # any writer repairs first (here: a close of another month)
    assert target.read_bytes() == before
    again = close_period(loaded, "2026-07", reclose_following=True)  # 2026-08 is published
    assert again.run_id == first.run_id and again.unchanged
    assert [r.period for r in again.reclosed] == ["2026-08"] and again.reclosed[0].unchanged
    assert target.read_bytes() == before
    assert _leftovers(loaded, "2026-07") == []


def test_recovery_removes_the_export_of_a_first_close_that_died(loaded: Workspace) -> None:
    _die_after_swap(loaded, "2026-07", None)
    target = loaded.partition_file(PUBLISHED_TIERS, "2026-07")
    assert target.exists() and _published(loaded) == {}
    assert recover(loaded).publications == ("2026-07",)
    assert not target.exists()
    assert _leftovers(loaded, "2026-07") == []


def test_recovery_keeps_a_publication_whose_commit_happened(loaded: Workspace) -> None:
    """A crash after the commit but before the backup was dropped: the new run stays."""
    close_period(loaded, "2026-07")
    second = close_period(loaded, "2026-07", standard_path=_v2(loaded))
    folder = loaded.partition_dir(PUBLISHED_TIERS, "2026-07")
    (folder / ".x.parquet.bak").write_bytes(b"old export")
    (folder / publication.JOURNAL).write_text(
        f'{{"run_id": "{second.run_id}", "period": "2026-07", "backup": ".x.parquet.bak", '
        '"had_target": true}')
    after = (folder / "part-0.parquet").read_bytes()
    recover(loaded)
    assert (folder / "part-0.parquet").read_bytes() == after
    assert pq.read_table(folder / "part-0.parquet")["run_id"][0].as_py() == second.run_id
    assert _leftovers(loaded, "2026-07") == []
