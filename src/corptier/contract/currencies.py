"""The load's currency check: every currency an account holds, other than CNY, needs the month's
exchange rate (fx_rates) and a deposit FTP curve (ftp_rates) of that currency.

Amounts in another currency cannot be converted or priced without them, so the load stops
(ContractError naming the currency, the month and the file) instead of guessing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from corptier.contract.readers import SourceFile, quote_str
from corptier.errors import ContractError
from corptier.workspace import PARTITION_FILE

BASE_CURRENCY = "CNY"
"""The currency every amount is converted to (the contract's yuan)."""
DEPOSIT_CURVES = ("deposit_demand", "deposit_time")
"""The FTP kinds a curve of a foreign currency must have (loans are in yuan)."""


def check_currencies(
    con: duckdb.DuckDBPyConnection, staged: Path, files: dict[str, SourceFile], period: str,
    folder: Path,
) -> None:
    """Raise ContractError when an account of the staged period (under `staged/data`) holds a
    currency other than CNY that has no rate in fx_rates or no deposit curve in ftp_rates."""
    held = _distinct(con, staged, "accounts", "currency", f"currency <> '{BASE_CURRENCY}'")
    if not held:
        return
    fx_file = files.get("fx_rates")
    where_fx = str(fx_file.path) if fx_file else f"{folder} (no fx_rates file)"
    rated = _distinct(con, staged, "fx_rates", "currency") if fx_file else set()
    if held - rated:
        currency = ", ".join(sorted(held - rated))
        raise ContractError(
            "accounts hold {currency}, but {file} has no {currency} rate for {period}; add a row "
            "(month {period}, currency, rate_avg, rate_end) per currency and load again",
            currency=currency, file=where_fx, period=period)
    ftp_file = files["ftp_rates"]
    for kind in DEPOSIT_CURVES:
        curves = _distinct(con, staged, "ftp_rates", "currency",
                           f"product_kind = {quote_str(kind)}")
        if held - curves:
            currency = ", ".join(sorted(held - curves))
            raise ContractError(
                "accounts hold {currency}, but {file} has no {currency} {kind} FTP curve for "
                "{period}; add the {currency} rates (column currency) and load again",
                currency=currency, file=ftp_file.path, kind=kind, period=period)


def _distinct(
    con: duckdb.DuckDBPyConnection, staged: Path, table: str, column: str, where: str = "TRUE"
) -> set[str]:
    path = staged / "data" / table
    files = list(path.glob(f"period=*/{PARTITION_FILE}"))
    if not files:
        return set()
    source = f"read_parquet({quote_str(str(files[0]))})"
    rows = con.sql(f"SELECT DISTINCT {column} FROM {source} WHERE {where}").fetchall()
    return {r[0] for r in rows if r[0] is not None}
