"""The synthetic bank: a seeded branch history written as loadable period folders."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from corptier.contract.profile import load_profile
from corptier.errors import ParameterError
from corptier.services.progress import stage, step
from corptier.synth import SynthSummary
from corptier.synth import synthesize as _synthesize
from corptier.synth.bank import TRUTH_FILE
from corptier.synth.export_shape import shape_period


@stage("synthesise", rows=lambda summary: sum(summary.totals().values()))
def synthesize_bank(
    out: Path | str,
    *,
    customers: int = 5000,
    months: int = 12,
    seed: int = 1,
    fmt: str = "parquet",
    dirty: bool = False,
    start: str = "2025-01",
    progress: Callable[[str], None] | None = None,
    profile: Path | str | None = None,
    attrition: float = 0.03,
) -> SynthSummary:
    """Write `out/<YYYY-MM>/` for each month, each loadable by `load_period`; the same seed
    gives the same bytes. `dirty` injects row-level defects (see each `_defects.json`).
    With a mapping `profile`, the files are written in the export shape it describes
    (names, headers, codes, units, formats, encoding) and load with `load_period(profile=)`.
    `attrition` is the annual share of customers who silently leave (see `out/_truth.parquet`)."""
    if profile is None:
        return _synthesize(out, customers, months, seed, fmt, dirty, start,
                           attrition=attrition, progress=progress or step)
    if dirty:
        raise ParameterError("a synthetic bank is either --dirty or shaped by a --profile, "
                             "not both")
    mapping = load_profile(profile)
    root = Path(out)
    canonical = root / f".canonical-{uuid.uuid4().hex}"
    try:
        summary = _synthesize(canonical, customers, months, seed, "parquet", False, start,
                              attrition=attrition, progress=progress or step)
        for period in summary.periods:
            shape_period(canonical / period, root / period, mapping, period)
        shutil.copyfile(canonical / TRUTH_FILE, root / TRUTH_FILE)
    finally:
        shutil.rmtree(canonical, ignore_errors=True)
    summary.out, summary.format = root, f"csv ({mapping.name})"
    return summary
