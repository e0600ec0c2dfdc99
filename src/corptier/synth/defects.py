"""The dirty bank: realistic row-level defects, recorded so a test can check the loader.

With `--dirty` every table is written as CSV with text columns (a defect such as '12,34x' in a
money column cannot be stored in a typed Parquet column), the customers and managers files are
GBK-encoded and the product catalogue carries a UTF-8 BOM, as exports from Chinese core banking
systems and Excel do. Defects are injected block by block at a small rate (at least one of each
kind in the first block when there is a row to put it on):

- customers: wrong USCC check character, industry code in the wrong section, malformed
  founding date (e.g. 05.09.2026), duplicated row (same customer id);
- accounts: unknown product code, unknown customer, currency written as text;
- balances: negative average balance, rate in percent (out of range), wrong month,
  number grouped the continental way (1.234,56);
- transactions: duplicated row (same id), impossible date, date outside the month, malformed and
  over-precise amounts, unknown channel, missing direction, unknown account;
- loans: rate in percent (out of range), unknown classification, malformed start date, days
  overdue with a unit;
- fee_income: unknown category, unknown customer.

`<period>/_defects.json` lists every defect (table, row, column, kind, value) and every row
that the loader must reject as a consequence (e.g. the accounts, balances and transactions of
a customer whose row is rejected). Rows are numbered from 1 = the first data row after the
header (the header line is not counted), in file order, counting inserted duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corptier.periods import Period
from corptier.reference.uscc import ALPHABET
from corptier.synth.history import History
from corptier.synth.rng import DIRTY, generator
from corptier.synth.writer import string_schema

ENCODINGS = {"customers": "gbk", "relationship_managers": "gbk", "products": "utf-8-sig"}
RATE = 0.002
"""Share of a table's eligible rows that get each kind of defect."""
MAX_DEPENDENTS = 60
"""Customers chosen for a rejected row have at most this many dependent rows."""
ROW_NUMBERING = "1 = first data row after the header; the header line is not counted"

Bad = Callable[[str, np.random.Generator, Period], str]


def _uscc(value: str, rng: np.random.Generator, p: Period) -> str:
    wrong = ALPHABET[(ALPHABET.index(value[17]) + int(rng.integers(1, 31))) % 31]
    return value[:17] + wrong


def _section(value: str, rng: np.random.Generator, p: Period) -> str:
    letters = [c for c in "ABCDEFGHIKLMN" if c != value[0]]
    return letters[int(rng.integers(0, len(letters)))] + value[1:]


def _date(value: str, rng: np.random.Generator, p: Period) -> str:
    y, m, d = value.split("-")
    return [f"{d}/{m}/{y}", f"{y}.{m}.{d}", f"{y}-02-30", f"{d}.{m}.{y}"][int(rng.integers(0, 4))]


def _impossible_day(value: str, rng: np.random.Generator, p: Period) -> str:
    return f"{p}-{p.days + 1}"


def _next_month(value: str, rng: np.random.Generator, p: Period) -> str:
    return f"{p.shift(1)}-01"


def _negative(value: str, rng: np.random.Generator, p: Period) -> str:
    return "-" + (value if value not in ("0.00", "") else "1.00")


def _percent(value: str, rng: np.random.Generator, p: Period) -> str:
    return f"{max(float(value or 0) * 100, 1.0):.6f}"


def _separator(value: str, rng: np.random.Generator, p: Period) -> str:
    whole, _, cents = value.partition(".")
    # grouped the continental way (1.234.567,89): the contract reads only 1,234,567.89
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{cents}" if abs(int(whole)) >= 1000 else f"{whole},{cents}x"


def _malformed(value: str, rng: np.random.Generator, p: Period) -> str:
    return [value.replace(".", ","), value[:-1] + "x", "12,34x"][int(rng.integers(0, 3))]


def _const(*values: str) -> Bad:
    return lambda v, rng, p: values[int(rng.integers(0, len(values)))]


@dataclass(frozen=True)
class Kind:
    table: str
    column: str
    kind: str  # what the loader reports (kind of problem)
    bad: Bad | None  # None = duplicate the row


