"""The synthetic bank: `synthesize` writes a period folder per month, block by block.

    summary = synthesize("out", customers=5_000, months=24, seed=7)
    # out/2025-01/customers.parquet, accounts.parquet, ... one file per contract table

Months are generated one after the other; within a month the customers are generated in blocks
of `BLOCK` (static attributes from the block's own seed, the month's activity from the seed of
the block and month) and appended to the month's files by a writer thread (so generating the
next block overlaps with compressing the last one); memory stays bounded for any number of
customers and the output does not depend on how the work is batched.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from corptier.errors import ParameterError
from corptier.periods import Period
from corptier.synth.accounts import (
    Accounts,
    accounts_table,
    customer_ids,
    listed,
    make_accounts,
)
from corptier.synth.activity import month_rating, month_state
from corptier.synth.archive import write_archive
from corptier.synth.balances import balances_table
from corptier.synth.customers import Customers, make_customers
from corptier.synth.facilities import facilities_table
from corptier.synth.fees import fees_table
from corptier.synth.guarantees import guarantees_table
from corptier.synth.history import NO_MONTH, History
from corptier.synth.loans import LoanSlots, loan_month, make_slots
from corptier.synth.periods import parse_month
from corptier.synth.products import (
    ftp_table,
    fx_table,
    products_table,
    rating_scale_table,
    usd_rates,
)
from corptier.synth.register import customers_table
from corptier.synth.rng import MONTHLY, generator
from corptier.synth.staff import certifications_table, training_table
from corptier.synth.transactions import transactions_table
from corptier.synth.writer import ParquetSink, PeriodFiles

MAX_MONTHS = 120
FORMATS = ("parquet", "csv")
CACHE_BLOCKS = 32
"""Blocks whose static attributes are kept between months (about 130k customers)."""
Progress = Callable[[str], None]
TRUTH_FILE = "_truth.parquet"
"""Who silently leaves, written beside the period folders (not a contract table)."""
TRUTH_SCHEMA = pa.schema([
    pa.field("customer_id", pa.string(), nullable=False),
    pa.field("leaves", pa.bool_(), nullable=False),
    pa.field("drain_start", pa.string()),
    pa.field("closed", pa.string()),
])


class SynthError(ParameterError):
    """A parameter of the synthetic bank is out of range."""


@dataclass
class SynthSummary:
    """What `synthesize` wrote: the period folders and the rows of every table."""

    out: Path
    format: str
    dirty: bool
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> table -> rows
    defects: dict[str, int] = field(default_factory=dict)  # period -> defects injected
    seconds: float = 0.0

    @property
    def periods(self) -> list[str]:
        return list(self.rows)

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for tables in self.rows.values():
            for name, n in tables.items():
                out[name] = out.get(name, 0) + n
        return out


@dataclass
class _Static:
    customers: Customers
    accounts: Accounts
    slots: LoanSlots


def check_parameters(customers: int, months: int, seed: int, fmt: str, start: str,
                     txn_per_customer: float = 100.0, attrition: float = 0.03) -> Period:
    """Validate the parameters up front; SynthError naming the parameter otherwise."""
    if not isinstance(customers, int) or customers < 1:
        raise SynthError("the number of customers must be a whole number of at least 1; "
                         "got {customers!r}", customers=customers)
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise SynthError("the number of months must be between 1 and {most}; got {months!r}",
                         most=MAX_MONTHS, months=months)
    if not isinstance(seed, int) or seed < 0:
        raise SynthError("the seed must be a whole number of at least 0; got {seed!r}", seed=seed)
    if fmt not in FORMATS:
        raise SynthError("the file format must be parquet or csv; got {fmt!r}", fmt=fmt)
    if not 0 <= txn_per_customer <= 10_000:
        raise SynthError("transactions per customer must be 0..10000; got {count!r}",
                         count=txn_per_customer)
    if isinstance(attrition, bool) or not isinstance(attrition, int | float) or not (
            0 <= attrition < 1):
        raise SynthError("the attrition (share of customers leaving in a year) must be at least "
                         "0 and below 1; got {attrition!r}", attrition=attrition)
    try:
        first = parse_month(start)
    except ValueError as exc:
        raise SynthError("the first month: {reason}",
                         reason=exc.args[0] if exc.args else exc) from None
    if first.shift(months - 1).year > 9999:
        raise SynthError("the first month and the number of months run past the year 9999")
    return first


def synthesize(
    out: Path | str,
    customers: int,
    months: int,
    seed: int,
    fmt: str = "parquet",
    dirty: bool = False,
    start: str = "2025-01",
    *,
    txn_per_customer: float = 100.0,
    own_bank_code: str = "XB",
    attrition: float = 0.03,
    progress: Progress | None = None,
) -> SynthSummary:
    """Write `months` period folders under `out`, each holding the contract tables (guarantees
    only in a clean bank).

    `dirty` injects row-level defects, writes every table as CSV (text columns) whatever
    `fmt` says, encodes some files GBK, and records the defects in `<period>/_defects.json`.
    `attrition` is the annual share of customers who silently leave; who left and when is
    written to `out/_truth.parquet` (for checking models; never loaded).
    """
    first = check_parameters(customers, months, seed, fmt, start, txn_per_customer, attrition)
    clock = time.perf_counter()
    history = History(seed, customers, first, months, txn_per_customer, own_bank_code,
                      float(attrition))
    fmt = "csv" if dirty else fmt
    summary = SynthSummary(Path(out), fmt, dirty)
    cache: dict[int, _Static] = {}
    for period in history.periods:
        if progress:
            progress(period)
        rows, defects = _write_period(history, period, Path(out), fmt, dirty, cache)
        summary.rows[period] = rows
        if dirty:
            summary.defects[period] = defects
    write_truth(history, Path(out) / TRUTH_FILE, cache)
    if not dirty:
        write_archive(history, Path(out), _statics(history, cache))
    summary.seconds = round(time.perf_counter() - clock, 3)
    return summary


def _write_period(history: History, period: Period, out: Path, fmt: str, dirty: bool,
                  cache: dict[int, _Static]) -> tuple[dict[str, int], int]:
    folder = out / period
    injector, encodings = None, None
    if dirty:
        from corptier.synth.defects import ENCODINGS, DefectInjector

        injector, encodings = DefectInjector(history, period), ENCODINGS
    with PeriodFiles(folder, fmt, text=dirty, encodings=encodings) as files, ThreadPoolExecutor(
        1, thread_name_prefix="synth-writer"
    ) as writer:
        _write_all(files, reference_tables(history, period))
        in_flight: deque[Future[None]] = deque()
        for block in range(history.blocks):
            tables = block_tables(history, block, period, cache)
            if injector is not None:
                tables = injector.inject(block, tables)
            else:  # the dirty bank has no guarantees: its defects plan knows no such table
                tables["guarantees"] = block_guarantees(history, block, period, cache)
            in_flight.append(writer.submit(_write_all, files, tables))
            while len(in_flight) > 1:
                in_flight.popleft().result()
        while in_flight:
            in_flight.popleft().result()
        rows = files.rows()
    if injector is None:
        (folder / "_defects.json").unlink(missing_ok=True)
        return rows, 0
    report = injector.report()
    (folder / "_defects.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return rows, len(report["defects"])


def _statics(history: History, cache: dict[int, _Static]) -> Iterator[tuple[Customers,
                                                                             Accounts]]:
    for block in range(history.blocks):
        static = static_block(history, block, cache)
        yield static.customers, static.accounts


def write_truth(history: History, path: Path, cache: dict[int, _Static] | None = None) -> None:
    """`_truth.parquet`: per customer whether it leaves within the history, the month its
    drain starts and the month it closes (which may follow the last month written)."""
    sink = ParquetSink(path, TRUTH_SCHEMA)
    try:
        for block in range(history.blocks):
            cached = (cache or {}).get(block)
            c = cached.customers if cached else make_customers(history, block)
            leaves = c.drain_start != NO_MONTH
            sink.write(pa.table([
                customer_ids(c, np.arange(c.n)), pa.array(leaves),
                _months(c.drain_start, leaves), _months(c.exit, leaves)], schema=TRUTH_SCHEMA))
    finally:
        sink.close()


def _months(index: np.ndarray, valid: np.ndarray) -> pa.Array:
    """YYYY-MM of absolute month indexes (null where not `valid`)."""
    safe = np.where(valid, index, 0)
    text = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in safe.tolist()]
    return pa.array(text, pa.string(), mask=~valid)


def _write_all(files: PeriodFiles, tables: dict[str, pa.Table]) -> None:
    """Append one batch of tables (run in the writer thread, one batch after the other, so
    the files come out the same as if written in line)."""
    for name, table in tables.items():
        files.write(name, table)


def reference_tables(history: History, period: Period) -> dict[str, pa.Table]:
    return {
        "rating_scale": rating_scale_table(),
        "relationship_managers": history.managers.table,
        "rm_certifications": certifications_table(history.managers.table, history.seed,
                                                  history.start),
        "training_records": training_table(history.managers.table, history.seed, history.start),
        "products": products_table(),
        "ftp_rates": ftp_table(period, history.seed, history.start),
        "fx_rates": fx_table(period, history.seed),
    }


def static_block(history: History, block: int, cache: dict[int, _Static] | None = None) -> _Static:
    """The static attributes of a block (kept in `cache` while it is small)."""
    if cache is not None and block in cache:
        return cache[block]
    customers = make_customers(history, block)
    accounts = make_accounts(history, customers)
    static = _Static(customers, accounts, make_slots(history, customers, accounts))
    if cache is not None and history.months > 1 and history.blocks <= CACHE_BLOCKS:
        cache[block] = static
    return static


def block_guarantees(history: History, block: int, period: Period,
                     cache: dict[int, _Static] | None = None) -> pa.Table:
    """The guarantees of one block in force in `period` (their own random stream)."""
    c = static_block(history, block, cache).customers
    t = period.index
    present = (c.arrival <= t) & (c.exit >= t)
    return guarantees_table(c, present, period, history.seed, history.start)


def block_tables(history: History, block: int, period: Period,
                 cache: dict[int, _Static] | None = None) -> dict[str, pa.Table]:
    """The seven customer tables of one block in one month, in contract order."""
    static = static_block(history, block, cache)
    c, a = static.customers, static.accounts
    rng = generator(history.seed, MONTHLY, block, period.index)
    state = month_state(history, c, period, rng)
    loans = loan_month(history, c, static.slots, period, c.rating)
    rows = np.flatnonzero(listed(a, state.present, period))
    rating = month_rating(history, c, period, loans.worst_days)
    balances = balances_table(c, a, rows, state, rng, usd_rates(period, history.seed))
    transactions, outgoing = transactions_table(history, c, a, rows, state, loans, rng)
    return {
        "customers": customers_table(history, c, state, rating),
        "accounts": accounts_table(c, a, rows, period),
        "balances": balances,
        "transactions": transactions,
        "loans": loans.table,
        "facilities": facilities_table(history, c, a, rows, static.slots, state.present, period),
        "fee_income": fees_table(history, c, a, rows, state, outgoing, rng),
    }
