"""The Period type: parse once, then month arithmetic on integers."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.errors import CorptierError, PeriodError
from corptier.periods import FIRST_INDEX, LAST_INDEX, Period, period_range

# Periods far enough from 0001-01 and 9999-12 that the shifts below stay inside.
periods = st.integers(FIRST_INDEX + 2000, LAST_INDEX - 2000).map(Period.from_index)
shifts = st.integers(-900, 900)


@pytest.mark.parametrize("text", ["2026-09", "1999-12", "0001-01", "9999-12", "2024-02"])
def test_parse_keeps_the_text_and_reads_year_and_month(text: str) -> None:
    p = Period.parse(text)
    assert isinstance(p, Period) and isinstance(p, str)
    assert p == text and str(p) == text and f"period={p}" == f"period={text}"
    assert (p.year, p.month) == (int(text[:4]), int(text[5:]))
    assert repr(p) == repr(text)


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-00", "2026-9", "26-09", "", "2026-09-01", "2026/09", " 2026-09",
            "2026-09\n", "0000-01", "２０２６-09", "2026-O9"],
)
def test_parse_refuses_anything_but_yyyy_mm(bad: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse(bad)
    assert str(caught.value) == f"period must look like 2026-09 (YYYY-MM); got {bad!r}"


def test_a_malformed_period_is_a_period_error_and_a_value_error() -> None:
    for error in (PeriodError, ValueError, CorptierError):
        with pytest.raises(error):
            Period("2026-9")


@pytest.mark.parametrize("bad", [None, 202609, ["2026-09"]])
def test_parse_refuses_what_is_not_text(bad: object) -> None:
    with pytest.raises(PeriodError, match="YYYY-MM"):
        Period.parse(bad)  # type: ignore[arg-type]  # a wrong type on purpose


def test_a_period_is_not_parsed_again() -> None:
    p = Period.parse("2026-09")
    assert Period(p) is p and Period.parse(p) is p


def test_a_period_works_as_plain_text() -> None:
    p = Period("2026-09")
    assert {p: 1}["2026-09"] == 1 and {"2026-09": 1}[p] == 1
    assert sorted([Period("2026-10"), Period("2025-12"), Period("2026-01")]) == [
        "2025-12", "2026-01", "2026-10"]
    assert pickle.loads(pickle.dumps(p)) == p
    assert type(pickle.loads(pickle.dumps(p))) is Period


def test_index_start_end_and_days() -> None:
    p = Period("2026-09")
    assert p.index == 2026 * 12 + 8
    assert p.start == dt.date(2026, 9, 1)
    assert p.month_end == dt.date(2026, 9, 30)
    assert p.days == 30


@pytest.mark.parametrize(("text", "days"), [
    ("2024-02", 29), ("2023-02", 28), ("2000-02", 29), ("1900-02", 28), ("2100-02", 28),
    ("2026-01", 31), ("2026-04", 30), ("2026-12", 31),
])
def test_february_in_leap_and_common_years(text: str, days: int) -> None:
    p = Period(text)
    assert p.days == days
    assert p.month_end == dt.date(p.year, p.month, days)
    assert p.month_end + dt.timedelta(days=1) == p.shift(1).start


def test_december_goes_to_january() -> None:
    assert Period("2025-12").shift(1) == "2026-01"
    assert Period("2026-01").shift(-1) == "2025-12"
    assert Period("2026-01").shift(-13) == "2024-12"
    assert Period("2025-12").months_until("2026-01") == 1


def test_shift_past_the_ends_is_refused() -> None:
    assert Period("9999-11").shift(1) == "9999-12"
    with pytest.raises(PeriodError, match="0001-01 to 9999-12"):
        Period("9999-12").shift(1)
    with pytest.raises(PeriodError):
        Period("0001-01").shift(-1)


@given(periods, shifts, shifts)
def test_shifts_add_up(p: Period, a: int, b: int) -> None:
    assert p.shift(a).shift(b) == p.shift(a + b)
    assert p.shift(0) == p


@given(periods, shifts)
def test_months_until_undoes_shift(p: Period, k: int) -> None:
    assert p.months_until(p.shift(k)) == k
    assert p.shift(k).months_until(p) == -k


@given(periods, shifts)
def test_text_order_is_calendar_order(p: Period, k: int) -> None:
    q = p.shift(k)
    assert (p < q) == (k > 0) and (p == q) == (k == 0)


@given(periods, st.integers(0, 60))
def test_window_is_n_months_ending_with_the_period_newest_first(p: Period, n: int) -> None:
    window = p.window(n)
    assert len(window) == n
    assert window == [p.shift(-lag) for lag in range(n)]
    assert window == sorted(window, reverse=True)
    assert all(isinstance(q, Period) for q in window)


def test_window_examples() -> None:
    assert Period("2026-02").window(3) == ["2026-02", "2026-01", "2025-12"]
    assert Period("2026-02").window(0) == []
    with pytest.raises(ValueError, match="at least 0"):
        Period("2026-02").window(-1)


@given(periods, st.integers(1, 31))
def test_from_date_is_the_month_of_the_date(p: Period, day: int) -> None:
    d = p.start + dt.timedelta(days=min(day, p.days) - 1)
    assert Period.from_date(d) == p
    assert Period.from_date(p.month_end) == p


def test_from_date_takes_a_datetime_too() -> None:
    assert Period.from_date(dt.datetime(2026, 9, 30, 23, 59)) == "2026-09"


def test_from_index_checks_the_range() -> None:
    assert Period.from_index(FIRST_INDEX) == "0001-01"
    assert Period.from_index(LAST_INDEX) == "9999-12"
    for index in (FIRST_INDEX - 1, LAST_INDEX + 1):
        with pytest.raises(PeriodError):
            Period.from_index(index)


def test_period_range_includes_both_ends() -> None:
    assert period_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period_range("2026-03", "2026-03") == ["2026-03"]
    assert all(isinstance(p, Period) for p in period_range("2025-11", "2026-02"))


@given(periods, st.integers(0, 100))
def test_period_range_agrees_with_shift(p: Period, k: int) -> None:
    assert period_range(p, p.shift(k)) == [p.shift(i) for i in range(k + 1)]


def test_period_range_refuses_a_start_after_the_end() -> None:
    with pytest.raises(PeriodError) as caught:
        period_range("2026-05", "2026-03")
    assert str(caught.value) == "the start period 2026-05 is after the end period 2026-03"
    assert isinstance(caught.value, CorptierError)


def test_period_range_validates_both_periods() -> None:
    with pytest.raises(PeriodError, match="got '2026-3'"):
        period_range("2026-01", "2026-3")
    with pytest.raises(PeriodError, match="got '26-01'"):
        period_range("26-01", "2026-03")
