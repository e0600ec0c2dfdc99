"""Daily transactions of a block in a month, built column by column with numpy.

Payment flows: a Poisson number per customer (median firm tens a month, the largest thousands),
spread over the days by a calendar weight (weekends, holidays, tax days, month end), with a
type mix, a direction, a lognormal amount scaled to the customer's turnover, a channel (the
e-banking share rises with size) and a counterparty from the customer's own pool: partners at
this bank or at other banks, some of them customers of the branch. Structured entries come on
top: payroll (and the New Year bonus), quarterly interest, loan drawdowns and repayments.
Rows are sorted by customer, date and id; ids are `T` + YYYYMM + customer number + sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa

from corptier.contract.schema import CHANNELS, TABLES, TXN_TYPES
from corptier.synth import columns as col
from corptier.synth.accounts import Accounts
from corptier.synth.activity import DORMANT, MonthState
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.loans import LoanMonth
from corptier.synth.periods import cny_day, compact, day_weights, first_day, is_cny_month, last_day
from corptier.synth.products import P
from corptier.synth.rng import hash64

T = {name: i for i, name in enumerate(TXN_TYPES)}
CH = {name: i for i, name in enumerate(CHANNELS)}
FLOWS = np.array([T[k] for k in ("transfer", "trade_settlement", "tax", "utilities", "cash",
                                 "fee", "other")])
FLOW_SAMPLER = col.sampler([0.33, 0.38, 0.04, 0.05, 0.04, 0.05, 0.06])
ACCOUNT_SLOTS = np.array(sorted((P["DDA_BASIC"], P["DDA_GEN"])))
SCALE = np.ones(len(TXN_TYPES))
SCALE[[T["trade_settlement"], T["tax"], T["utilities"], T["cash"], T["other"]]] = (
    1.3, 0.6, 0.05, 0.1, 0.5)
OUT_ONLY = np.isin(np.arange(len(TXN_TYPES)), [T["tax"], T["utilities"], T["fee"], T["payroll"],
                                                T["loan_repayment"]])
MAX_PER_CUSTOMER = 90_000
SALARY = 6_500.0  # yuan a month per employee
OTHER_BANKS = ("ICBC", "CCB", "ABC", "BOC", "BOCOM", "PSBC", "CMB", "CITIC", "CIB", "SPDB",
               "BOCD", "CDRCB")
_BANKS = col.sampler([0.25, 0.15, 0.13, 0.12, 0.08, 0.05, 0.02, 0.04, 0.02, 0.02, 0.01, 0.06,
                      0.05])
OWN_CUSTOMER_SHARE = 38  # of 256: counterparties that are customers of the branch
UTILITIES = 12
_UTILITY_BANK = np.array([1, 2, 3, 0, 1, 0, 4, 2, 12, 1, 0, 3])  # index into banks below
# counterparty kinds
CASH, BOOKED, PARTNER, TAX, UTILITY = range(5)


@dataclass
class _Rows:
    cust: np.ndarray
    day: np.ndarray
    kind: np.ndarray  # TXN_TYPES index
    inflow: np.ndarray
    amount: np.ndarray
    cp: np.ndarray  # counterparty kind
    product: np.ndarray  # account product (slot)

    def take(self, order: np.ndarray) -> _Rows:
        return _Rows(*(getattr(self, f.name)[order] for f in fields(self)))


def _concat(parts: list[_Rows]) -> _Rows:
    return _Rows(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Rows)))


def _holds(a: Accounts, rows: np.ndarray, n: int, product: int,
           whole_month: tuple[int, int] | None = None) -> np.ndarray:
    pick = rows[a.product[rows] == product]
    if whole_month is not None:
        pick = pick[(a.opened[pick] < whole_month[0]) & (a.closed[pick] > whole_month[1])]
    mask = np.zeros(n, dtype=bool)
    mask[a.cust[pick]] = True
    return mask


def _flows(c: Customers, a: Accounts, rows: np.ndarray, s: MonthState,
           rng: np.random.Generator) -> _Rows:
    p = s.period
    span = np.clip(s.day_hi - s.day_lo + 1, 0, p.days)
    rate = c.txn_rate * s.activity * s.present * span / p.days
    counts = np.minimum(rng.poisson(rate), MAX_PER_CUSTOMER)
    cust = np.repeat(np.arange(c.n), counts)
    n = len(cust)
    day = first_day(p) + col.draw(col.sampler(day_weights(p)), rng.random(n))
    restricted = ((s.day_lo > first_day(p)) | (s.day_hi < last_day(p)))[cust]
    inside = s.day_lo[cust] + np.floor(rng.random(n) * span[cust]).astype(np.int64)
    day = np.where(restricted, inside, day)
    kind = FLOWS[col.draw(FLOW_SAMPLER, rng.random(n))]
    coin = rng.random(n)
    inflow = np.where(kind == T["cash"], coin < 0.5, coin < c.in_share[cust]) & ~OUT_ONLY[kind]
    typical = c.turnover[cust] / np.maximum(c.txn_rate[cust], 1.0)
    amount = typical * SCALE[kind] * np.exp(1.3 * rng.standard_normal(n) - 0.845)
    amount = np.where(kind == T["fee"], 2.0 + 198.0 * rng.random(n), amount)
    cp = np.select([kind == T["cash"], kind == T["fee"], kind == T["tax"],
                    kind == T["utilities"]], [CASH, BOOKED, TAX, UTILITY], PARTNER)
    general = _holds(a, rows, c.n, P["DDA_GEN"], (first_day(p), last_day(p)))
    product = np.where(general[cust] & (rng.random(n) < 0.25), P["DDA_GEN"], P["DDA_BASIC"])
    return _Rows(cust, day, kind, inflow, amount, cp, product)


def _structured(history: History, c: Customers, a: Accounts, rows: np.ndarray, s: MonthState,
                loans: LoanMonth, rng: np.random.Generator) -> _Rows:
    p = s.period
    able = s.present & s.flowing & (s.day_hi >= s.day_lo)
    payroll = _holds(a, rows, c.n, P["PAYROLL"]) & able & (s.status != DORMANT)
    who = np.flatnonzero(payroll)
    pay = c.employees[who] * SALARY * np.exp(rng.normal(0.0, 0.15, len(who)))
    day = np.clip(first_day(p) + c.payday[who] - 1, s.day_lo[who], s.day_hi[who])
    cust, days, amounts = [who], [day], [pay]
    if is_cny_month(p):
        bonus = np.clip(cny_day(p.year) - 7, s.day_lo[who], s.day_hi[who])
        cust, days, amounts = [*cust, who], [*days, bonus], [*amounts, pay * 1.5]
    kinds = [np.full(sum(len(x) for x in cust), T["payroll"])]
    if p.month in (3, 6, 9, 12):
        earns = np.flatnonzero(able & (c.deposits * s.level * 0.00025 >= 0.01))
        cust.append(earns)
        days.append(np.clip(first_day(p) + 20, s.day_lo[earns], s.day_hi[earns]))
        amounts.append(c.deposits[earns] * s.level[earns] * 0.00025)
        kinds.append(np.full(len(earns), T["interest"]))
    cust.append(loans.txn_cust)
    days.append(loans.txn_day)
    amounts.append(loans.txn_amount)
    kinds.append(np.where(loans.txn_in, T["loan_drawdown"], T["loan_repayment"]))
    cust_all = np.concatenate(cust)
    kind = np.concatenate(kinds)
    inflow = np.isin(kind, (T["interest"], T["loan_drawdown"]))
    n = len(cust_all)
    return _Rows(cust_all, np.concatenate(days), kind, inflow, np.concatenate(amounts),
                 np.full(n, BOOKED), np.full(n, P["DDA_BASIC"]))


def _channels(c: Customers, r: _Rows, rng: np.random.Generator) -> np.ndarray:
    n = len(r.cust)
    u, v = rng.random(n), rng.random(n)
    e_channel = np.where(v < c.h2h_share[r.cust], CH["host_to_host"],
                         np.where(v < c.h2h_share[r.cust] + 0.3, CH["mobile"], CH["online"]))
    channel = np.where((u < c.e_share[r.cust]) | (r.kind == T["payroll"]), e_channel,
                       CH["counter"])
    return np.where(r.kind == T["cash"], np.where(u < 0.3, CH["atm"], CH["counter"]), channel)


def _pool(history: History, c: Customers) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Every customer's counterparties: (id strings, bank index, offset of each customer)."""
    pool = c.pool
    offset = np.cumsum(pool) - pool
    owner = np.repeat(np.arange(c.n), pool)
    k = np.arange(len(owner)) - offset[owner]
    h = hash64(history.seed, 77, c.num[owner], k)
    ours = (h & np.uint64(0xFF)) < OWN_CUSTOMER_SHARE
    mat = col.id_matrix(len(owner), ["CP", ((h >> np.uint64(8)) % np.uint64(10**9), 9)])
    number = (h >> np.uint64(8)) % np.uint64(history.customers) + np.uint64(1)
    mat[ours] = col.id_matrix(int(ours.sum()), ["C", (number[ours], 10)])
    bank = col.draw(_BANKS, ((h >> np.uint64(40)) % np.uint64(1 << 16)) / float(1 << 16))
    return col.fixed_text(mat), np.where(ours, 0, bank), offset


