"""Months of the synthetic history and their calendar: days, holidays, seasonality.

Dates are plain integers (days since 1970-01-01) throughout the synthetic bank; months are
absolute indices (`year * 12 + month - 1`) so every closed-form trend is a function of the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

_EPOCH = dt.date(1970, 1, 1)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

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


def to_date(days: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(days))


@dataclass(frozen=True)
class Period:
    """One month of the history."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def compact(self) -> int:
        """YYYYMM as a number (used in transaction ids)."""
        return self.year * 100 + self.month

    @property
    def index(self) -> int:
        """Absolute month number."""
        return self.year * 12 + self.month - 1

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> int:
        return day_number(dt.date(self.year, self.month, 1))

    @property
    def last_day(self) -> int:
        return self.first_day + self.days - 1

    def shifted(self, months: int) -> Period:
        return period_of_index(self.index + months)


def period_of_index(index: int) -> Period:
    return Period(index // 12, index % 12 + 1)


def parse_month(text: str) -> Period:
    """`YYYY-MM` as a Period; ValueError naming the expected form."""
    match = _MONTH_RE.match(text or "")
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1990:
        raise ValueError(f"start month must look like 2025-01 (YYYY-MM, from 1990); got {text!r}")
    return Period(int(match[1]), int(match[2]))


def period_range(start: Period, months: int) -> list[Period]:
    return [start.shifted(i) for i in range(months)]


def month_index_of_days(days: np.ndarray) -> np.ndarray:
    """Absolute month index of each day number."""
    d = np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return d + 1970 * 12


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
    first = period.first_day
    cny = cny_day(period.year)
    for d in range(cny - 1, cny + 7):
        if first <= d <= period.last_day:
            out.add(d - first + 1)
    fixed = {1: range(1, 2), 5: range(1, 6), 10: range(1, 8)}
    out.update(fixed.get(period.month, ()))
    return out


def day_weights(period: Period) -> np.ndarray:
    """Relative activity of each day of the month: weekdays 1, weekends and holidays low,
    the last two working days and the tax days (10th to 15th) busier."""
    weekday = (np.arange(period.days) + dt.date(period.year, period.month, 1).weekday()) % 7
    weights = np.where(weekday >= 5, WEEKEND_WEIGHT, 1.0)
    for day in holidays(period):
        weights[day - 1] = HOLIDAY_WEIGHT
    weights[9:15] *= 1.1
    working = np.flatnonzero(weights >= 1.0)
    weights[working[-2:]] *= 1.4
    return weights / weights.sum()


def is_cny_month(period: Period) -> bool:
    cny = cny_day(period.year)
    return period.first_day <= cny <= period.last_day


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
