"""Migration matrix on a fixture counted by hand (with a "new" row and an "exited" column)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from corptier.errors import ContractError
from corptier.evaluation import EXITED, NEW, migration_matrix

ORDER = ["core", "key", "basic"]
START = pd.Series({"A": "core", "B": "core", "C": "key", "D": "key", "E": "basic", "F": "basic",
                   "G": "core"})
END = pd.Series({"A": "core", "B": "key", "C": "core", "D": "key", "E": "key", "F": "basic",
                 "H": "core", "I": "basic"})


def test_counts_by_hand() -> None:
    m = migration_matrix(START, END, ORDER)
    expected = pd.DataFrame(
        [[1, 1, 0, 1],   # core: A stays, B down to key, G exits
         [1, 1, 0, 0],   # key: C up to core, D stays
         [0, 1, 1, 0],   # basic: E up to key, F stays
         [1, 0, 1, 0]],  # new: H core, I basic
        index=[*ORDER, NEW], columns=[*ORDER, EXITED],
    )
    assert m.counts.to_numpy().tolist() == expected.to_numpy().tolist()
    assert list(m.counts.index) == [*ORDER, NEW]
    assert list(m.counts.columns) == [*ORDER, EXITED]


def test_row_percentages_and_shares() -> None:
    m = migration_matrix(START, END, ORDER)
    assert m.row_pct.loc["core"].tolist() == pytest.approx([1 / 3, 1 / 3, 0, 1 / 3])
    assert m.row_pct.loc[NEW].tolist() == pytest.approx([0.5, 0, 0.5, 0])
    assert m.stayers == 6
    assert m.diagonal_share == pytest.approx(3 / 6)   # A, D, F
    assert m.downgrade_share == pytest.approx(1 / 6)  # B (right of the diagonal)
    assert m.upgrade_share == pytest.approx(2 / 6)    # C, E
    assert m.new_count == 2 and m.exited_count == 1
    assert m.exit_rate == pytest.approx(1 / 7)
    assert m.exit_rate_by_tier().to_dict() == pytest.approx({"core": 1 / 3, "key": 0.0,
                                                             "basic": 0.0})


def test_frames_with_the_published_columns() -> None:
    start = pd.DataFrame({"customer_id": START.index, "applied_tier": START.values})
    end = pd.DataFrame({"customer_id": END.index, "applied_tier": END.values, "score": 1.0})
    m = migration_matrix(start, end, ORDER)
    assert m.counts.loc["core", "key"] == 1


def test_an_empty_row_has_no_percentages() -> None:
    m = migration_matrix(pd.Series({"A": "core"}), pd.Series({"A": "core"}), ORDER)
    assert m.row_pct.loc["key"].isna().all()
    assert m.diagonal_share == 1.0
    empty = migration_matrix(pd.Series(dtype=str), pd.Series({"A": "core"}), ORDER)
    assert math.isnan(empty.diagonal_share) and empty.new_count == 1


def test_unknown_tier_and_duplicates_are_named() -> None:
    with pytest.raises(ContractError, match="vip"):
        migration_matrix(pd.Series({"A": "vip"}), END, ORDER)
    dup = pd.DataFrame({"customer_id": ["A", "A"], "applied_tier": ["core", "key"]})
    with pytest.raises(ContractError, match="more than once"):
        migration_matrix(dup, END, ORDER)