def _counterparties(history: History, c: Customers, r: _Rows,
                    rng: np.random.Generator) -> tuple[pa.Array, np.ndarray]:
    """(counterparty strings, bank label index) with banks = [own, others..., PBC, None]."""
    n = len(r.cust)
    pool_text, pool_bank, offset = _pool(history, c)
    tax = col.ids(c.n, "TX", (c.region * 1000 + 1, 9))
    utility_text = col.ids(UTILITIES, "UT", (510_100_000 + np.arange(UTILITIES), 9))
    labels = pa.concat_arrays([pool_text, tax, utility_text])
    pick = offset[r.cust] + np.floor(c.pool[r.cust] * rng.random(n) ** 2).astype(np.int64)
    utility = (c.num[r.cust] + np.floor(rng.random(n) * 3).astype(np.int64)) % UTILITIES
    index = np.select([r.cp == TAX, r.cp == UTILITY],
                      [len(pool_text) + r.cust, len(pool_text) + c.n + utility], pick)
    text = col.choice(labels, index, valid=r.cp >= PARTNER)
    none, pbc = len(OTHER_BANKS) + 2, len(OTHER_BANKS) + 1
    bank = np.select([r.cp == CASH, r.cp == BOOKED, r.cp == TAX, r.cp == UTILITY],
                     [none, 0, pbc, _UTILITY_BANK[utility]], pool_bank[pick])
    return text, bank


