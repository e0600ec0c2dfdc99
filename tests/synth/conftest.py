"""Synthetic banks shared by the synth tests (generated once per test session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corptier.synth import SynthSummary, synthesize


@pytest.fixture(scope="session")
def small_bank(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """300 customers, 3 months, Parquet."""
    return synthesize(tmp_path_factory.mktemp("small") / "out", 300, 3, seed=7)


@pytest.fixture(scope="session")
def year_bank(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """3,000 customers over 13 months (Dec 2024 .. Dec 2025), for the realism checks."""
    return synthesize(tmp_path_factory.mktemp("year") / "out", 3000, 13, seed=11,
                      start="2024-12")


@pytest.fixture(scope="session")
def dirty_bank(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """300 customers, 2 months, with defects."""
    return synthesize(tmp_path_factory.mktemp("dirty") / "out", 300, 2, seed=5, dirty=True)


def period_dir(summary: SynthSummary, period: str) -> Path:
    return summary.out / period
