"""What a close reads besides the indicators: the active standard, named lists, the last close."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.errors import NotFoundError, StandardError
from corptier.store.models import PublishedPeriod, TierResult, TierRun
from corptier.tiering import Standard, load_standard, named_list_names
from corptier.workspace import Workspace


def active_standard_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """The standard file a close applies: `path`, else `[tiering] standard` in standards/."""
    if path is not None:
        return Path(path)
    return ws.standards_dir / ws.config.tiering.standard


def active_standard(ws: Workspace, path: Path | str | None = None) -> Standard:
    target = active_standard_path(ws, path)
    if not target.is_file():
        raise StandardError(
            f"standard {target} not found; put a standard there or set [tiering] standard "
            "in corptier.toml"
        )
    return load_standard(target)


def named_lists(ws: Workspace, standard: Standard) -> dict[str, list[str]]:
    """Each named list (名单) the standard uses, from `<named_lists>/<name>.csv` (a
    `customer_id` column, or one id per line); a list with no file is empty."""
    folder = ws.root / ws.config.tiering.named_lists
    return {name: _read_list(folder / f"{name}.csv") for name in named_list_names(standard)}


def _read_list(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if rows and rows[0] and rows[0][0].strip().lower() == "customer_id":
        rows = rows[1:]
    return sorted({row[0].strip() for row in rows if row and row[0].strip()})


@dataclass(frozen=True)
class PreviousClose:
    """The published close a period's hysteresis and migration start from."""

    period: str
    run_id: str
    rows: list[dict[str, Any]]


def previous_close(ws: Workspace, period: str) -> PreviousClose | None:
    """The latest published close before `period`, or None for the first close."""
    with ws.db.connect() as conn:
        found = conn.execute(
            sa.select(PublishedPeriod.period, PublishedPeriod.run_id)
            .where(PublishedPeriod.period < period)
            .order_by(PublishedPeriod.period.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        rows = conn.execute(
            sa.select(TierResult.customer_id, TierResult.applied_tier, TierResult.hysteresis)
            .where(TierResult.run_id == found.run_id)
        ).all()
    return PreviousClose(found.period, found.run_id, [r._asdict() for r in rows])


def published_run(ws: Workspace, period: str) -> TierRun:
    """The published run of `period`, or a clear error saying to close it first."""
    with Session(ws.db) as session:
        run_id = session.scalar(
            sa.select(PublishedPeriod.run_id).where(PublishedPeriod.period == period)
        )
        run = session.get(TierRun, run_id) if run_id else None
    if run is None:
        raise NotFoundError(
            f"period {period} has not been closed; run 'corptier close --period {period}'"
        )
    return run


def run_standard(ws: Workspace, period: str) -> Standard | None:
    """The active standard when it is the one the published run of `period` applied."""
    try:
        run = published_run(ws, period)
        standard = active_standard(ws)
    except (NotFoundError, StandardError):
        return None
    return standard if standard.content_hash == run.standard_hash else None
