"""The staging folder of a load: staged partitions swap in together, a failed or dead swap is
undone move by move, and a refused load keeps only its quarantine (fast, files only)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from corptier.contract import staging as staging_module
from corptier.contract.schema import TABLES
from corptier.contract.staging import JOURNAL, Staging, recover, staging_base, undo_journal
from corptier.workspace import Workspace

PERIOD = "2026-09"


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new workspace per module (its migrations take seconds); tests work on copies."""
    return Workspace.init(tmp_path_factory.mktemp("template") / "ws", language="en").root


@pytest.fixture
def workspace(_template: Path, tmp_path: Path) -> Workspace:
    """A new, empty workspace of its own (a copy of the module's template)."""
    return Workspace.open(shutil.copytree(_template, tmp_path / "ws"))


def _files(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path → text)."""
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _current(ws: Workspace) -> dict[str, str]:
    return {**_files(ws.data_dir), **{f"q/{k}": v for k, v in _files(ws.quarantine_dir).items()}}


def _put_current(ws: Workspace, label: str) -> None:
    """A previous load of the period: one file per table partition and a quarantine file."""
    for table in TABLES:
        folder = ws.partition_dir(table, PERIOD)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "part-0.parquet").write_text(f"{label} {table}")
    (ws.quarantine_dir / PERIOD).mkdir(parents=True, exist_ok=True)
    (ws.quarantine_dir / PERIOD / "loans.csv").write_text(f"{label} rejected loans")


def _stage(ws: Workspace, label: str, load_id: str = "L1") -> Staging:
    staging = Staging(ws, PERIOD, load_id)
    for table in TABLES:
        (staging.partition(table) / "part-0.parquet").write_text(f"{label} {table}")
    staging.quarantine.mkdir(parents=True, exist_ok=True)
    (staging.quarantine / "customers.csv").write_text(f"{label} rejected customers")
    return staging


def _expected(label: str) -> dict[str, str]:
    data = {f"{t}/period={PERIOD}/part-0.parquet": f"{label} {t}" for t in TABLES}
    return {**data, f"q/{PERIOD}/customers.csv": f"{label} rejected customers"}


def _journal(staging: Staging) -> list[dict[str, str]]:
    lines = (staging.root / JOURNAL).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_staging_folder_is_in_the_workspace_temp_folder_on_one_file_system(
    workspace: Workspace,
) -> None:
    assert staging_base(workspace) == workspace.temp_dir
    staging = Staging(workspace, PERIOD, "abc")
    assert staging.root == workspace.temp_dir / "load-abc"
    assert staging.work.is_dir()
    assert json.loads((staging.root / "load.json").read_text()) == {
        "load_id": "abc", "period": PERIOD}


def test_a_temp_folder_on_another_file_system_is_replaced_by_a_private_staging_folder(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renames across file systems are not atomic: stage beside the data instead."""
    real = os.stat
    temp = workspace.temp_dir

    class Other:
        """The temp folder's stat, on another device."""

        def __init__(self, result: os.stat_result) -> None:
            self.result, self.st_dev = result, -1

        def __getattr__(self, name: str) -> object:
            return getattr(self.result, name)

    def stat_(path, *args, **kwargs):
        result = real(path, *args, **kwargs)
        return Other(result) if Path(path) == temp else result

    monkeypatch.setattr(staging_module.os, "stat", stat_)
    base = staging_base(workspace)
    assert base == workspace.root / ".staging"
    assert base.is_dir() and stat.S_IMODE(base.stat().st_mode) == 0o700


def test_a_swap_puts_every_table_and_the_quarantine_in_place(workspace: Workspace) -> None:
    _put_current(workspace, "old")
    staging = _stage(workspace, "new")
    staging.swap()
    assert _current(workspace) == _expected("new")
    aside = [("part-0.parquet", f"old {t}") for t in TABLES] + [("loans.csv", "old rejected loans")]
    assert _files(staging.root / "backup") == {
        f"{i}/{name}": text for i, (name, text) in enumerate(aside)}
    moves = _journal(staging)
    assert len(moves) == 2 * (len(TABLES) + 1)  # aside, then in, for each folder
    assert moves[0] == {"src": str(workspace.partition_dir(next(iter(TABLES)), PERIOD)),
                        "dst": str(staging.root / "backup" / "0")}


