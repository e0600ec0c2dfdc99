"""The inputs of one period's indicators: the contract tables of the 24-month window as Ibis
tables, and the small lookups (months, FTP curve, rating grades) prepared from them.

Every input is bound under a fixed engine name (`corptier_<table>`, `corptier_<table>_now` for
the period alone, `corptier_months`, ...) and the period itself is only data (the month of
lag 0), so the compiled SQL of a snapshot is the same for every period (engine/plans.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.engine.connection import EngineConnection
from corptier.engine.lookups import (
    BASE_CURRENCY,
    WINDOW,
    capital_table,
    check_currencies,
    ftp_table,
    fx_table,
    loan_class_table,
    months_table,
    rating_table,
)
from corptier.engine.money import product, to_money
from corptier.errors import EngineError
from corptier.periods import Period

REQUIRED = (
    "rating_scale", "products", "ftp_rates", "customers", "accounts", "balances",
    "transactions", "loans", "fee_income",
)
"""Tables that must be loaded for the period itself (history months may be missing)."""
OPTIONAL = ("facilities", "fx_rates")
"""Tables a period may lack (then it has no rows of them)."""


@dataclass(frozen=True)
class Inputs:
    """Every table an indicator needs, restricted to the months of the window."""

    period: str
    assumptions: Assumptions
    own_bank_code: str
    months: ir.Table
    customers: ir.Table
    customers_now: ir.Table
    accounts: ir.Table
    products: ir.Table
    balances: ir.Table
    transactions: ir.Table
    transactions_now: ir.Table
    loans: ir.Table
    facilities: ir.Table
    fee_income: ir.Table
    ratings: ir.Table
    capital: ir.Table
    ftp: ir.Table
    loan_classes: ir.Table
    fx: ir.Table

    @property
    def lookups(self) -> tuple[ir.Table, ...]:
        """The in-memory tables prepared in Python."""
        return (self.months, self.ratings, self.capital, self.ftp, self.loan_classes, self.fx)

    @property
    def current(self) -> ir.Table:
        """The period itself: one row, `period` and `period_end`."""
        m = self.months
        return m.filter(m.lag == 0).select("period", period_end="month_end")


def missing_tables(con: EngineConnection, period: str) -> list[str]:
    """Required tables with no loaded partition for `period`."""
    return [t for t in REQUIRED if not con.partition_file(t, period).is_file()]


def read_inputs(
    con: EngineConnection, period: str, assumptions: Assumptions, own_bank_code: str,
    currency: str = "CNY",
) -> Inputs:
    """Read the window's tables, amounts converted to CNY (`to_cny`); raise EngineError naming
    what is missing for `period`, or a held currency without exchange rate or FTP curve.
    `currency` is the bank's (`[bank] currency`): the loans' interest day count."""
    period = Period.parse(period)
    missing = missing_tables(con, period)
    if missing:
        raise EngineError(
            "period {period} is not loaded: no {tables} under "
            "{folder}/<table>/period={period}/; load the period first", period=period,
            tables=", ".join(missing), folder=con.data_dir)
    window = period.window(WINDOW)
    loaded = [p for p in window if con.partition_file("customers", p).is_file()]
    small = {t: con.read_arrow(t, window) for t in ("rating_scale", "ftp_rates", "fx_rates")}
    check_currencies(held_currencies(con, window), small["fx_rates"], small["ftp_rates"])
    fx = fx_table(small["fx_rates"], loaded)

    def read(table: str, periods: Sequence[str] = window, suffix: str = "") -> ir.Table:
        return con.read(table, periods, view=f"corptier_{table}{suffix}")

    accounts = read("accounts")
    foreign = foreign_accounts(accounts, fx)
    return Inputs(
        period=period,
        assumptions=assumptions,
        own_bank_code=own_bank_code,
        months=months_table(period, assumptions, currency, loaded),
        customers=read("customers"),
        customers_now=read("customers", [period], "_now"),
        accounts=accounts,
        products=read("products"),
        balances=to_cny(read("balances"), foreign,
                        {"avg_daily_balance": "fx_avg", "month_end_balance": "fx_end"}),
        transactions=to_cny(read("transactions"), foreign, {"amount": "fx_avg"}),
        transactions_now=to_cny(read("transactions", [period], "_now"), foreign,
                                {"amount": "fx_avg"}),
        loans=read("loans"),
        facilities=read("facilities"),
        fee_income=read("fee_income"),
        ratings=rating_table(small["rating_scale"], assumptions),
        capital=capital_table(small["rating_scale"], assumptions),
        ftp=ftp_table(small["ftp_rates"], loaded),
        loan_classes=loan_class_table(),
        fx=fx,
    )


def held_currencies(con: EngineConnection, periods: Sequence[str]) -> list[tuple[str, str]]:
    """(period, currency) of every account in a currency other than CNY (one engine query)."""
    a = con.read("accounts", periods)
    held = a.filter(a.currency != BASE_CURRENCY).select("period", "currency").distinct()
    frame = con.execute(held)
    return [(str(p), str(c)) for p, c in zip(frame["period"], frame["currency"], strict=True)]


def foreign_accounts(accounts: ir.Table, fx: ir.Table) -> ir.Table:
    """Accounts in a currency other than CNY with the month's rates `fx_avg` and `fx_end` (a
    small table: the conversions join it to balances and transactions)."""
    a = accounts.filter(accounts.currency != BASE_CURRENCY)
    return a.join(fx, ["period", "currency"]).select("account_id", "period", "fx_avg", "fx_end")


def to_cny(table: ir.Table, foreign: ir.Table, amounts: dict[str, str]) -> ir.Table:
    """`table` (with `account_id`, `period`) with each column of `amounts` converted to yuan by
    its rate column of `foreign`, rounded to cents per row; CNY amounts unchanged."""
    joined = table.left_join(foreign, ["account_id", "period"])
    columns = []
    for name in table.columns:
        if name in amounts:
            rate = foreign[amounts[name]]
            yuan = to_money(product(table[name], rate).round(2))
            columns.append(ibis.ifelse(rate.isnull(), table[name], yuan).name(name))
        else:
            columns.append(table[name])
    return joined.select(*columns)
