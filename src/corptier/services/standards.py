"""Standards: validate one, find the active one, adopt one, and read the one a run applied."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corptier.config import CONFIG_FILE, load_config, render_config
from corptier.errors import StandardError
from corptier.periods import Period
from corptier.services.published import published_run_record, standard_of
from corptier.services.recovery import writing
from corptier.store import UnitOfWork
from corptier.tiering import Standard, load_standard, named_list_names
from corptier.tiering.yaml_loader import list_file_path, read_list_file
from corptier.workspace import Workspace


@dataclass(frozen=True)
class StandardSummary:
    """A valid standard: who it is and a few lines describing it."""

    path: Path
    id: str
    version: str
    content_hash: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Adoption:
    """A standard made the active one from a period on."""

    standard_id: str
    version: str
    content_hash: str
    period: str
    file: str
    by: str


def validate_standard(path: Path | str) -> StandardSummary:
    """Check a standard file; StandardValidationError lists every problem as file:line: field."""
    standard = load_standard(path)
    return StandardSummary(Path(path), standard.id, standard.version, standard.content_hash,
                           tuple(standard.summary()))


def active_standard_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """The standard file a close applies: `path`, else `[tiering] standard` in standards/."""
    if path is not None:
        return Path(path)
    # read from the file, not ws.config: an adoption since the workspace was opened counts
    return ws.standards_dir / load_config(ws.root / CONFIG_FILE).tiering.standard


def active_standard(ws: Workspace, path: Path | str | None = None) -> Standard:
    """The standard at `path`, else the workspace's active standard."""
    target = active_standard_path(ws, path)
    if not target.is_file():
        raise StandardError(
            "standard {target} not found; put a standard there or set [tiering] standard "
            "in corptier.toml", target=target)
    return load_standard(target, lists_dir(ws))


def lists_dir(ws: Workspace) -> Path:
    """The workspace's named-lists folder (`[tiering] named_lists`, standards/lists): the only
    place a standard's list files are read from."""
    return ws.root / ws.config.tiering.named_lists


def workspace_standard(ws: Workspace, path: Path | str) -> Standard:
    """A standard file checked for use in this workspace (its list files from its lists)."""
    return load_standard(path, lists_dir(ws))


def named_lists(ws: Workspace, standard: Standard) -> dict[str, list[str]]:
    """Each named list (名单) the standard uses, from `<named_lists>/<name>.csv` (a
    `customer_id` column, or one id per line); a list with no file is empty."""
    folder = lists_dir(ws)
    out = {}
    for name in named_list_names(standard):
        try:
            out[name] = _list(list_file_path(folder, f"{name}.csv"))
        except ValueError as exc:
            raise StandardError("named list {name}: {reason}", name=name,
                                reason=exc.args[0] if exc.args else exc) from None
    return out


def _list(path: Path) -> list[str]:
    return read_list_file(path) if path.is_file() else []


def adopt_standard(ws: Workspace, path: Path | str, period: str, by: str,
                   note: str | None = None) -> Adoption:
    """Validate the standard, copy it into `standards/`, make it the active standard in
    corptier.toml and record the adoption (the pivot of before/after evaluation) with an
    audit entry."""
    from corptier.services.users import acting_name

    by = acting_name(ws, by, "adopted by")
    start = Period.parse(period)
    source = Path(path)
    standard = load_standard(source, lists_dir(ws))
    with writing(ws, f"standard adopt {source.name}"):
        return _adopt(ws, source, standard, start, by, note)


def _adopt(ws: Workspace, source: Path, standard: Standard, start: Period, by: str,
           note: str | None) -> Adoption:
    """Copy, record and activate `standard` (under the workspace lock)."""
    target = ws.standards_dir / source.name
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    now = datetime.now(UTC).replace(tzinfo=None)
    with UnitOfWork(ws.db) as uow:
        adopted = record_adoption(uow, ws, target, standard, start, by, note, now)
    activate_standard(ws, target.name)
    return adopted


def record_adoption(uow: UnitOfWork, ws: Workspace, target: Path, standard: Standard,
                    start: Period, by: str, note: str | None, now: datetime) -> Adoption:
    """Record the adoption of `standard` (already at `target` in standards/) with its audit
    entry, inside the caller's unit of work."""
    uow.adoptions.add(standard_id=standard.id, standard_version=standard.version,
                      standard_hash=standard.content_hash, period=start, by=by, at=now,
                      note=note)
    uow.audit.record(now, by, "adopt", "standard", standard.id,
                     before={"file": active_file_name(ws)},
                     after={"file": target.name, "version": standard.version,
                            "period": start, "hash": standard.content_hash})
    return Adoption(standard.id, standard.version, standard.content_hash, start, target.name,
                    by)


def active_file_name(ws: Workspace) -> str:
    """The file name of the active standard, as corptier.toml says now."""
    return load_config(ws.root / CONFIG_FILE).tiering.standard


def activate_standard(ws: Workspace, file_name: str) -> None:
    """Make standards/`file_name` the active standard in corptier.toml (atomic replace)."""
    config = load_config(ws.root / CONFIG_FILE).model_copy(deep=True)
    config.tiering.standard = file_name
    write_atomic(ws.root / CONFIG_FILE, render_config(config).encode("utf-8"))


def write_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to `target` as a private file, all or nothing (a staged file replaced)."""
    import os

    from corptier.private_files import write_private_bytes

    staged = target.with_name(f".{target.name}.tmp")
    write_private_bytes(staged, data)
    os.replace(staged, target)
    return target


def run_standard(ws: Workspace, period: str) -> Standard:
    """The standard the published run of `period` applied (kept with the run)."""
    with UnitOfWork(ws.db) as uow:
        run = published_run_record(uow, Period.parse(period))
    return standard_of(run)
