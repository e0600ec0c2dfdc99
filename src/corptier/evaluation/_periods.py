"""Month arithmetic on `YYYY-MM` period strings."""

from __future__ import annotations

from corptier.workspace import check_period


def shift_period(period: str, months: int) -> str:
    """The period `months` later (negative: earlier)."""
    year, month = map(int, check_period(period).split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: str, end: str) -> int:
    """end − start in months."""
    ys, ms = map(int, check_period(start).split("-"))
    ye, me = map(int, check_period(end).split("-"))
    return (ye - ys) * 12 + (me - ms)