def transactions_table(history: History, c: Customers, a: Accounts, rows: np.ndarray,
                       s: MonthState, loans: LoanMonth,
                       rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """The month's transactions of the block, and each customer's count of outgoing payments."""
    parts = [_flows(c, a, rows, s, rng), _structured(history, c, a, rows, s, loans, rng)]
    r = _concat(parts)
    r = r.take(np.argsort(r.cust * 64 + (r.day - first_day(s.period)), kind="stable"))
    r.amount = np.maximum(np.round(r.amount, 2), 0.01)
    n = len(r.cust)
    per_customer = np.bincount(r.cust, minlength=c.n)
    seq = np.arange(n) - np.repeat(np.cumsum(per_customer) - per_customer, per_customer) + 1
    counterparty, bank = _counterparties(history, c, r, rng)
    banks = [history.own_bank, *OTHER_BANKS, "PBC", None]
    txn_id = np.empty((n, 22), dtype=np.uint8)
    month = np.asarray(compact(s.period), dtype=np.int64)
    txn_id[:, :17] = col.id_matrix(c.n, ["T", (month, 6), (c.num, 10)])[r.cust]
    txn_id[:, 17:] = col.digits(seq, 5)
    accounts = pa.concat_arrays([col.ids(c.n, "A", (c.num, 10), (p, 2)) for p in ACCOUNT_SLOTS])
    slot = np.searchsorted(ACCOUNT_SLOTS, r.product)
    table = pa.table(
        [col.fixed_text(txn_id), col.choice(accounts, slot * c.n + r.cust),
         col.choice(col.ids(c.n, "C", (c.num, 10)), r.cust), col.dates(r.day),
         col.money(r.amount), col.choice(("out", "in"), r.inflow.astype(int)),
         col.choice(CHANNELS, _channels(c, r, rng)), counterparty, col.choice(banks, bank),
         col.choice(TXN_TYPES, r.kind)],
        schema=TABLES["transactions"].arrow_schema,
    )
    outgoing = np.bincount(r.cust[~r.inflow], minlength=c.n)
    return table, outgoing
