"""The calendar of the synthetic history: day numbers, holidays, seasonality.

Months are `corptier.periods.Period`s. Dates are plain integers (days since 1970-01-01)
throughout the synthetic bank; months are absolute indices (`Period.index`, `year * 12 + month
- 1`) so every closed-form trend is a function of the month.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np

from corptier.errors import PeriodError, Text
from corptier.periods import Period

_EPOCH = dt.date(1970, 1, 1)
FIRST_YEAR = 1990
"""The first year a synthetic history may start in."""

# Chinese New Year (春节) by year; outside the table the dip is put in February.
CNY = {
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
    2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11),
    2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}
WEEKEND_WEIGHT = 0.15
HOLIDAY_WEIGHT = 0.08


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - _EPOCH).days


def first_day(period: Period) -> int:
    """Day number of the first day of the month."""
    return day_number(period.start)


def last_day(period: Period) -> int:
    """Day number of the last day of the month."""
    return day_number(period.month_end)


def compact(period: Period) -> int:
    """YYYYMM as a number (used in transaction ids)."""
    return period.year * 100 + period.month


def parse_month(text: str) -> Period:
    """`YYYY-MM` from 1990 as a Period; ValueError naming the expected form."""
    with contextlib.suppress(PeriodError):
        period = Period.parse(text)
        if period.year >= FIRST_YEAR:
            return period
    raise ValueError(Text("start month must look like 2025-01 (YYYY-MM, from {first}); got "
                          "{text!r}", first=FIRST_YEAR, text=text))


def first_day_of_index(index: np.ndarray) -> np.ndarray:
    """Day number of the first day of each absolute month."""
    months = (np.asarray(index, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def cny_day(year: int) -> int:
    month, day = CNY.get(year, (2, 5))
    return day_number(dt.date(year, month, day))


def holidays(period: Period) -> set[int]:
    """Day-of-month numbers (1-based) of public holidays in the month."""
    out: set[int] = set()
    first, last = first_day(period), last_day(period)
    cny = cny_day(period.year)
    for d in range(cny - 1, cny + 7):
        if first <= d <= last:
            out.add(d - first + 1)
    fixed = {1: range(1, 2), 5: range(1, 6), 10: range(1, 8)}
    out.update(fixed.get(period.month, ()))
    return out


def day_weights(period: Period) -> np.ndarray:
    """Relative activity of each day of the month: weekdays 1, weekends and holidays low,
    the last two working days and the tax days (10th to 15th) busier."""
    weekday = (np.arange(period.days) + period.start.weekday()) % 7
    weights = np.where(weekday >= 5, WEEKEND_WEIGHT, 1.0)
    for day in holidays(period):
        weights[day - 1] = HOLIDAY_WEIGHT
    weights[9:15] *= 1.1
    working = np.flatnonzero(weights >= 1.0)
    weights[working[-2:]] *= 1.4
    return weights / float(weights.sum())


def is_cny_month(period: Period) -> bool:
    cny = cny_day(period.year)
    return first_day(period) <= cny <= last_day(period)


def season(period: Period) -> tuple[float, float, float]:
    """(average-balance factor, month-end factor over the average, transaction-count factor).

    Quarter ends and the year end lift balances (and month-end figures most: 冲时点);
    the Chinese New Year month dips (bonuses and holidays), December is busiest.
    """
    avg, end, txn = 1.0, 1.0, 1.0
    if period.month in (3, 6, 9):
        avg, end = 1.04, 1.12
    if period.month == 12:
        avg, end, txn = 1.07, 1.22, 1.12
    if is_cny_month(period):
        avg, txn = avg * 0.93, txn * 0.82
    return avg, end, txn
