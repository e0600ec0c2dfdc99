"""Exact money helpers (engine/money.py): the rounded average every engine computes alike."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.engine.money import SUM_EXACT, mean_cents

# mean_cents is exact for any total below 2^52 cents (its documented range)
CENTS = st.integers(min_value=0, max_value=2**52 - 1)
DAYS = st.integers(min_value=0, max_value=366)


def _on_duckdb(pairs: list[tuple[int, int]]) -> list[Decimal | None]:
    table = pa.table({"i": list(range(len(pairs))),
                      "total": [Decimal(c).scaleb(-2) for c, _ in pairs],
                      "n": [n for _, n in pairs]},
                     schema=pa.schema([("i", pa.int64()), ("total", pa.decimal128(38, 8)),
                                       ("n", pa.int64())]))
    t = ibis.memtable(table)
    expr = t.select("i", avg=mean_cents(t.total.cast(SUM_EXACT), t.n)).order_by("i")
    return list(ibis.duckdb.connect().to_pyarrow(expr)["avg"].to_pylist())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(CENTS, DAYS), min_size=1, max_size=40))
def test_mean_cents_is_the_half_up_quotient(pairs: list[tuple[int, int]]) -> None:
    got = _on_duckdb(pairs)
    want = [None if n == 0 else (Decimal(c).scaleb(-2) / n).quantize(Decimal("0.01"),
                                                                     ROUND_HALF_UP)
            for c, n in pairs]
    assert got == want


def test_mean_cents_by_hand() -> None:
    # 18,400 yuan-days / 92 = 200.00; 1.55 / 62 = 0.025 → 0.03 (half up); 0.01 / 3 → 0.00
    assert _on_duckdb([(1_840_000, 92), (155, 62), (1, 3), (5, 0)]) == [
        Decimal("200.00"), Decimal("0.03"), Decimal("0.00"), None]


def test_mean_cents_at_the_top_of_its_range() -> None:
    # (2^52 − 1) cents = 45,035,996,273,704.95; / 2 = 22,517,998,136,852.475 → .48 (half up);
    # 10^15 cents / 92 = 108,695,652,173.913… → 108,695,652,173.91
    assert _on_duckdb([(2**52 - 1, 1), (2**52 - 1, 2), (10**15, 92)]) == [
        Decimal("45035996273704.95"), Decimal("22517998136852.48"),
        Decimal("108695652173.91")]
