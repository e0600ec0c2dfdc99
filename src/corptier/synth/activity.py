"""Where each customer of a block stands in a month: present or not, status, business level.

Everything is a closed-form function of the static attributes and the month (plus that month's
own noise), so any month can be generated without the months before it:

    level = exp(growth * months since start) * drain * ramp-up * season * noise

Silent attrition: a leaver's transactions thin out and stop half-way through its drain and
its balances drain to zero by the close, while its status stays active; in the closing
month it is listed as closed, and it is gone the month after (`customers.drain_factors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corptier.periods import Period
from corptier.synth.customers import Customers, drain_factors
from corptier.synth.history import History
from corptier.synth.periods import first_day, last_day, season
from corptier.synth.rng import uniform

STATUSES = ("active", "dormant", "closed")
ACTIVE, DORMANT, CLOSED = range(3)


@dataclass
class MonthState:
    """One block in one month (one entry per customer of the block)."""

    period: Period
    present: np.ndarray
    status: np.ndarray
    level: np.ndarray  # multiplier of demand-deposit balances
    smooth: np.ndarray  # multiplier of time-deposit balances (no monthly noise)
    activity: np.ndarray  # multiplier of the transaction rate
    flowing: np.ndarray  # False once a leaver has stopped transacting
    day_lo: np.ndarray  # first and last day (day numbers) the customer can transact
    day_hi: np.ndarray
    end_factor: float  # month-end over average balance (seasonal)


def month_state(history: History, c: Customers, period: Period,
                rng: np.random.Generator) -> MonthState:
    t = period.index
    months_in = t - history.start.index
    trend = np.exp(c.growth * months_in)
    drain, thin = drain_factors(c, t)
    ramp = np.where(c.arrival >= 0, np.clip(0.35 + 0.2 * (t - c.arrival), 0.0, 1.0), 1.0)
    leaving = c.exit == t
    avg_season, end_season, txn_season = season(period)
    smooth = trend * drain * ramp
    level = smooth * avg_season * np.exp(rng.normal(0.0, 0.12, c.n))
    activity = thin * ramp * txn_season * np.exp(rng.normal(0.0, 0.15, c.n))
    present = (c.arrival <= t) & (c.exit >= t)
    status = np.where(c.dormant, DORMANT, ACTIVE)
    status = np.where(leaving, CLOSED, status)
    day_lo = np.maximum(first_day(period), c.onboarded)
    day_hi = np.minimum(last_day(period), c.exit_day - 1)
    return MonthState(period, present, status, level, smooth, activity, thin > 0, day_lo, day_hi,
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
