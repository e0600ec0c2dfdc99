"""The tier service catalogue: check one against the standard's tiers and the fee rules, and
find the workspace's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corptier.service import Catalogue, RuleSet, load_catalogue
from corptier.workspace import Workspace

CATALOGUE_FILE = "service.yaml"


@dataclass(frozen=True)
class CatalogueSummary:
    """A valid catalogue: who it is, its tiers and the rules it passed."""

    path: Path
    id: str
    version: str
    content_hash: str
    tiers: tuple[str, ...]
    rules_id: str
    rules_version: str
    rules: tuple[str, ...]
    """The ids of the compliance rules it was checked against."""


def catalogue_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """`path`, else the workspace's `standards/service.yaml`."""
    return Path(path) if path is not None else ws.standards_dir / CATALOGUE_FILE


def check_service_catalogue(ws: Workspace | None, path: Path | str | None = None, *,
                            rules_path: Path | str | None = None) -> CatalogueSummary:
    """Check a service catalogue (default: the workspace's) against the fee rules and, in a
    workspace, the tiers of its active standard; CatalogueValidationError lists each problem
    as file:line: field: message (naming the rule broken)."""
    if ws is None and path is None:
        from corptier.errors import RequestError

        raise RequestError("name a service catalogue file or a workspace")
    target = catalogue_path(ws, path) if ws is not None else Path(str(path))
    catalogue, rules = workspace_catalogue(ws, target, rules_path)
    return CatalogueSummary(target, catalogue.id, catalogue.version, catalogue.content_hash,
                            tuple(catalogue.tiers), rules.id, rules.version,
                            tuple(r.id for r in rules.rules))


def workspace_catalogue(ws: Workspace | None, path: Path | str | None = None,
                        rules_path: Path | str | None = None, *,
                        tier_codes: list[str] | None = None) -> tuple[Catalogue, RuleSet]:
    """The catalogue at `path` (default: the workspace's), checked against its rules and
    `tier_codes` (default, in a workspace: the tiers of its active standard)."""
    tiers = tier_codes
    if ws is not None:
        if tiers is None:
            from corptier.services.standards import active_standard

            tiers = active_standard(ws).tier_codes
        path = catalogue_path(ws, path)
    target = Path(str(path))
    rules_file = Path(rules_path) if rules_path is not None else None
    beside = sorted(target.parent.glob("*.y*ml")) if rules_file is None else [rules_file]
    return _cached(target, _stamp(target), tuple(tiers) if tiers is not None else None,
                   rules_file, tuple((str(f), _stamp(f)) for f in beside))


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a changed file: its modification time and size (None when missing)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@lru_cache(maxsize=8)
def _cached(path: Path, stamp: tuple[int, int] | None, tiers: tuple[str, ...] | None,
            rules_path: Path | None,
            rules_stamps: tuple[tuple[str, tuple[int, int] | None], ...],
            ) -> tuple[Catalogue, RuleSet]:
    """The checked catalogue, read again only when it or a rule file beside it changed (the
    stamps are the key)."""
    return load_catalogue(path, tiers, rules_path)
