"""Stage a load beside the workspace data and swap it in only when every table succeeded.

The staging folder lives inside the workspace (same file system, so renames are atomic). The
swap moves each current partition aside, moves the staged one in, and journals every move; if
anything fails the moves are undone in reverse. A load interrupted by a crash is undone (or, if
its database record was committed, finished) by the next writer that takes the workspace lock
(corptier.services.recovery).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from corptier.contract.schema import TABLES
from corptier.private_files import private_mkdir, write_private_text
from corptier.workspace import Workspace

PREFIX = "load-"
JOURNAL = "journal.jsonl"


def staging_base(ws: Workspace) -> Path:
    """The workspace temp folder if it is on the data's file system, else `.staging/`."""
    ws.data_dir.mkdir(parents=True, exist_ok=True)
    base = ws.temp_dir
    if os.stat(base).st_dev != os.stat(ws.data_dir).st_dev:
        base = private_mkdir(ws.root / ".staging")
    return base


class Staging:
    """One load's staging folder: work files, staged partitions, staged quarantine, journal."""

    def __init__(self, ws: Workspace, period: str, load_id: str) -> None:
        self.ws, self.period, self.load_id = ws, period, load_id
        self.root = staging_base(ws) / f"{PREFIX}{load_id}"
        self.work = self.root / "work"
        self.quarantine = self.root / "quarantine"
        private_mkdir(self.work)
        write_private_text(self.root / "load.json",
                           json.dumps({"load_id": load_id, "period": period}))

    def partition(self, table: str) -> Path:
        return private_mkdir(self.root / "data" / table / f"period={self.period}")

    def moves(self) -> list[tuple[Path, Path]]:
        """(staged, target) for every table partition and the quarantine folder."""
        pairs = [(self.partition(t), self.ws.partition_dir(t, self.period)) for t in TABLES]
        private_mkdir(self.quarantine)
        return [*pairs, (self.quarantine, self.ws.quarantine_dir / self.period)]

    def swap(self) -> None:
        """Move the staged folders into place; on any failure put everything back and raise."""
        backup = self.root / "backup"
        private_mkdir(backup)
        try:
            for i, (staged, target) in enumerate(self.moves()):
                private_mkdir(target.parent)
                if target.exists():
                    _move(target, backup / str(i), self._journal)
                _move(staged, target, self._journal)
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        """Reverse every journalled move, newest first."""
        undo_journal(self.root)

    def keep_refused_quarantine(self) -> Path:
        """Put the staged quarantine of a refused load at quarantine/<period>/refused/ (replacing
        an earlier refused one); the period's data and accepted quarantine stay as they were."""
        target = self.ws.quarantine_dir / self.period / "refused"
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.quarantine.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.quarantine), str(target))
        return target

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _journal(self, src: Path, dst: Path) -> None:
        with (self.root / JOURNAL).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"src": str(src), "dst": str(dst)}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _move(src: Path, dst: Path, journal: Callable[[Path, Path], None]) -> None:
    journal(src, dst)
    os.replace(src, dst)


def undo_journal(root: Path) -> None:
    """Move back what the journal in `root` says was moved (skipping moves that never ran)."""
    path = root / JOURNAL
    if not path.exists():
        return
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for entry in reversed(entries):
        src, dst = Path(entry["src"]), Path(entry["dst"])
        if dst.exists() and not src.exists():
            src.parent.mkdir(parents=True, exist_ok=True)
            os.replace(dst, src)
    path.unlink()


def recover(ws: Workspace, committed: Callable[[str], bool]) -> list[str]:
    """Clean up after loads that died: undo uncommitted swaps, drop their staging folders."""
    base = staging_base(ws)
    recovered = []
    for root in sorted(base.glob(f"{PREFIX}*")):
        if not root.is_dir():
            continue
        load_id = root.name.removeprefix(PREFIX)
        if (root / JOURNAL).exists() and not committed(load_id):
            undo_journal(root)
        shutil.rmtree(root, ignore_errors=True)
        recovered.append(load_id)
    return recovered
