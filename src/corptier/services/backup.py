"""Backup and restore of a whole workspace: its files (config, standards, data, quarantine,
reports) and its app database, as one consistent copy.

Consistency: the app database names the run published for each period, and that run's Parquet
export must be the one in the copy. There is no workspace writer lock in this version, so the
Parquet and the other files are copied FIRST and the database AFTER (SQLite's online backup API,
or `pg_dump` for PostgreSQL), then the copy is checked: every period the copied database says is
published must have, in the copied files, the export of exactly that run. A close that published
between the two copies fails that check (the database is newer than the Parquet) and the whole
copy is taken again, a few times at most. The reverse order would be checked the same way; files
first is chosen because a close writes its Parquet before it commits the database, so a
database copied after the files can only be ahead of them, never behind, and the check sees it.

A backup folder holds `files/` (the workspace tree without the database and the engine's
temporary folder), `db.sqlite` or `db.dump` (pg_dump's custom format) and `manifest.json`
(sha256 of every file, the database kind, the published runs) that restore verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyarrow.parquet as pq

from corptier.config import CONFIG_FILE
from corptier.errors import WorkspaceError
from corptier.store import UnitOfWork
from corptier.workspace import PUBLISHED_TIERS, Workspace

MANIFEST = "manifest.json"
FILES = "files"
SQLITE_COPY = "db.sqlite"
PG_DUMP = "db.dump"
ATTEMPTS = 5
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class BackupResult:
    """Where the copy went, how many files it holds and the runs it holds published."""

    path: Path
    files: int
    database: str
    published: dict[str, str]
    attempts: int


@dataclass(frozen=True)
class RestoreResult:
    """The restored workspace and the runs it holds published."""

    path: Path
    files: int
    database: str
    published: dict[str, str]


def backup_workspace(ws: Workspace, dest: Path | str) -> BackupResult:
    """Copy `ws` to the new folder `dest`: files first, then the database, then a check that
    the copy's database and Parquet agree (retried when a close ran in between)."""
    target = Path(dest).resolve()
    _new_folder(target, "backup")
    try:
        for attempt in range(1, ATTEMPTS + 1):
            files = _copy_files(ws, target / FILES)
            kind = _dump_database(ws, target)
            published = _published_in_copy(ws, target, kind)
            stale = _mismatches(target / FILES, published)
            if not stale:
                _write_manifest(target, kind, published)
                return BackupResult(target, files, kind, published, attempt)
            for leftover in (target / FILES, target / SQLITE_COPY, target / PG_DUMP):
                _remove(leftover)
        raise WorkspaceError("could not take a consistent backup of {root} in {attempts} "
                             "attempts: periods {stale} were being closed while it was copied; "
                             "try again when no close is running", root=ws.root, attempts=ATTEMPTS,
                             stale=", ".join(stale))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def restore_workspace(src: Path | str, directory: Path | str, *,
                      database_url: str | None = None) -> RestoreResult:
    """Make the new workspace `directory` from the backup `src` (verified against its
    manifest). A SQLite backup becomes `directory/db.sqlite`; a PostgreSQL one is restored
    into `database_url` (an empty database or schema), which the restored config then names."""
    source = Path(src).resolve()
    manifest = _read_manifest(source)
    target = Path(directory).resolve()
    _new_folder(target, "restore")
    try:
        _verify(source, manifest)
        count = _copy_tree(source / FILES, target)
        kind = manifest["database"]
        if kind == "sqlite":
            if database_url is not None:
                raise WorkspaceError("this backup holds a SQLite database; restore it without "
                                     "a database URL")
            _sqlite_copy(source / SQLITE_COPY, target / "db.sqlite")
            url = "sqlite:///db.sqlite"
        else:
            if database_url is None:
                raise WorkspaceError("this backup holds a PostgreSQL database; name the empty "
                                     "database to restore it into")
            _pg_restore(source / PG_DUMP, database_url)
            url = database_url
        _set_database_url(target, url)
        ws = Workspace.open(target)
        with UnitOfWork(ws.db) as uow:
            published = uow.runs.published_periods()
        ws.db.dispose()
        if published != manifest["published"]:
            raise WorkspaceError("the restored database of {target} does not hold the runs the "
                                 "backup recorded; the backup is damaged", target=target)
        return RestoreResult(target, count, kind, published)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


