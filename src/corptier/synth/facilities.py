"""Off-balance-sheet facilities of trade-finance and project clients, month by month.

A customer holding a bank-acceptance (BA), letter-of-credit (LC) or guarantee (LG) product has
one facility of that kind outstanding at each month end, sized on its revenue; a borrower of a
committed product (fixed-asset, project or syndicated loan) has an undrawn committed line.
Amounts, margin deposits and maturities are hashes of (seed, customer, kind, month), so a
month looks the same whenever it is generated. A leaver's facilities are not renewed once it
starts to drain, and none matures after its close.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from corptier.contract.schema import FACILITY_KINDS, TABLES
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.accounts import Accounts, customer_ids
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.loans import LoanSlots
from corptier.synth.periods import last_day
from corptier.synth.products import P
from corptier.synth.rng import uniform

FACILITY_STREAM = 97


@dataclass(frozen=True)
class Kind:
    """How one kind of facility is drawn: share of revenue, margin range, longest term."""

    products: tuple[str, ...]
    revenue_share: float
    margin_lo: float
    margin_hi: float
    max_days: int


KINDS = {
    "bank_acceptance": Kind(("BA",), 0.05, 0.3, 1.0, 180),
    "letter_of_credit": Kind(("LC",), 0.02, 0.0, 0.2, 120),
    "letter_of_guarantee": Kind(("LG",), 0.01, 0.0, 0.3, 360),
    "undrawn_commitment": Kind(("FAL", "PROJ", "SYND"), 0.03, 0.0, 0.0, 720),
}
LETTER = {k: k[0].upper() for k in KINDS} | {"letter_of_credit": "C"}


def facilities_table(history: History, c: Customers, a: Accounts, rows: np.ndarray,
                     slots: LoanSlots, present: np.ndarray, period: Period) -> pa.Table:
    """The facilities of the customers present at the end of `period`."""
    parts = [_kind_rows(history, c, a, rows, slots, present, period, k)
             for k in FACILITY_KINDS]
    table = pa.concat_tables([p for p in parts if p is not None] or
                             [TABLES["facilities"].arrow_schema.empty_table()])
    return table.sort_by([(k, "ascending") for k in TABLES["facilities"].sort_by])


def _holders(a: Accounts, rows: np.ndarray, slots: LoanSlots, n: int, kind: str) -> np.ndarray:
    codes = [P[code] for code in KINDS[kind].products]
    mask = np.zeros(n, dtype=bool)
    if kind == "undrawn_commitment":
        mask[slots.cust[np.isin(slots.product, codes)]] = True
    else:
        mask[a.cust[rows[np.isin(a.product[rows], codes)]]] = True
    return mask


def _kind_rows(history: History, c: Customers, a: Accounts, rows: np.ndarray,
               slots: LoanSlots, present: np.ndarray, period: Period,
               kind: str) -> pa.Table | None:
    spec = KINDS[kind]
    before_drain = c.drain_start > period.index
    cust = np.flatnonzero(_holders(a, rows, slots, c.n, kind) & present & before_drain)
    if len(cust) == 0:
        return None
    k = FACILITY_KINDS.index(kind)
    u = [uniform(history.seed, FACILITY_STREAM, c.num[cust], k, period.index, j)
         for j in range(3)]
    amount = np.round(c.revenue[cust] * spec.revenue_share * (0.3 + 1.4 * u[0]), -2)
    amount = np.maximum(amount, 10_000.0)
    margin_share = spec.margin_lo + (spec.margin_hi - spec.margin_lo) * u[1]
    margin = np.round(amount * margin_share, 2)
    maturity = np.minimum(last_day(period) + 1 + (u[2] * spec.max_days).astype(np.int64),
                          c.exit_day[cust] - 1)
    n = len(cust)
    return pa.table(
        [col.ids(n, "F", (c.num[cust], 10), LETTER[kind]), customer_ids(c, cust),
         pa.repeat(str(period), n), col.choice(FACILITY_KINDS, np.full(n, k)),
         col.money(amount), col.money(margin, valid=margin_share > 0), col.dates(maturity)],
        schema=TABLES["facilities"].arrow_schema,
    )
