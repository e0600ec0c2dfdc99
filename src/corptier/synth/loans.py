"""Loans: each loan product a customer holds is a slot of back-to-back loans (借据).

Loan `i` of a slot starts in month `phase + i * term` on a fixed day and runs for the product's
term; most are renewed. Everything about loan `i` (existence, amount, rate, whether and when it
falls overdue, whether it is cured) is a hash of (seed, customer, product, i), so the loan looks
the same in every month it is reported, without carrying state from month to month.

Overdue: a loan falls overdue with a monthly hazard set by the borrower's rating PD; half are
cured within three months (关注), the rest migrate with days overdue to 次级 (>90), 可疑 (>180)
and 损失 (>360) until written off after 540 days; a slot is not renewed after a default.

Leavers refinance elsewhere: no loan starts once they begin to drain, and every loan still on
the books is repaid early on the 15th of the first drain month (their loans never fall
overdue), so nothing is left when the customer closes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from corptier.contract.schema import LOAN_CLASSES, TABLES
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.accounts import Accounts, customer_ids
from corptier.synth.customers import Customers
from corptier.synth.history import NO_DATE, NO_MONTH, History
from corptier.synth.periods import first_day, first_day_of_index, last_day
from corptier.synth.products import AMORTISING, CODES, LOAN, PD, PRODUCTS, SPREADS, TERM, P, lpr
from corptier.synth.rng import LOANS, STATIC, generator, uniform

RENEWAL = 0.85
CURE_SHARE = 0.5
WRITE_OFF_DAYS = 540
OVERDUE_PER_PD = 1.2
"""Yearly chance of an overdue episode per unit of PD."""
_RATIO = {"WCL": 0.12, "WCL3Y": 0.08, "FAL": 0.25, "PROJ": 0.5, "INCL": 0.08, "DISC": 0.04,
          "TFIN": 0.04, "SYND": 0.4}
RATIO = np.array([_RATIO.get(c, 0.0) for c in CODES])
SPREAD = np.array([p.rate if p.kind == "loan" else 0.0 for p in PRODUCTS])
CLASS_DAYS = (0, 90, 180, 360)
PAYOFF_DAY = 15
"""Day of the month a leaver repays its loans early."""


@dataclass
class LoanSlots:
    cust: np.ndarray
    product: np.ndarray
    opened: np.ndarray
    phase: np.ndarray  # absolute month index modulo the term
    day: np.ndarray  # day of month loans of the slot start (1..28)
    amount: np.ndarray


@dataclass
class LoanMonth:
    """The loans table of a block in a month, the loan transactions and the worst overdue."""

    table: pa.Table
    txn_cust: np.ndarray
    txn_day: np.ndarray
    txn_amount: np.ndarray
    txn_in: np.ndarray  # True = drawdown (credit), False = repayment (debit)
    worst_days: np.ndarray  # per customer of the block


def make_slots(history: History, c: Customers, a: Accounts) -> LoanSlots:
    rng = generator(history.seed, STATIC, c.block, 4)
    rows = np.flatnonzero(LOAN[a.product])
    cust, product = a.cust[rows], a.product[rows]
    n = len(rows)
    amount = c.revenue[cust] * RATIO[product] * np.exp(rng.normal(0.0, 0.6, n))
    amount = np.where(product == P["INCL"], np.minimum(amount, 1e7), amount)
    amount = np.round(np.clip(amount, 5e4, 5e9), -4)
    phase = np.floor(rng.random(n) * TERM[product]).astype(np.int64)
    day = 1 + np.floor(rng.random(n) * 28).astype(np.int64)
    return LoanSlots(cust, product, a.opened[rows], phase, day, amount)


def _candidates(s: LoanSlots, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(slot, seq, keep): for each slot its current loan and the ones before it that may still
    be on the books (overdue), plus two more before those to know whether they defaulted."""
    term = TERM[s.product]
    back = np.ceil((WRITE_OFF_DAYS / 30 + 2) / term).astype(np.int64) + 1
    count = back + 2
    slot = np.repeat(np.arange(len(s.cust)), count)
    offset = np.arange(len(slot)) - np.repeat(np.cumsum(count) - count, count)
    now = (t - s.phase) // term
    seq = now[slot] - (count[slot] - 1 - offset)
    return slot, seq, offset >= 2


