"""The synthetic bank: a seeded branch history written as loadable period folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corptier.services.progress import stage, step
from corptier.synth import SynthSummary
from corptier.synth import synthesize as _synthesize


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
) -> SynthSummary:
    """Write `out/<YYYY-MM>/` for each month, each loadable by `load_period`; the same seed
    gives the same bytes. `dirty` injects row-level defects (see each `_defects.json`)."""
    return _synthesize(out, customers, months, seed, fmt, dirty, start, progress=progress or step)
