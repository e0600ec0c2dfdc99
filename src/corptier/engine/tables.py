"""The inputs of one period's indicators: the contract tables of the 24-month window as Ibis
tables, and the small lookups (months, FTP curve, rating grades) prepared from them."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.engine.backends import EngineConnection
from corptier.engine.lookups import (
    EngineError,
    ftp_table,
    loan_class_table,
    month_window,
    months_table,
    rating_table,
)
from corptier.workspace import check_period

REQUIRED = (
    "rating_scale", "products", "ftp_rates", "customers", "accounts", "balances",
    "transactions", "loans", "fee_income",
)
"""Tables that must be loaded for the period itself (history months may be missing)."""


@dataclass(frozen=True)
class Inputs:
    """Every table an indicator needs, restricted to the months of the window."""

    period: str
    assumptions: Assumptions
    own_bank_code: str
    months: ir.Table
    customers: ir.Table
    accounts: ir.Table
    products: ir.Table
    balances: ir.Table
    transactions: ir.Table
    loans: ir.Table
    fee_income: ir.Table
    ratings: ir.Table
    ftp: ir.Table
    loan_classes: ir.Table


def missing_tables(con: EngineConnection, period: str) -> list[str]:
    """Required tables with no loaded partition for `period`."""
    return [t for t in REQUIRED if not con.partition_file(t, period).is_file()]


def read_inputs(
    con: EngineConnection, period: str, assumptions: Assumptions, own_bank_code: str
) -> Inputs:
    """Read the window's tables; raise EngineError naming what is missing for `period`."""
    check_period(period)
    missing = missing_tables(con, period)
    if missing:
        raise EngineError(
            f"period {period} is not loaded: no {', '.join(missing)} under "
            f"{con.data_dir}/<table>/period={period}/; run 'corptier load <folder> --period "
            f"{period}' first"
        )
    window = month_window(period)
    loaded = [p for p in window if con.partition_file("customers", p).is_file()]
    small = {t: con.read_arrow(t, window) for t in ("rating_scale", "ftp_rates")}
    return Inputs(
        period=period,
        assumptions=assumptions,
        own_bank_code=own_bank_code,
        months=months_table(period, assumptions),
        customers=con.read("customers", window),
        accounts=con.read("accounts", window),
        products=con.read("products", window),
        balances=con.read("balances", window),
        transactions=con.read("transactions", window),
        loans=con.read("loans", window),
        fee_income=con.read("fee_income", window),
        ratings=rating_table(small["rating_scale"], assumptions),
        ftp=ftp_table(small["ftp_rates"], loaded),
        loan_classes=loan_class_table(),
    )
