"""Adopting a standard: it becomes the one every close applies, from a recorded period on."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from corptier.config import CONFIG_FILE, render_config
from corptier.store.db import unit_of_work
from corptier.store.models import AuditLog, StandardAdoption
from corptier.tiering import Standard, load_standard
from corptier.workspace import Workspace, check_period


def adopt_standard(
    ws: Workspace, path: Path | str, period: str, by: str, note: str | None = None
) -> Standard:
    """Validate the standard, copy it into `standards/`, make it the active standard in
    corptier.toml and record the adoption (the pivot of before/after evaluation) with an
    audit entry."""
    check_period(period)
    source = Path(path)
    standard = load_standard(source)
    target = ws.standards_dir / source.name
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    now = datetime.now(UTC).replace(tzinfo=None)
    with unit_of_work(ws.db) as session:
        session.add(StandardAdoption(
            standard_id=standard.id, standard_version=standard.version,
            standard_hash=standard.content_hash, adopted_period=period, adopted_by=by,
            adopted_at=now, note=note,
        ))
        session.add(AuditLog(
            at=now, actor=by, action="adopt", entity="standard", entity_id=standard.id,
            before={"file": ws.config.tiering.standard},
            after={"file": target.name, "version": standard.version, "period": period,
                   "hash": standard.content_hash},
        ))
    config = ws.config.model_copy(deep=True)
    config.tiering.standard = target.name
    (ws.root / CONFIG_FILE).write_text(render_config(config), encoding="utf-8")
    return standard
