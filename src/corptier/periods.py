"""The Period type: a month written YYYY-MM, validated once where it enters."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from corptier.errors import PeriodError

_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Period(str):
    """A validated `YYYY-MM` month; a `str`, so it is a key, a file name and a parameter as is."""

    __slots__ = ()

    def __new__(cls, text: str) -> Period:
        if isinstance(text, Period):
            return text
        if not isinstance(text, str) or not _RE.match(text):
            raise PeriodError(f"period must look like 2026-09 (YYYY-MM); got {text!r}")
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> Period:
        return cls(text)

    @classmethod
    def of_index(cls, index: int) -> Period:
        return str.__new__(cls, f"{index // 12:04d}-{index % 12 + 1:02d}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        return int(self[5:7])

    @property
    def index(self) -> int:
        """Absolute month number (year × 12 + month − 1)."""
        return self.year * 12 + self.month - 1

    @property
    def month_end(self) -> dt.date:
        return dt.date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def shift(self, months: int) -> Period:
        return Period.of_index(self.index + months)

    def months_until(self, other: str) -> int:
        return Period(other).index - self.index

    def window(self, months: int) -> list[Period]:
        """The `months` periods ending with this one, newest first."""
        return [Period.of_index(self.index - lag) for lag in range(months)]


def period_range(start: str, end: str) -> list[Period]:
    """Every month from `start` to `end`, both included."""
    first, last = Period(start), Period(end)
    steps = first.months_until(last)
    if steps < 0:
        raise PeriodError(f"the start period {first} is after the end period {last}")
    return [first.shift(k) for k in range(steps + 1)]
