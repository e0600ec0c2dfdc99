"""The Period type: one month, written `YYYY-MM`, parsed once and then used as plain text.

    p = Period.parse("2026-09")       # PeriodError if malformed
    p.shift(-1), p.shift(12)          # Period('2026-08'), Period('2027-09')
    p.month_end, p.days               # datetime.date(2026, 9, 30), 30
    p.window(3)                       # ['2026-09', '2026-08', '2026-07'], newest first
    period_range("2026-01", "2026-03")  # ['2026-01', '2026-02', '2026-03']

A Period *is* its `YYYY-MM` string (a `str` subclass), so it works unchanged as a dict key, in
an f-string, as an SQL parameter, as a Parquet partition name (`period=2026-09`) and in
comparisons (the fixed width makes text order the calendar order). The month arithmetic works
on the absolute month number `index = year * 12 + month - 1`: no parsing after the first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final, Self

from corptier.errors import PeriodError

__all__ = ["FIRST_INDEX", "LAST_INDEX", "Period", "period_range"]

_FORM: Final = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
FIRST_INDEX: Final = 1 * 12
"""Absolute month number of 0001-01, the first period."""
LAST_INDEX: Final = 9999 * 12 + 11
"""Absolute month number of 9999-12, the last period."""


class Period(str):
    """One calendar month as its validated `YYYY-MM` text (years 0001 to 9999).

    `Period(text)` and `Period.parse(text)` validate; given a Period they return it as is.
    Periods from `shift`, `window`, `from_index`, `from_date` and `period_range` are built
    from integers and never parsed.

    `index` is the absolute month number: the property replaces `str.index`, so do not call
    `.index(sub)` on a Period (use `str.index(p, sub)` if ever needed).
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Self:
        if isinstance(text, cls):
            return text
        if (not isinstance(text, str) or _FORM.fullmatch(text) is None
                or text.startswith("0000")):
            raise PeriodError("period must look like 2026-09 (YYYY-MM); got {text!r}", text=text)
        return super().__new__(cls, text)

    # --- making periods ------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Self:
        """`text` as a Period; PeriodError "period must look like 2026-09 (YYYY-MM); got …"
        when it is not one (a Period is returned unchanged)."""
        return cls(text)

    @classmethod
    def from_index(cls, index: int) -> Self:
        """The period of an absolute month number (`year * 12 + month - 1`).

        Raises PeriodError outside 0001-01 … 9999-12.
        """
        if not FIRST_INDEX <= index <= LAST_INDEX:
            raise PeriodError("month number {index} is outside the periods 0001-01 to 9999-12",
                              index=index)
        year, month0 = divmod(index, 12)
        return str.__new__(cls, f"{year:04d}-{month0 + 1:02d}")

    @classmethod
    def from_date(cls, day: dt.date) -> Self:
        """The period holding the date `day`."""
        return cls.from_index(day.year * 12 + day.month - 1)

    # --- parts ---------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        """1 (January) to 12 (December)."""
        return int(self[5:])

    @property
    def index(self) -> int:  # type: ignore[override]  # replaces str.index (see class doc)
        """Absolute month number, `year * 12 + month - 1`: consecutive months differ by one."""
        return int(self[:4]) * 12 + int(self[5:]) - 1

    @property
    def days(self) -> int:
        """Number of days in the month (28 to 31)."""
        return calendar.monthrange(int(self[:4]), int(self[5:]))[1]

    @property
    def start(self) -> dt.date:
        """The first day of the month."""
        return dt.date(int(self[:4]), int(self[5:]), 1)

    @property
    def month_end(self) -> dt.date:
        """The last day of the month."""
        year, month = int(self[:4]), int(self[5:])
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    # --- arithmetic ----------------------------------------------------------------------------
    def shift(self, months: int) -> Period:
        """The period `months` later (earlier when negative).

        Raises PeriodError past 0001-01 or 9999-12.
        """
        return Period.from_index(self.index + months)

    def months_until(self, other: str) -> int:
        """`other` − self in months (negative when `other` is earlier); `other` is validated."""
        return Period(other).index - self.index

    def window(self, months: int) -> list[Period]:
        """The `months` periods ending with this one, newest first (position = lag; 0 = self)."""
        if months < 0:
            raise ValueError(f"a window has at least 0 months; got {months}")
        index = self.index
        return [Period.from_index(index - lag) for lag in range(months)]


def period_range(start: str, end: str) -> list[Period]:
    """Every period from `start` to `end`, both included, oldest first.

    Both are validated; PeriodError "the start period 2026-05 is after the end period 2026-03"
    when `start` comes after `end`.
    """
    first, last = Period(start), Period(end)
    if first > last:
        raise PeriodError("the start period {first} is after the end period {last}",
                          first=first, last=last)
    return [Period.from_index(i) for i in range(first.index, last.index + 1)]