KINDS: tuple[Kind, ...] = (
    Kind("customers", "uscc", "uscc", _uscc),
    Kind("customers", "industry_code", "industry", _section),
    Kind("customers", "founded_on", "type", _date),
    Kind("customers", "customer_id", "duplicate", None),
    Kind("accounts", "product_code", "reference", _const("TD9Y", "DDA_OLD", "FXLOAN")),
    Kind("accounts", "customer_id", "reference", lambda v, rng, p: v + "X"),
    Kind("accounts", "currency", "pattern", _const("人民币元", "Yuan")),
    Kind("balances", "avg_daily_balance", "min", _negative),
    Kind("balances", "rate", "max", _percent),
    Kind("balances", "month", "period", lambda v, rng, p: p.shift(-1)),
    Kind("balances", "month_end_balance", "type", _separator),
    Kind("transactions", "txn_id", "duplicate", None),
    Kind("transactions", "txn_date", "type", _impossible_day),
    Kind("transactions", "txn_date", "period", _next_month),
    Kind("transactions", "amount", "type", _malformed),
    Kind("transactions", "amount", "decimals", lambda v, rng, p: v + "5"),
    Kind("transactions", "channel", "allowed", _const("wechat", "网银", "ONLINE")),
    Kind("transactions", "direction", "missing", _const("")),
    Kind("transactions", "account_id", "reference", lambda v, rng, p: v + "X"),
    Kind("loans", "client_rate", "max", _percent),
    Kind("loans", "classification", "allowed", _const("不良", "normal", "关注类")),
    Kind("loans", "start_date", "type", _date),
    Kind("loans", "days_overdue", "type", lambda v, rng, p: f"{v}天"),
    Kind("fee_income", "category", "allowed", _const("consulting", "咨询费")),
    Kind("fee_income", "customer_id", "reference", lambda v, rng, p: v + "X"),
)
CASCADE_TABLES = ("accounts", "balances", "transactions", "loans", "facilities", "fee_income")


def _owner(table: pa.Table) -> np.ndarray:
    """Customer number of every row (ids carry it: C/A/L + 10 digits)."""
    name = "customer_id" if "customer_id" in table.column_names else "account_id"
    digits = pc.utf8_slice_codeunits(table.column(name), 1, 11)
    owners: np.ndarray = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    return owners


