"""Fee and commission income (中间业务收入) by category, VAT included.

Settlement fees follow the outgoing payments (small firms often have them waived under the
fee-reduction policy), e-banking is an annual fee booked in January, trade, cash management,
payroll and wealth fees follow the products held, investment-banking fees are lumpy (a bond
issue or an advisory mandate now and then), and about one fee row in a hundred is a refund.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from corptier.contract.schema import FEE_CATEGORIES, TABLES
from corptier.synth import columns as col
from corptier.synth.accounts import Accounts, customer_ids
from corptier.synth.activity import MonthState
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.products import P
from corptier.synth.rng import uniform

CATEGORIES = tuple(sorted(FEE_CATEGORIES))
F = {name: i for i, name in enumerate(CATEGORIES)}
REFUND_SHARE = 0.01


def _held(a: Accounts, rows: np.ndarray, n: int, *codes: str) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[a.cust[rows[np.isin(a.product[rows], [P[c] for c in codes])]]] = True
    return mask


def fees_table(history: History, c: Customers, a: Accounts, rows: np.ndarray, s: MonthState,
               outgoing: np.ndarray, rng: np.random.Generator) -> pa.Table:
    n = c.n

    def lognormal(sigma: float) -> np.ndarray:
        return np.exp(rng.normal(0.0, sigma, n))

    waived = uniform(history.seed, 91, c.num) < np.where(c.employees < 20, 0.6, 0.2)
    fee = np.zeros((n, len(CATEGORIES)))
    fee[:, F["settlement"]] = np.where(waived, 0.0, outgoing * rng.uniform(1.5, 4.5, n))
    january = s.period.month == 1
    ebank = _held(a, rows, n, "EBANK", "MBANK") & ~waived
    fee[:, F["ebanking"]] = np.where(ebank & january, rng.choice([300.0, 600.0, 1200.0], n),
                                     np.where(ebank & (rng.random(n) < 0.05), 100.0, 0.0))
    fee[:, F["payroll"]] = np.where(_held(a, rows, n, "PAYROLL") & ~waived,
                                    c.employees * rng.uniform(0.5, 2.0, n), 0.0)
    trade = _held(a, rows, n, "BA", "LC", "LG", "TFIN", "DDA_FX") & (rng.random(n) < 0.7)
    fee[:, F["trade"]] = np.where(trade, c.revenue * 1e-4 * lognormal(0.8) * s.activity, 0.0)
    fee[:, F["cash_management"]] = np.where(_held(a, rows, n, "CASHPOOL"),
                                            2_000.0 * lognormal(0.5), 0.0)
    deal = _held(a, rows, n, "BOND", "MA", "SYND") & (rng.random(n) < 0.06)
    fee[:, F["investment_banking"]] = np.where(deal, c.revenue * 3e-3 * lognormal(0.7), 0.0)
    commit = _held(a, rows, n, "PROJ", "SYND", "FAL") & (rng.random(n) < 0.3)
    fee[:, F["financing"]] = np.where(commit, c.revenue * 5e-5 * lognormal(0.6), 0.0)
    wealth = _held(a, rows, n, "WMP", "STRUCT")
    fee[:, F["wealth"]] = np.where(wealth, c.deposits * s.level * 4e-4 / 12 * lognormal(0.4), 0.0)
    fee[:, F["other"]] = np.where(rng.random(n) < 0.03, rng.uniform(50, 2_000, n), 0.0)
    fee = np.round(fee * s.present[:, None], 2)
    cust, category = np.nonzero(fee >= 0.01)
    amount = fee[cust, category]
    amount = np.where(rng.random(len(cust)) < REFUND_SHARE, -np.round(amount * 0.3, 2), amount)
    amount = np.where(amount == 0, 0.01, amount)
    k = len(cust)
    return pa.table(
        [customer_ids(c, cust), pa.repeat(s.period, k), col.choice(CATEGORIES, category),
         col.money(amount)],
        schema=TABLES["fee_income"].arrow_schema,
    )