def loan_month(history: History, c: Customers, s: LoanSlots, period: Period,
               rank: np.ndarray) -> LoanMonth:
    """Loans on the books in `period`; `rank` is each customer's base rating rank (0 unrated)."""
    slot, seq, keep = _candidates(s, period.index)
    cust, product = s.cust[slot], s.product[slot]
    term = TERM[product]
    u = [uniform(history.seed, LOANS, c.num[cust], product, seq, k) for k in range(7)]
    start_month = s.phase[slot] + seq * term
    start = first_day_of_index(start_month) + s.day[slot] - 1
    maturity = first_day_of_index(start_month + term) + s.day[slot] - 1
    payoff = _payoff_day(c)[cust]
    grade = np.where(rank[cust] > 0, rank[cust], 12)
    hazard = PD[grade - 1] * OVERDUE_PER_PD / 12.0
    onset_months = np.floor(np.log(np.maximum(u[1], 1e-300)) / np.log1p(-hazard))
    raw = ((u[0] < RENEWAL) & (start >= s.opened[slot]) & (start >= c.onboarded[cust])
           & (start < payoff - PAYOFF_DAY + 1))
    overdue = raw & (onset_months < term) & (payoff == NO_DATE)
    onset = start + 1 + onset_months.clip(0, 10_000).astype(np.int64) * 30 + (u[2] * 28).astype(
        np.int64)
    cured = overdue & (u[3] < CURE_SHARE)
    cure = onset + 15 + (u[4] * 75).astype(np.int64)
    default = overdue & ~cured
    exists = raw & ~_after_default(slot, default)
    end = np.where(default, onset + WRITE_OFF_DAYS, np.minimum(maturity, payoff))
    on_books = keep & exists & (start <= last_day(period)) & (end >= first_day(period))
    r = np.flatnonzero(on_books)
    loan = _Loan(
        cust[r], product[r], seq[r], start[r], maturity[r], end[r], onset[r], cure[r],
        overdue[r], default[r], np.round(s.amount[slot[r]] * (0.8 + 0.4 * u[5][r]), -4),
    )
    rate = lpr(start_month[r], term[r] > 60) + SPREADS[rank[loan.cust]] + SPREAD[loan.product]
    rate = np.clip(np.round(rate + (u[6][r] - 0.5) * 0.003, 4), 0.012, 0.2)
    return _month(c, loan, rate, rank, period)


def _payoff_day(c: Customers) -> np.ndarray:
    """Day each leaver repays its loans early (PAYOFF_DAY of its first drain month), NO_DATE
    for the others."""
    leaver = c.drain_start != NO_MONTH
    month = np.where(leaver, c.drain_start, 0)
    return np.where(leaver, first_day_of_index(month) + PAYOFF_DAY - 1, NO_DATE)


def _after_default(slot: np.ndarray, default: np.ndarray) -> np.ndarray:
    """True where one of the two loans before, in the same slot, defaulted."""
    n = len(slot)
    same = np.zeros(n, dtype=bool)
    same[1:] = slot[1:] == slot[:-1]
    after = np.zeros(n, dtype=bool)
    after[1:] = default[:-1] & same[1:]
    after[2:] |= default[:-2] & same[2:] & same[1:-1]
    return after


@dataclass
class _Loan:
    cust: np.ndarray
    product: np.ndarray
    seq: np.ndarray
    start: np.ndarray
    maturity: np.ndarray
    end: np.ndarray
    onset: np.ndarray
    cure: np.ndarray
    overdue: np.ndarray
    default: np.ndarray
    amount: np.ndarray

    def share(self, day: np.ndarray) -> np.ndarray:
        """Share of the amount outstanding on `day` (amortising products repay monthly)."""
        term = TERM[self.product]
        span = np.maximum(self.maturity - self.start, 1)
        elapsed = np.floor(np.clip((day - self.start) / span, 0, 1) * term) / term
        return np.where(AMORTISING[self.product], 1.0 - elapsed, 1.0)

    def principal(self, day: np.ndarray | int) -> np.ndarray:
        """Outstanding principal on `day`; a defaulted loan stops repaying at the onset."""
        frozen = self.default & (day >= self.onset)
        outstanding: np.ndarray = self.amount * self.share(np.where(frozen, self.onset, day))
        return np.round(outstanding, 2)