class DefectInjector:
    """Injects defects into the blocks of one period and remembers where they went."""

    def __init__(self, history: History, period: Period, rate: float = RATE) -> None:
        self.history, self.period, self.rate = history, period, rate
        self.offsets: dict[str, int] = {}
        self.defects: list[dict[str, Any]] = []
        self.cascades: list[dict[str, Any]] = []

    def inject(self, block: int, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        rng = generator(self.history.seed, DIRTY, block, self.period.index)
        text = {n: t.cast(string_schema(t.schema)) for n, t in tables.items()}
        owners = {n: _owner(t) for n, t in text.items()}
        plan = _Plan(rng, self.rate, block == 0)
        plan.choose_customers(text, owners)
        plan.choose_accounts(text, owners)
        for name in ("balances", "transactions", "loans", "fee_income"):
            plan.choose_rows(name, text[name], owners[name])
        out = {}
        for name, table in text.items():
            out[name] = self._apply(name, table, plan, rng)
        return out

    def _apply(self, name: str, table: pa.Table, plan: _Plan,
               rng: np.random.Generator) -> pa.Table:
        picks = [(k, rows) for k, rows in plan.picks if k.table == name]
        dups = np.sort(np.concatenate(
            [rows for k, rows in picks if k.bad is None] or [np.zeros(0, np.int64)]))
        base = self.offsets.get(name, 0)

        def row_number(i: np.ndarray) -> np.ndarray:
            return base + i + np.searchsorted(dups, i, side="left") + 1

        for k, rows in picks:
            if k.bad is None:
                for r in row_number(rows) + 1:
                    self._record(name, int(r), k, None)
                continue
            old = table.column(k.column).take(pa.array(rows)).to_pylist()
            new = [k.bad(v or "", rng, self.period) for v in old]
            table = _replace(table, k.column, rows, new)
            for r, v in zip(row_number(rows), new, strict=True):
                self._record(name, int(r), k, v)
        for rows, cause in plan.cascades.get(name, []):
            for r in row_number(rows):
                self.cascades.append({"table": name, "row": int(r), "cause": cause})
        order = np.sort(np.concatenate([np.arange(table.num_rows), dups]))
        self.offsets[name] = base + table.num_rows + len(dups)
        return table.take(pa.array(order)) if len(dups) else table

    def _record(self, table: str, row: int, kind: Kind, value: str | None) -> None:
        self.defects.append({"table": table, "row": row, "column": kind.column,
                             "kind": kind.kind, "value": value})

    def report(self) -> dict[str, Any]:
        rejected: dict[str, set[int]] = {}
        for entry in self.defects + self.cascades:
            rejected.setdefault(entry["table"], set()).add(entry["row"])
        return {
            "period": self.period,
            "row_numbering": ROW_NUMBERING,
            "encodings": dict(ENCODINGS),
            "defects": self.defects,
            "cascades": self.cascades,
            "rejected_rows": {t: sorted(rows) for t, rows in sorted(rejected.items())},
        }


def _replace(table: pa.Table, column: str, rows: np.ndarray, values: list[str]) -> pa.Table:
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True
    order = np.argsort(rows)
    replaced = pc.replace_with_mask(table.column(column).combine_chunks(), pa.array(mask),
                                    pa.array([values[i] for i in order], pa.string()))
    return table.set_column(table.column_names.index(column), column, replaced)


class _Plan:
    """Which rows of a block get which defect, and the rows rejected as a consequence."""

    def __init__(self, rng: np.random.Generator, rate: float, first: bool) -> None:
        self.rng, self.rate, self.first = rng, rate, first
        self.picks: list[tuple[Kind, np.ndarray]] = []
        self.cascades: dict[str, list[tuple[np.ndarray, str]]] = {}
        self.tainted_customers = np.zeros(0, np.int64)
        self.tainted_accounts: set[str] = set()

    def _count(self, eligible: int) -> int:
        k = int(self.rng.binomial(eligible, self.rate)) if eligible else 0
        return min(eligible, max(k, 1 if self.first else 0))

    def _spread(self, table: str, candidates: np.ndarray) -> None:
        """Give each kind of `table` its own rows from `candidates` (in random order)."""
        pool = self.rng.permutation(candidates)
        used = 0
        for kind in (k for k in KINDS if k.table == table):
            k = self._count(len(pool) - used)
            self.picks.append((kind, np.sort(pool[used : used + k])))
            used += k

    def choose_customers(self, text: dict[str, pa.Table], owners: dict[str, np.ndarray]) -> None:
        customers = owners["customers"]
        dependents = sum(np.searchsorted(np.sort(owners[t]), customers, side="right")
                         - np.searchsorted(np.sort(owners[t]), customers, side="left")
                         for t in CASCADE_TABLES)
        lone = text["customers"].column("group_id").is_null().to_numpy(zero_copy_only=False)
        self._spread("customers", np.flatnonzero(lone & (dependents <= MAX_DEPENDENTS)))
        victims = [rows for k, rows in self.picks if k.table == "customers" and k.bad]
        rows = np.concatenate(victims) if victims else np.zeros(0, np.int64)
        self.tainted_customers = customers[rows]
        for row in rows:
            cause = f"customers row of customer {customers[row]} rejected"
            for t in CASCADE_TABLES:
                hit = np.flatnonzero(owners[t] == customers[row])
                if len(hit):
                    self.cascades.setdefault(t, []).append((hit, cause))

    def choose_accounts(self, text: dict[str, pa.Table], owners: dict[str, np.ndarray]) -> None:
        accounts = text["accounts"]
        product = accounts.column("product_code").to_numpy(zero_copy_only=False)
        ok = ~np.isin(product, ("DDA_BASIC", "DDA_GEN")) & ~np.isin(
            owners["accounts"], self.tainted_customers)
        self._spread("accounts", np.flatnonzero(ok))
        ids = accounts.column("account_id").to_numpy(zero_copy_only=False)
        for kind, rows in self.picks:
            if kind.table != "accounts":
                continue
            for row in rows:
                self.tainted_accounts.add(ids[row])
                for t in ("balances", "transactions"):
                    hit = np.flatnonzero(pc.equal(text[t].column("account_id"), ids[row])
                                         .to_numpy(zero_copy_only=False))
                    if len(hit):
                        self.cascades.setdefault(t, []).append(
                            (hit, f"accounts row of account {ids[row]} rejected"))

    def choose_rows(self, name: str, table: pa.Table, owners: np.ndarray) -> None:
        ok = ~np.isin(owners, self.tainted_customers)
        if "account_id" in table.column_names and self.tainted_accounts:
            ok &= ~pc.is_in(table.column("account_id"), pa.array(sorted(self.tainted_accounts))
                            ).to_numpy(zero_copy_only=False)
        self._spread(name, np.flatnonzero(ok))
