"""Null semantics of conditions: a missing value never fires, also under `not`."""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest

from corptier.tiering import compile_condition

# x: 5, missing, 50; y: missing, 1, 1
TABLE = pa.table({"customer_id": ["C1", "C2", "C3"],
                  "x": pa.array([5, None, 50], pa.int64()),
                  "y": pa.array([None, 1, 1], pa.int64())})


def fired(text: str) -> list[bool]:
    t = ibis.memtable(TABLE)
    return t.select("customer_id", hit=compile_condition(text, t)).order_by(
        "customer_id").to_pyarrow().column("hit").to_pylist()


@pytest.mark.parametrize(("text", "expected"), [
    ("x > 10", [False, False, True]),
    ("not x > 10", [True, False, False]),          # C2: x missing → does not fire
    ("not (x > 10)", [True, False, False]),
    ("not not x > 10", [False, False, True]),
    ("not (x > 10 or y == 1)", [False, False, False]),  # C1: false or unknown → unknown
    ("not (x > 10 and y == 1)", [True, False, False]),  # C1: false and unknown → false
    ("not x is null", [True, False, True]),        # 'is null' itself is never missing
    ("x is null or not x > 10", [True, True, False]),
    ("y == 1 and not x > 10", [False, False, False]),
])
def test_not_on_a_missing_value_does_not_fire(text: str, expected: list[bool]) -> None:
    assert fired(text) == expected
