"""Monthly balances of the deposit accounts: average daily (日均) and month end.

A customer's deposit base is shared among its deposit accounts; demand balances move with the
month's business level and their own noise, time deposits move only with the trend. Month-end
figures carry the quarter-end and year-end push; an account opened or closed during the month
has its average over the days it was open, and a closed account ends at zero.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from corptier.contract.schema import TABLES
from corptier.synth import columns as col
from corptier.synth.accounts import CURRENCY, Accounts, account_ids
from corptier.synth.activity import MonthState
from corptier.synth.customers import Customers
from corptier.synth.periods import first_day, last_day
from corptier.synth.products import DEPOSIT, DEPOSIT_RATE, FX_CURRENCY, KIND


def balances_table(c: Customers, a: Accounts, rows: np.ndarray, s: MonthState,
                   rng: np.random.Generator,
                   usd: tuple[float, float] = (1.0, 1.0)) -> pa.Table:
    """Balances of the listed accounts `rows` that are deposit accounts, each in its account's
    currency: a USD account's yuan-sized balances divided by the month's `usd` rates
    (average, month end)."""
    rows = rows[DEPOSIT[a.product[rows]]]
    n, p = len(rows), s.period
    cust, product = a.cust[rows], a.product[rows]
    demand = KIND[product] == "deposit_demand"
    first = np.maximum(a.opened[rows], first_day(p))
    last = np.minimum(a.closed[rows] - 1, last_day(p))
    open_share = np.clip(last - first + 1, 0, p.days) / p.days
    base = c.deposits[cust] * a.weight[rows]
    full = np.where(
        demand,
        base * s.level[cust] * np.exp(rng.normal(0.0, 0.25, n)),
        base * s.smooth[cust] * np.exp(rng.normal(0.0, 0.02, n)),
    )
    end_noise = np.where(demand, np.exp(rng.normal(0.0, 0.3, n)) * s.end_factor, 1.0)
    month_end = np.where(a.closed[rows] <= last_day(p), 0.0, full * end_noise)
    rate = DEPOSIT_RATE[product] * np.exp(rng.normal(0.0, 0.08, n))
    rate_known = ~(demand & (rng.random(n) < 0.02))
    in_usd = CURRENCY[product] == FX_CURRENCY
    full = np.where(in_usd, full / usd[0], full)
    month_end = np.where(in_usd, month_end / usd[1], month_end)
    return pa.table(
        [account_ids(c, cust, product), pa.array(np.full(n, p)),
         col.money(full * open_share), col.money(month_end), col.rate(rate, rate_known)],
        schema=TABLES["balances"].arrow_schema,
    )
