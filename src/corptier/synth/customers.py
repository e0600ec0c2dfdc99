"""Customers of one block: static attributes drawn once, and the customers table of a month.

Size follows a latent score z ~ N(0, 1): employees are lognormal around the industry's typical
firm, revenue and assets follow from them with their own noise, so firm sizes are heavy-tailed
and fall into the SME size classes in plausible shares. Deposits, transaction intensity, the
e-banking share, the manager's grade and the need profile all lean on the same score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corptier.synth.groups import Groups, make_groups
from corptier.synth.history import NO_DATE, NO_MONTH, History
from corptier.synth.periods import first_day, first_day_of_index
from corptier.synth.profiles import (
    CITY_REGION,
    SUB_BRANCHES,
    IndustryTable,
    need_profile_weights,
)
from corptier.synth.rng import BLOCK, STATIC, generator

MEMBER_BOOST = 0.6  # group members are larger than the average customer
DORMANT_SHARE = 0.03
NEW_PER_MONTH = 0.008
DRAIN_MONTHS = (2, 4)
"""Shortest and longest drain of a leaver (months from the drain start to the close)."""
_EARLIEST = np.datetime64("1995-01-01").astype(np.int64)
_FOUNDED_MIN = np.datetime64("1950-01-01").astype(np.int64)
_DISTRICT_COUNT = np.array([len(d) for _, _, d in SUB_BRANCHES])
_DISTRICTS = np.array([d + d[:1] * (_DISTRICT_COUNT.max() - len(d)) for _, _, d in SUB_BRANCHES])


@dataclass
class Customers:
    """Static attributes of the customers of one block (one entry per customer)."""

    block: int
    num: np.ndarray  # customer number (1-based, global)
    industry: np.ndarray  # index into INDUSTRIES
    z: np.ndarray  # size score
    groups: Groups
    employees: np.ndarray
    revenue: np.ndarray  # yuan a year (always known internally)
    assets: np.ndarray
    capital: np.ndarray
    missing: dict[str, np.ndarray]  # column -> mask of values not reported
    branch: np.ndarray
    region: np.ndarray
    rm: np.ndarray  # RM number, 0 = none
    rating: np.ndarray  # base rank 1..19, 0 = unrated
    founded: np.ndarray  # day numbers
    onboarded: np.ndarray
    arrival: np.ndarray  # absolute month of arrival within the history, -1 = before it
    exit: np.ndarray  # a leaver's closing month (may follow the history), NO_MONTH = none
    dormant: np.ndarray
    profile: np.ndarray
    growth: np.ndarray  # log growth of business a month
    drain_start: np.ndarray  # absolute month a leaver starts to drain, NO_MONTH = none
    deposits: np.ndarray  # deposit base, yuan
    turnover: np.ndarray  # monthly payment turnover at this bank, yuan
    txn_rate: np.ndarray  # expected transactions a month
    in_share: np.ndarray
    e_share: np.ndarray
    h2h_share: np.ndarray
    pool: np.ndarray  # counterparties
    payday: np.ndarray
    exit_day: np.ndarray  # day number of the exit, NO_DATE = none

    @property
    def n(self) -> int:
        return len(self.num)


def make_customers(history: History, block: int) -> Customers:
    """Draw the static attributes of the customers of `block`."""
    n = history.block_size(block)
    rng = generator(history.seed, STATIC, block)
    num = block * BLOCK + np.arange(1, n + 1, dtype=np.int64)
    industry = rng.choice(len(IndustryTable.weight), n, p=IndustryTable.weight)
    z = rng.standard_normal(n)
    groups = make_groups(rng, z)
    z = z + MEMBER_BOOST * groups.member
    employees, revenue, assets, capital = _financials(rng, industry, z)
    missing = _missing(rng, industry)
    branch, region = _location(rng, n)
    c = Customers(
        block, num, industry, z, groups, employees, revenue, assets, capital, missing, branch,
        region, _managers(rng, history, branch, z), _ratings(rng, industry, z),
        *_dates(rng, history, z, groups.member),
        dormant=np.zeros(n, bool), profile=np.zeros(n, np.int64), growth=np.zeros(n),
        drain_start=np.full(n, NO_MONTH), deposits=np.zeros(n),
        turnover=np.zeros(n), txn_rate=np.zeros(n), in_share=np.zeros(n), e_share=np.zeros(n),
        h2h_share=np.zeros(n), pool=np.zeros(n, np.int64), payday=np.zeros(n, np.int64),
        exit_day=np.full(n, NO_DATE),
    )
    _behaviour(rng, history, c)
    return c


def _financials(rng: np.random.Generator, industry: np.ndarray,
                z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    t = IndustryTable
    n = len(z)
    employees = np.clip(np.rint(np.exp(t.log_employees[industry] + t.spread[industry] * z)),
                        1, 300_000)
    revenue = employees * t.revenue_per_head[industry] * np.exp(rng.normal(0, 0.55, n))
    assets = revenue * t.assets_to_revenue[industry] * np.exp(rng.normal(0, 0.45, n))
    raw = assets * rng.uniform(0.08, 0.5, n)
    scale = 10.0 ** np.floor(np.log10(np.maximum(raw, 1e5)))
    capital = scale * np.array([1, 2, 3, 5])[rng.integers(0, 4, n)]
    return employees, np.round(revenue, -2), np.round(assets, -2), capital


def _missing(rng: np.random.Generator, industry: np.ndarray) -> dict[str, np.ndarray]:
    n = len(industry)
    public = IndustryTable.public[industry]
    gov = np.isin(IndustryTable.kind[industry], ("gov", "social"))
    return {
        "employees": rng.random(n) < 0.03,
        "annual_revenue": (rng.random(n) < 0.04) | gov,
        "total_assets": (rng.random(n) < 0.04) | (gov & (rng.random(n) < 0.5)),
        "registered_capital": (rng.random(n) < 0.02) | public,
    }


def _location(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    weights = np.array([w for _, w, _ in SUB_BRANCHES])
    branch = rng.choice(len(weights), n, p=weights / weights.sum())
    pick = np.floor(rng.random(n) * _DISTRICT_COUNT[branch]).astype(np.int64)
    region = np.where(rng.random(n) < 0.1, CITY_REGION, _DISTRICTS[branch, pick])
    return branch, region


def _managers(rng: np.random.Generator, history: History, branch: np.ndarray,
              z: np.ndarray) -> np.ndarray:
    """Larger customers get more senior managers (RMs are ordered junior first)."""
    m = history.managers
    erf_z = 1.0 / (1.0 + np.exp(-1.7 * z))
    position = np.clip(0.6 * erf_z + 0.4 * rng.random(len(z)), 0, 0.999)
    rm = m.first[branch] + np.floor(position * m.count[branch]).astype(np.int64)
    return np.where(rng.random(len(z)) < 0.04, 0, rm)


def _ratings(rng: np.random.Generator, industry: np.ndarray, z: np.ndarray) -> np.ndarray:
    n = len(z)
    quality = 0.6 * z + 0.8 * rng.standard_normal(n) + 0.8 * IndustryTable.public[industry]
    rank = np.clip(np.rint(8.5 - 2.4 * quality), 1, 19).astype(np.int64)
    unrated = rng.random(n) < np.where(z < -0.5, 0.15, 0.04)
    return np.where(unrated, 0, rank)


def _dates(rng: np.random.Generator, history: History, z: np.ndarray,
           member: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """founded, onboarded, arrival month and exit month (leavers are drawn later)."""
    n = len(z)
    start_day = first_day(history.start)
    age = np.clip(np.exp(rng.normal(2.2 + 0.25 * z, 0.6)), 0.3, 60.0)
    founded = np.maximum(start_day - np.rint(age * 365.25), _FOUNDED_MIN)
    tenure = np.minimum(age, np.exp(rng.normal(np.log(5.0), 0.8, n)))
    onboarded = np.maximum(start_day - np.rint(tenure * 365.25), np.maximum(founded, _EARLIEST))
    arrival = np.full(n, -1, dtype=np.int64)
    if history.months > 1:
        new = (rng.random(n) < min(NEW_PER_MONTH * (history.months - 1), 0.3)) & ~member
        month = history.start.index + rng.integers(1, history.months, n)
        arrival = np.where(new, month, -1)
        first = first_day_of_index(month)
        days = first_day_of_index(month + 1) - first
        day = first + np.floor(rng.random(n) * days).astype(np.int64)
        young = np.clip(np.exp(rng.normal(1.0, 0.9, n)), 0.1, 30.0)
        onboarded = np.where(new, day, onboarded)
        founded = np.where(new, np.maximum(day - np.rint(young * 365.25), _FOUNDED_MIN), founded)
    return founded.astype(np.int64), onboarded.astype(np.int64), arrival, np.full(n, NO_MONTH)


def _behaviour(rng: np.random.Generator, history: History, c: Customers) -> None:
    """Need profile, growth, leavers, deposits and payment behaviour."""
    n, z = c.n, c.z
    weights = need_profile_weights(z, c.industry)
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    c.profile = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 4)
    c.dormant = (rng.random(n) < DORMANT_SHARE) & ~c.groups.member & (c.arrival < 0)
    c.growth = rng.normal(0.003, 0.01, n)
    _leavers(rng, history, c)
    public = IndustryTable.public[c.industry]
    ratio = np.exp(rng.normal(np.log(0.03), 1.4, n)) * np.where(public, 3.0, 1.0)
    c.deposits = np.where(c.dormant, rng.uniform(200, 20_000, n), np.maximum(
        c.revenue * ratio, 5_000.0))
    share = np.clip(np.exp(rng.normal(np.log(0.3), 0.5, n)), 0.02, 1.0)
    c.turnover = c.revenue / 12.0 * share
    intensity = 0.8 * z + 0.6 * rng.standard_normal(n)
    c.txn_rate = np.where(c.dormant, 0.0, np.minimum(
        history.txn_mean * np.exp(1.5 * intensity - 1.125), 40_000.0))
    c.in_share = rng.beta(6, 6, n)
    c.e_share = 1.0 / (1.0 + np.exp(-(0.8 + 1.0 * z)))
    c.h2h_share = 1.0 / (1.0 + np.exp(-(-3.0 + 1.5 * z)))
    c.pool = np.clip(np.rint(3 + 0.6 * c.txn_rate**0.75), 3, 3000).astype(np.int64)
    c.payday = rng.integers(5, 16, n)


def monthly_hazard(attrition: float) -> float:
    """The monthly chance of starting to leave that makes `attrition` leave in a year."""
    return float(1.0 - (1.0 - attrition) ** (1.0 / 12.0))


def _leavers(rng: np.random.Generator, history: History, c: Customers) -> None:
    """Silent attrition: customers outside groups that do business start to drain with a
    monthly hazard (the annual `history.attrition`) from their fourth month, drain for two to
    four months and close; the close may fall after the history (the drain is then cut)."""
    n = c.n
    first = np.maximum(history.start.index, c.arrival + 3)
    hazard = monthly_hazard(history.attrition)
    wait = rng.geometric(hazard, n) - 1 if hazard > 0 else np.full(n, NO_MONTH)
    drain = rng.integers(DRAIN_MONTHS[0], DRAIN_MONTHS[1] + 1, n)
    eligible = ~c.groups.member & ~c.dormant
    leaves = eligible & (first + wait <= history.end.index)
    c.drain_start = np.where(leaves, first + wait, NO_MONTH)
    c.exit = np.where(leaves, c.drain_start + drain, NO_MONTH)
    month = np.where(leaves, c.exit, history.end.index)
    month_start = first_day_of_index(month)
    days = first_day_of_index(month + 1) - month_start
    day = np.maximum(month_start + np.floor(rng.random(n) * days), c.onboarded + 1)
    c.exit_day = np.where(leaves, day, NO_DATE).astype(np.int64)


def drain_factors(c: Customers, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(balances, transactions) multipliers of month `t`: 1 before the drain; over a drain of
    L months balances fall by 1/(L+1) a month to 0 in the closing month, while transactions
    thin out faster and stop half-way (1 − 2(m + ½)/L in drain month m = 0, 1, …, then 0)."""
    length = np.maximum(c.exit - c.drain_start, 1).astype(np.float64)
    left = (c.exit - t).astype(np.float64)
    draining = c.drain_start <= t
    balances = np.where(draining, np.clip(left / (length + 1.0), 0.0, 1.0), 1.0)
    into = (t - c.drain_start).astype(np.float64) + 0.5
    transactions = np.where(draining, np.clip(1.0 - 2.0 * into / length, 0.0, 1.0), 1.0)
    return balances, transactions