def test_the_first_load_of_a_period_moves_nothing_aside(workspace: Workspace) -> None:
    staging = _stage(workspace, "new")
    staging.swap()
    assert _current(workspace) == _expected("new")
    assert len(_journal(staging)) == len(TABLES) + 1
    assert not list((staging.root / "backup").iterdir())


def test_undo_after_a_swap_brings_back_the_previous_load(workspace: Workspace) -> None:
    """What the load does when the database commit fails after the swap."""
    _put_current(workspace, "old")
    before = _current(workspace)
    staging = _stage(workspace, "new")
    staging.swap()
    staging.undo()
    assert _current(workspace) == before
    assert not (staging.root / JOURNAL).exists()


def test_undo_after_a_first_load_leaves_no_data_for_the_period(workspace: Workspace) -> None:
    staging = _stage(workspace, "new")
    staging.swap()
    staging.undo()
    assert _current(workspace) == {}


@pytest.mark.parametrize("failing_move", [1, 2, 7, 2 * len(TABLES) + 2])
def test_a_swap_failing_at_any_move_puts_everything_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, failing_move: int
) -> None:
    _put_current(workspace, "old")
    before = _current(workspace)
    staging = _stage(workspace, "new")
    real, calls = os.replace, {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == failing_move:
            raise OSError("device busy")
        return real(src, dst)

    monkeypatch.setattr(staging_module.os, "replace", flaky)
    with pytest.raises(OSError, match="device busy"):
        staging.swap()
    assert _current(workspace) == before


def test_a_swap_interrupted_by_a_keyboard_interrupt_is_undone_too(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _put_current(workspace, "old")
    before = _current(workspace)
    staging = _stage(workspace, "new")
    real, calls = os.replace, {"n": 0}

    def interrupted(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(staging_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        staging.swap()
    assert _current(workspace) == before


def test_undo_skips_a_move_that_was_journalled_but_never_ran(tmp_path: Path) -> None:
    """A process that died between writing the journal line and the rename."""
    moved_src, moved_dst = tmp_path / "a", tmp_path / "backup" / "0"
    never_src, never_dst = tmp_path / "b", tmp_path / "backup" / "1"
    moved_dst.mkdir(parents=True)
    (moved_dst / "f").write_text("a")
    never_src.mkdir()
    (never_src / "f").write_text("b")
    (tmp_path / JOURNAL).write_text("".join(
        json.dumps({"src": str(s), "dst": str(d)}) + "\n"
        for s, d in [(moved_src, moved_dst), (never_src, never_dst)]))
    undo_journal(tmp_path)
    assert (moved_src / "f").read_text() == "a" and not moved_dst.exists()
    assert (never_src / "f").read_text() == "b" and not never_dst.exists()
    assert not (tmp_path / JOURNAL).exists()


def test_undo_never_moves_onto_a_folder_that_is_back_already(tmp_path: Path) -> None:
    """Both ends exist (the folder was put back, then something new appeared at the other
    end): the undo leaves both alone instead of replacing one with the other."""
    src, dst = tmp_path / "data", tmp_path / "backup" / "0"
    src.mkdir()
    dst.mkdir(parents=True)
    (dst / "f").write_text("other")
    (tmp_path / JOURNAL).write_text(json.dumps({"src": str(src), "dst": str(dst)}) + "\n")
    undo_journal(tmp_path)
    assert src.is_dir() and not list(src.iterdir())
    assert (dst / "f").read_text() == "other"


def test_undo_recreates_the_parent_of_a_folder_it_puts_back(tmp_path: Path) -> None:
    src, dst = tmp_path / "data" / "loans" / f"period={PERIOD}", tmp_path / "backup" / "0"
    dst.mkdir(parents=True)
    (dst / "f").write_text("x")
    (tmp_path / JOURNAL).write_text(json.dumps({"src": str(src), "dst": str(dst)}) + "\n")
    undo_journal(tmp_path)
    assert (src / "f").read_text() == "x"


def test_undo_without_a_journal_does_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep").write_text("x")
    undo_journal(tmp_path)
    assert _files(tmp_path) == {"keep": "x"}


def test_a_refused_load_keeps_its_quarantine_apart_and_replaces_an_older_refusal(
    workspace: Workspace,
) -> None:
    _put_current(workspace, "old")
    refused = workspace.quarantine_dir / PERIOD / "refused"
    refused.mkdir()
    (refused / "transactions.csv").write_text("an older refusal")
    staging = _stage(workspace, "new")
    assert staging.keep_refused_quarantine() == refused
    assert _files(refused) == {"customers.csv": "new rejected customers"}
    assert (workspace.quarantine_dir / PERIOD / "loans.csv").read_text() == "old rejected loans"
    assert _files(workspace.data_dir) == {
        f"{t}/period={PERIOD}/part-0.parquet": f"old {t}" for t in TABLES}


def test_a_refused_load_recreates_a_quarantine_folder_removed_by_hand(
    workspace: Workspace,
) -> None:
    staging = _stage(workspace, "new")
    workspace.quarantine_dir.rmdir()
    target = staging.keep_refused_quarantine()
    assert _files(target) == {"customers.csv": "new rejected customers"}


def test_a_refused_first_load_with_nothing_quarantined_still_leaves_the_folder(
    workspace: Workspace,
) -> None:
    staging = Staging(workspace, PERIOD, "L1")
    target = staging.keep_refused_quarantine()
    assert target == workspace.quarantine_dir / PERIOD / "refused" and target.is_dir()


def test_discard_removes_the_staging_folder(workspace: Workspace) -> None:
    staging = _stage(workspace, "new")
    staging.discard()
    assert not staging.root.exists()
    staging.discard()  # twice is harmless


def test_recovery_undoes_uncommitted_loads_and_keeps_committed_ones(
    workspace: Workspace,
) -> None:
    _put_current(workspace, "old")
    before = _current(workspace)
    dead = _stage(workspace, "dead", load_id="a-dead")
    dead.swap()  # ... and the process died before its commit
    assert recover(workspace, lambda load_id: False) == ["a-dead"]
    assert _current(workspace) == before
    assert not dead.root.exists()

    done = _stage(workspace, "done", load_id="b-done")
    done.swap()  # ... the commit happened, the process died before discarding
    asked: list[str] = []
    assert recover(workspace, lambda load_id: asked.append(load_id) or True) == ["b-done"]
    assert asked == ["b-done"]
    assert _current(workspace) == _expected("done")
    assert not done.root.exists()


def test_recovery_drops_staging_folders_without_a_journal_and_ignores_stray_files(
    workspace: Workspace,
) -> None:
    _put_current(workspace, "old")
    before = _current(workspace)
    _stage(workspace, "died while staging", load_id="b")
    _stage(workspace, "also", load_id="a")
    stray = workspace.temp_dir / "load-0-notes.txt"  # sorts before the staging folders
    stray.write_text("not a load")
    assert recover(workspace, lambda load_id: False) == ["a", "b"]
    assert _current(workspace) == before
    assert sorted(p.name for p in workspace.temp_dir.iterdir() if p.name.startswith("load-")) == [
        "load-0-notes.txt"]


def test_a_leftover_that_cannot_be_deleted_does_not_stop_recovery(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recovery runs before every write: a file the system refuses to delete must not block
    every later load and close."""
    _put_current(workspace, "old")
    before = _current(workspace)
    dead = _stage(workspace, "dead", load_id="a-dead")
    dead.swap()
    real = os.unlink

    def refuse(path, *args, **kwargs):
        if str(path) == "load.json":
            raise PermissionError("operation not permitted")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refuse)
    assert recover(workspace, lambda load_id: False) == ["a-dead"]
    monkeypatch.undo()
    assert _current(workspace) == before
