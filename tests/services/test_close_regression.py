"""The close's per-customer results (applied tiers, migrations, hysteresis, explanations) equal
those of the per-customer Python loop it replaced (tests/services/close_reference.py), on a
small synthetic bank over three closes with an override in force."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from close_reference import reference_close

from corptier.services import (
    approve_override,
    close_period,
    explain_customer,
    load_period,
    published_tiers,
    request_override,
)
from corptier.services.standards import active_standard, named_lists
from corptier.synth import synthesize
from corptier.workspace import Workspace

PERIODS = ("2025-01", "2025-02", "2025-03")
NOW = datetime(2025, 1, 2, 9, 0)


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, list[pd.DataFrame]]:
    """Three closes of an 80-customer bank, each with the reference result beside it."""
    root = tmp_path_factory.mktemp("close_regression")
    synthesize(root / "incoming", customers=80, months=len(PERIODS), seed=11)
    ws = Workspace.init(root / "ws", language="en")
    for period in PERIODS:
        load_period(ws, period, root / "incoming" / period)
    standard = active_standard(ws, None)
    lists = named_lists(ws, standard)
    references: list[pd.DataFrame] = []
    previous, overrides = None, {}
    for i, period in enumerate(PERIODS):
        if i == 1:
            overrides = _override(ws, standard.tier_codes)
        close_period(ws, period)
        previous = reference_close(ws, period, standard, lists, previous,
                                   PERIODS[i - 1] if i else None, overrides)
        references.append(previous)
    return ws, references


def _override(ws: Workspace, codes: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    """Raise the customer with the lowest id of the first close to the top tier."""
    first = published_tiers(ws, PERIODS[0])
    customer = str(first.loc[first["applied_tier"] != codes[0], "customer_id"].iloc[0])
    o = request_override(ws, customer, codes[0], "board mandate", date(2026, 12, 31), "alice",
                         clock=lambda: NOW)
    approve_override(ws, o.id, "bob", clock=lambda: NOW)
    return {customer: (o.id, codes[0])}


@pytest.mark.parametrize("index", range(len(PERIODS)))
def test_published_results_equal_the_reference(chained, index: int) -> None:
    ws, references = chained
    ref = references[index].set_index("customer_id")
    got = published_tiers(ws, PERIODS[index]).set_index("customer_id")
    assert list(got.index) == list(ref.index)
    for column in ("computed_tier", "applied_tier", "previous_tier", "migration",
                   "hysteresis_reason"):
        assert _plain(got[column]) == _plain(ref[column]), column
    assert _plain(got["override_id"]) == _plain(ref["override_id"])


@pytest.mark.parametrize("index", range(len(PERIODS)))
def test_explanations_equal_the_reference(chained, index: int) -> None:
    ws, references = chained
    ref = references[index]
    interesting = ref[(ref["override_id"].notna()) | (ref["hysteresis_reason"] != "same")
                      | (ref["migration"] != "same")]
    picked = pd.concat([ref.head(5), interesting.head(15)]).drop_duplicates("customer_id")
    assert len(picked) >= 5
    for row in picked.to_dict("records"):
        want = _json(row["explanation"])
        got = explain_customer(ws, row["customer_id"], PERIODS[index]).data
        assert _within(got, want) == want, row["customer_id"]


def test_the_reference_exercises_override_hysteresis_and_migration(chained) -> None:
    _ws, references = chained
    every = pd.concat(references)
    assert every["override_id"].notna().sum() >= 1
    assert {"new", "same"} <= set(every["migration"])
    assert set(every["migration"]) & {"up", "down"}


def _plain(column: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else (int(v) if isinstance(v, float) else v)
            for v in column.astype(object)]


def _within(got: Any, want: Any) -> Any:
    """`got` cut to the keys of `want`, at every level (explanations may only add facts)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return {k: _within(got.get(k), v) for k, v in want.items()}
    return got


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True))


