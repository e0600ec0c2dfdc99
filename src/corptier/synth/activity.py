"""Where each customer of a block stands in a month: present or not, status, business level.

Everything is a closed-form function of the static attributes and the month (plus that month's
own noise), so any month can be generated without the months before it:

    level = exp(growth * months since start) * attrition * ramp-up * season * noise

Silent attrition: from its start month a customer's balances and transactions decay by
exp(-rate * months) while its accounts stay open; customers who exit later decay first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corptier.periods import Period
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.periods import first_day, last_day, season
from corptier.synth.rng import uniform

STATUSES = ("active", "dormant", "closed")
ACTIVE, DORMANT, CLOSED = range(3)
DORMANT_BELOW = 0.12
"""Attrition level under which an attriting customer is reported dormant."""


@dataclass
class MonthState:
    """One block in one month (one entry per customer of the block)."""

    period: Period
    present: np.ndarray
    status: np.ndarray
    level: np.ndarray  # multiplier of demand-deposit balances
    smooth: np.ndarray  # multiplier of time-deposit balances (no monthly noise)
    activity: np.ndarray  # multiplier of the transaction rate
    day_lo: np.ndarray  # first and last day (day numbers) the customer can transact
    day_hi: np.ndarray
    end_factor: float  # month-end over average balance (seasonal)


def month_state(history: History, c: Customers, period: Period,
                rng: np.random.Generator) -> MonthState:
    t = period.index
    months_in = t - history.start.index
    trend = np.exp(c.growth * months_in)
    attrition = np.maximum(np.exp(-c.attrition_rate * np.maximum(0, t - c.attrition_start)), 0.02)
    ramp = np.where(c.arrival >= 0, np.clip(0.35 + 0.2 * (t - c.arrival), 0.0, 1.0), 1.0)
    leaving = c.exit == t
    avg_season, end_season, txn_season = season(period)
    smooth = trend * attrition * ramp * np.where(leaving, 0.5, 1.0)
    level = smooth * avg_season * np.exp(rng.normal(0.0, 0.12, c.n))
    activity = attrition * ramp * txn_season * np.exp(rng.normal(0.0, 0.15, c.n))
    activity = activity * np.where(leaving, 0.4, 1.0)
    present = (c.arrival <= t) & (c.exit >= t)
    status = np.where(c.dormant | (attrition < DORMANT_BELOW), DORMANT, ACTIVE)
    status = np.where(leaving, CLOSED, status)
    day_lo = np.maximum(first_day(period), c.onboarded)
    day_hi = np.minimum(last_day(period), c.exit_day - 1)
    return MonthState(period, present, status, level, smooth, activity, day_lo, day_hi,
                      end_season)


def month_rating(history: History, c: Customers, period: Period,
                 worst_days: np.ndarray) -> np.ndarray:
    """Rating rank of the month (0 = unrated): the base grade moved by the annual review of
    the year, and downgraded while a loan is overdue (to CCC or worse beyond 90 days)."""
    review = uniform(history.seed, 93, c.num, period.year)
    rank = c.rating + np.where(review < 0.12, -1, np.where(review > 0.85, 1, 0))
    rank = np.where(worst_days > 0, rank + 2, rank)
    rank = np.where(worst_days > 90, np.maximum(rank + 2, 17), rank)
    return np.where(c.rating > 0, np.clip(rank, 1, 19), 0)
