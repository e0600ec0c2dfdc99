"""Arrow columns built from numpy buffers, and vectorised credit codes, agree with the slow way."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from corptier.reference import make_uscc, validate_uscc
from corptier.synth import columns as col
from corptier.synth.uscc import corrupt_check, make_usccs, random_org8


@given(st.lists(st.integers(0, 10**12 - 1), min_size=1, max_size=50), st.integers(12, 13))
def test_digits_are_zero_padded_decimal(values: list[int], width: int) -> None:
    matrix = col.digits(np.array(values, dtype=np.int64), width)
    assert [bytes(r).decode() for r in matrix] == [f"{v:0{width}d}" for v in values]


def test_ids_money_rates_dates_and_nulls() -> None:
    ids = col.ids(3, "C", (np.array([1, 42, 9_999_999_999]), 10))
    assert ids.to_pylist() == ["C0000000001", "C0000000042", "C9999999999"]
    money = col.money(np.array([0.01, 1234.565, -5.0, 0.0]), valid=np.array([1, 1, 1, 0], bool))
    assert money.type == pa.decimal128(18, 2)
    assert money.to_pylist() == [Decimal("0.01"), Decimal("1234.56"), Decimal("-5.00"), None]
    assert col.rate(np.array([0.0345])).to_pylist() == [Decimal("0.034500")]
    assert str(col.dates(np.array([0, 20089])).to_pylist()[1]) == "2025-01-01"
    assert col.choice(["a", None], np.array([0, 1, 0])).to_pylist() == ["a", None, "a"]


def test_sampler_follows_the_weights() -> None:
    table = col.sampler([1, 0, 3])
    draws = col.draw(table, np.random.default_rng(0).random(40_000))
    assert set(np.unique(draws)) == {0, 2}
    assert abs((draws == 2).mean() - 0.75) < 0.01


def test_vectorised_usccs_agree_with_the_reference() -> None:
    rng = np.random.default_rng(1)
    n = 500
    org8 = random_org8(rng, rng.random(n) < 0.5)
    region = rng.choice([510104, 510100, 510185], n)
    codes = make_usccs(np.full(n, ord("9"), np.uint8), np.full(n, ord("1"), np.uint8), region,
                       org8)
    text = [bytes(c).decode() for c in codes]
    expected = [make_uscc("9", "1", str(r), bytes(o).decode()) for r, o in zip(region, org8,
                                                                                strict=True)]
    assert text == expected
    assert all(validate_uscc(t).valid and not validate_uscc(t).warnings for t in text[:50])
    broken = [bytes(c).decode() for c in corrupt_check(codes, rng)]
    assert not any(validate_uscc(b).valid for b in broken[:50])
