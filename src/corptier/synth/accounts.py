"""Product holdings by need profile, the accounts that hold them, and the accounts table.

Every customer has a basic settlement account (基本存款账户) opened on onboarding; other
products are held with a probability set by the need profile and leaning on size, and are
opened at some point of the relationship (some during the history, which is how holdings grow).
An account is listed in every month from its opening to the month it is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from corptier.contract.schema import TABLES
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.customers import Customers
from corptier.synth.history import NO_DATE, History
from corptier.synth.periods import first_day, last_day
from corptier.synth.products import CODES, FX_CURRENCY, LOAN, PRODUCTS, WEIGHT, P
from corptier.synth.profiles import IndustryTable
from corptier.synth.rng import STATIC, generator

# product -> (chance by need profile: settlement, financing, trade, IB, comprehensive; size slope)
HOLDING: dict[str, tuple[tuple[float, ...], float]] = {
    "DDA_GEN": ((0.15, 0.3, 0.3, 0.5, 0.7), 0.5),
    "DDA_FX": ((0.01, 0.02, 0.85, 0.2, 0.4), 0.3),
    "AGREE": ((0.05, 0.1, 0.15, 0.4, 0.6), 0.8),
    "NOTICE7": ((0.05, 0.05, 0.1, 0.3, 0.4), 0.5),
    "TD3M": ((0.08, 0.05, 0.1, 0.2, 0.3), 0.3),
    "TD6M": ((0.06, 0.05, 0.08, 0.2, 0.3), 0.3),
    "TD1Y": ((0.12, 0.08, 0.12, 0.3, 0.45), 0.4),
    "TD3Y": ((0.04, 0.02, 0.05, 0.2, 0.3), 0.5),
    "STRUCT": ((0.03, 0.02, 0.05, 0.3, 0.4), 0.7),
    "WCL": ((0.03, 0.75, 0.35, 0.4, 0.7), 0.2),
    "WCL3Y": ((0.0, 0.2, 0.05, 0.2, 0.3), 0.4),
    "FAL": ((0.0, 0.2, 0.03, 0.2, 0.35), 0.5),
    "PROJ": ((0.0, 0.06, 0.0, 0.15, 0.2), 0.6),
    "INCL": ((0.05, 0.35, 0.1, 0.0, 0.0), -0.8),
    "DISC": ((0.02, 0.2, 0.45, 0.1, 0.4), 0.3),
    "TFIN": ((0.0, 0.02, 0.45, 0.05, 0.3), 0.3),
    "SYND": ((0.0, 0.02, 0.0, 0.35, 0.2), 0.8),
    "BA": ((0.03, 0.25, 0.5, 0.2, 0.5), 0.3),
    "LC": ((0.0, 0.05, 0.4, 0.1, 0.3), 0.3),
    "LG": ((0.02, 0.1, 0.3, 0.15, 0.35), 0.3),
    "CASHPOOL": ((0.0, 0.01, 0.02, 0.2, 0.3), 1.0),
    "PAYROLL": ((0.3, 0.35, 0.35, 0.5, 0.8), 0.6),
    "EBANK": ((0.8, 0.85, 0.95, 0.97, 0.99), 1.0),
    "MBANK": ((0.4, 0.4, 0.5, 0.5, 0.6), 0.2),
    "BOND": ((0.0, 0.0, 0.0, 0.5, 0.25), 0.6),
    "MA": ((0.0, 0.0, 0.0, 0.2, 0.1), 0.5),
    "WMP": ((0.04, 0.03, 0.05, 0.3, 0.45), 0.6),
    "POS": ((0.1, 0.05, 0.05, 0.02, 0.1), 0.0),
}
CLOSE_SHARE = 0.03
_BASE = np.zeros((len(PRODUCTS), 5))
_SLOPE = np.zeros(len(PRODUCTS))
for _code, (_chances, _slope) in HOLDING.items():
    _BASE[P[_code]], _SLOPE[P[_code]] = _chances, _slope
_BASE[P["DDA_BASIC"]] = 1.0
CURRENCY = np.array([FX_CURRENCY if p.code == "DDA_FX" else "CNY" for p in PRODUCTS])
"""Currency of each product's accounts: the FX demand account is in dollars."""


@dataclass
class Accounts:
    """The accounts of one block, sorted by customer then product (= account id order)."""

    cust: np.ndarray  # index of the customer within the block
    product: np.ndarray
    opened: np.ndarray
    closed: np.ndarray  # NO_DATE while open
    weight: np.ndarray  # share of the customer's deposits (deposit accounts)