# --- files -----------------------------------------------------------------------------------
def _new_folder(path: Path, what: str) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        template = {"backup": "cannot backup into {path}: it already exists and is not empty",
                    "restore": "cannot restore into {path}: it already exists and is not empty"}
        raise WorkspaceError(template[what], path=path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _excluded(ws: Workspace) -> set[Path]:
    """The database file and its side files, and the engine's temporary folder."""
    out = {ws.root / ws.config.engine.temp_directory}
    db = _sqlite_path(ws)
    if db is not None:
        out |= {db, *(db.with_name(db.name + s) for s in _SQLITE_SIDE_FILES)}
    return {p.resolve() for p in out}


def _copy_files(ws: Workspace, dest: Path) -> int:
    excluded = _excluded(ws)
    count = 0
    for folder, dirs, names in os.walk(ws.root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in excluded)
        rel = here.relative_to(ws.root)
        (dest / rel).mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in sorted(names):
            path = here / name
            if path.resolve() in excluded or path.is_symlink() or not path.is_file():
                continue
            shutil.copy2(path, dest / rel / name)
            count += 1
    return count


def _copy_tree(source: Path, dest: Path) -> int:
    count = 0
    for path in sorted(source.rglob("*")):
        out = dest / path.relative_to(source)
        if path.is_dir():
            out.mkdir(mode=0o700, parents=True, exist_ok=True)
        else:
            out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copy2(path, out)
            count += 1
    return count


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(target: Path, kind: str, published: dict[str, str]) -> None:
    files = {str(p.relative_to(target)): _sha256(p)
             for p in sorted(target.rglob("*")) if p.is_file()}
    doc = {"format": 1, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
           "database": kind, "published": published, "files": files}
    (target / MANIFEST).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")


def _read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkspaceError("{source} is not a corptier backup (no {manifest})", source=source,
                             manifest=MANIFEST) from None
    except (OSError, ValueError) as exc:
        raise WorkspaceError("the backup manifest {path} cannot be read: {error}", path=path,
                             error=exc) from None
    if not isinstance(doc, dict) or doc.get("database") not in ("sqlite", "postgresql"):
        raise WorkspaceError("the backup manifest {path} is not one corptier writes", path=path)
    return doc


def _verify(source: Path, manifest: dict[str, Any]) -> None:
    for name, digest in manifest.get("files", {}).items():
        path = source / name
        if not path.is_file():
            raise WorkspaceError("the backup {source} is incomplete: {name} is missing",
                                 source=source, name=name)
        if _sha256(path) != digest:
            raise WorkspaceError("the backup {source} is damaged: {name} differs from the copy "
                                 "that was taken", source=source, name=name)


def _set_database_url(root: Path, url: str) -> None:
    from corptier.config import load_config, render_config

    path = root / CONFIG_FILE
    config = load_config(path)
    config = config.model_copy(update={
        "database": config.database.model_copy(update={"url": url})})
    path.write_text(render_config(config), encoding="utf-8")


# --- the database ----------------------------------------------------------------------------
def _sqlite_path(ws: Workspace) -> Path | None:
    url = ws.database_url
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _sqlite_copy(source: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite database through its online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    dest.chmod(0o600)


def _dump_database(ws: Workspace, target: Path) -> str:
    db = _sqlite_path(ws)
    if db is not None:
        if not db.is_file():
            raise WorkspaceError("the app database {db} is missing; nothing to back up", db=db)
        _sqlite_copy(db, target / SQLITE_COPY)
        return "sqlite"
    if not ws.database_url.startswith("postgresql"):
        raise WorkspaceError("backup handles SQLite and PostgreSQL app databases only")
    conninfo, schema = _pg_conninfo(ws.database_url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
               f"--file={target / PG_DUMP}"]
    if schema:
        command.append(f"--schema={schema}")
    _run_pg([*command, conninfo], "pg_dump")
    return "postgresql"


def _pg_restore(dump: Path, url: str) -> None:
    conninfo, _schema = _pg_conninfo(url)
    _run_pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={conninfo}", str(dump)], "pg_restore")


def _pg_conninfo(url: str) -> tuple[str, str | None]:
    """The libpq URL (no SQLAlchemy driver) and the schema named by `-csearch_path=` in its
    options, if any (the dump is then of that schema only)."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    options = " ".join(parse_qs(urlsplit(conninfo).query).get("options", []))
    schema = None
    for part in unquote(options).split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0].strip('"') or None
    return conninfo, schema


def _run_pg(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise WorkspaceError("{tool} (the PostgreSQL client) is not installed; it is needed to "
                             "back up or restore a PostgreSQL workspace", tool=tool)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise WorkspaceError("{tool} failed: {detail}", tool=tool, detail=detail)


def _published_in_copy(ws: Workspace, target: Path, kind: str) -> dict[str, str]:
    """Period → run id published, read from the database copy just taken (SQLite) or from the
    live database after the dump (PostgreSQL: the dump is one snapshot; a close committed
    after it makes the live pointers newer, which the check also treats as a mismatch)."""
    if kind == "sqlite":
        con = sqlite3.connect(f"file:{target / SQLITE_COPY}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT period, run_id FROM published_period ORDER BY period")
            return {str(p): str(r) for p, r in rows}
        finally:
            con.close()
    with UnitOfWork(ws.db) as uow:
        return uow.runs.published_periods()


def _mismatches(files: Path, published: dict[str, str]) -> list[str]:
    """Periods whose copied export is missing or holds another run than the database says."""
    bad = []
    for period, run_id in published.items():
        path = files / "data" / PUBLISHED_TIERS / f"period={period}" / "part-0.parquet"
        if not path.is_file():
            bad.append(period)
            continue
        found = set(pq.read_table(path, columns=["run_id"]).column("run_id").to_pylist())
        if found != {run_id}:
            bad.append(period)
    return bad