def _month(c: Customers, loan: _Loan, rate: np.ndarray, rank: np.ndarray,
           p: Period) -> LoanMonth:
    first = np.maximum(first_day(p), loan.start)
    last = np.minimum(last_day(p), loan.end - 1)
    days_on = np.clip(last - first + 1, 0, p.days)
    average = 0.5 * (loan.principal(first) + loan.principal(last)) * days_on / p.days
    balance = np.where(loan.end > last_day(p), loan.principal(last_day(p)), 0.0)
    late = loan.overdue & (loan.onset <= last_day(p)) & (loan.default | (loan.cure > last_day(p)))
    days = np.where(late, last_day(p) - loan.onset + 1, 0)
    klass = np.searchsorted(np.array(CLASS_DAYS), days, side="left")
    watch = (rank[loan.cust] >= 17) | (loan.overdue & ~loan.default & (loan.cure <= last_day(p))
                                       & (last_day(p) - loan.cure < 90))
    klass = np.where((days == 0) & watch, 1, klass)
    n = len(loan.cust)
    table = pa.table(
        [col.ids(n, "L", (c.num[loan.cust], 10), (loan.product, 2), (loan.seq, 5)),
         customer_ids(c, loan.cust), pa.repeat(p, n), col.choice(CODES, loan.product),
         col.dates(loan.start), col.dates(loan.maturity), col.money(average),
         col.money(balance), col.rate(rate), col.integers(days), col.choice(LOAN_CLASSES, klass)],
        schema=TABLES["loans"].arrow_schema,
    )
    worst = np.zeros(c.n, dtype=np.int64)
    np.maximum.at(worst, loan.cust, days)
    return LoanMonth(table, *_transactions(loan, rate, late, p), worst_days=worst)


def _transactions(loan: _Loan, rate: np.ndarray, late: np.ndarray,
                  p: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drawdowns on the start day; monthly repayment (interest and principal due) on the 21st
    or at maturity, unless the loan is overdue; a leaver's early repayment (principal and
    about half a month's interest) the day before its loan ends."""
    drawn = (loan.start >= first_day(p)) & (loan.start <= last_day(p))
    pay_day = np.minimum(first_day(p) + 20, np.minimum(loan.maturity, last_day(p)))
    pays = (loan.start < pay_day) & (pay_day >= first_day(p)) & ~late & ~(
        loan.default & (loan.onset <= pay_day))
    interest = loan.principal(first_day(p)) * rate / 12.0
    principal = loan.principal(pay_day - 1) - np.where(loan.maturity <= pay_day, 0.0,
                                                        loan.principal(pay_day))
    repay = np.round(interest + np.maximum(principal, 0.0), 2)
    early = ~loan.default & (loan.end < loan.maturity)
    pays &= (repay >= 0.01) & (~early | (pay_day < loan.end))
    payoff_day = loan.end - 1
    off = early & (payoff_day >= first_day(p)) & (payoff_day <= last_day(p)) & ~late
    payoff = loan.principal(payoff_day) * (1.0 + rate * 15.0 / 360.0)
    cust = np.concatenate([loan.cust[drawn], loan.cust[pays], loan.cust[off]])
    day = np.concatenate([loan.start[drawn], pay_day[pays], payoff_day[off]])
    amount = np.concatenate([loan.amount[drawn], repay[pays], payoff[off]])
    is_in = np.concatenate([np.ones(drawn.sum(), bool), np.zeros(pays.sum() + off.sum(), bool)])
    return cust, day, np.round(amount, 2), is_in