def holding_chances(c: Customers) -> np.ndarray:
    """(n, products) chance that each customer holds each product."""
    base = np.clip(_BASE[:, c.profile].T, 1e-9, 1 - 1e-9)
    logit = np.log(base / (1 - base)) + _SLOPE[None, :] * c.z[:, None]
    p = np.where(_BASE[:, c.profile].T > 0, 1.0 / (1.0 + np.exp(-logit)), 0.0)
    kind, sect = IndustryTable.kind[c.industry], IndustryTable.section[c.industry]
    p[np.isin(kind, ("gov", "social"))[:, None] & LOAN[None, :]] = 0.0
    p[:, P["PAYROLL"]] *= c.employees >= 5
    p[:, P["INCL"]] *= (c.employees < 300) & (c.revenue < 4e8)
    p[:, P["SYND"]] *= c.z > 1.0
    p[:, P["POS"]] = np.where(np.isin(sect, ("H", "F", "O", "R")), 0.5, p[:, P["POS"]])
    p[:, P["LG"]] = np.where(sect == "E", 0.6, p[:, P["LG"]])
    p[:, P["CASHPOOL"]] = np.where(c.groups.is_head, 1.0, p[:, P["CASHPOOL"]])
    p[c.dormant] = 0.0
    p[:, P["DDA_BASIC"]] = 1.0
    return p


def make_accounts(history: History, c: Customers) -> Accounts:
    """Draw holdings and opening dates, then the closing dates (a leaver's on its exit)."""
    rng = generator(history.seed, STATIC, c.block, 3)
    chances = holding_chances(c)
    held = rng.random(chances.shape) < chances
    cust, product = np.nonzero(held)
    span = last_day(history.end) + 365 - c.onboarded[cust]
    opened = c.onboarded[cust] + np.floor(rng.random(len(cust)) ** 1.5 * span).astype(np.int64)
    opened = np.where(product == P["DDA_BASIC"], c.onboarded[cust], opened)
    weight = WEIGHT[product] * rng.gamma(2.0, 0.5, len(cust))
    closed = np.minimum(_closing(rng, history, cust, product, opened), c.exit_day[cust])
    kept = opened < closed  # products a leaving customer would have opened later never were
    return Accounts(cust[kept], product[kept], opened[kept], closed[kept], weight[kept])


def _closing(rng: np.random.Generator, history: History, cust: np.ndarray, product: np.ndarray,
             opened: np.ndarray) -> np.ndarray:
    """A few secondary accounts are closed at some point; basic and loan accounts stay."""
    n = len(cust)
    lo = np.maximum(opened + 30, first_day(history.start))
    span = np.maximum(last_day(history.end) + 365 - lo, 1)
    day = lo + np.floor(rng.random(n) * span).astype(np.int64)
    closes = (rng.random(n) < CLOSE_SHARE) & (product != P["DDA_BASIC"]) & ~LOAN[product]
    return np.where(closes, day, NO_DATE)


def listed(a: Accounts, present: np.ndarray, period: Period) -> np.ndarray:
    """Mask of the accounts listed in the period: opened by its end, not closed before it."""
    mask: np.ndarray = (present[a.cust] & (a.opened <= last_day(period))
                        & (a.closed >= first_day(period)))
    return mask


def account_ids(c: Customers, cust: np.ndarray, product: np.ndarray) -> pa.Array:
    return col.ids(len(cust), "A", (c.num[cust], 10), (product, 2))


def customer_ids(c: Customers, cust: np.ndarray) -> pa.Array:
    return col.ids(len(cust), "C", (c.num[cust], 10))


def accounts_table(c: Customers, a: Accounts, rows: np.ndarray, period: Period) -> pa.Table:
    """The accounts table rows `rows` (indices into `a`)."""
    cust, product, closed = a.cust[rows], a.product[rows], a.closed[rows]
    return pa.table(
        [account_ids(c, cust, product), customer_ids(c, cust), col.choice(CODES, product),
         col.dates(a.opened[rows]), col.dates(np.minimum(closed, 0x7FFFFFFF),
                                              valid=closed <= last_day(period)),
         col.choice([str(x) for x in CURRENCY], product)],
        schema=TABLES["accounts"].arrow_schema,
    )
