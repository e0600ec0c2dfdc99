"""A tiny, valid, hand-checkable bank for one period: 5 customers, every table of the contract.

    rows = sample_rows("2026-09")            # {table: [ {column: text or None}, ... ]}
    rows["transactions"][0]["amount"] = "12.345"   # mutate to make a defect
    write_tables("in/2026-09", rows)         # CSV UTF-8 (or fmt="parquet"/"xlsx", encoding="gbk")
    write_sample_period("in/2026-09", "2026-09")   # the clean period in one call

The values are round so results can be checked by hand: C001 (a large manufacturer, parent of
group G01) holds 12,000,000.00 demand and 30,000,000.00 time deposits on average and a
20,000,000.00 working-capital loan and a 5,000,000.00 bank acceptance (half covered by margin);
C002 is its subsidiary; C003 a wholesaler with an 800,000.00 letter of credit; C004 a micro
builder with a loan 45 days overdue (关注) secured by its owner's mortgage; C001 guarantees
C003's loan and is itself guaranteed by an outside guarantee company; C005 a dormant
restaurant without rating. Every
account is in CNY; fx_rates has USD at 7.10 (average) and 7.20 (month end) for
`with_usd_account`, which adds a USD deposit.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import TABLES, Column, TableSpec

Row = dict[str, str | None]
Rows = dict[str, list[Row]]

_RATINGS = [("AAA", 1, "0.000300"), ("AA", 2, "0.001000"), ("A", 3, "0.003000"),
            ("BBB", 4, "0.010000"), ("BB", 5, "0.030000"), ("B", 6, "0.080000"),
            ("CCC", 7, "0.200000")]
_RMS = [("RM01", "张伟", "高级", "高新支行", "高新1组", "RM01", "250", "2015-03-01"),
        ("RM02", "李娜", "中级", "锦江支行", "锦江1组", "RM02", None, "2021-07-15")]
_CERTS = [("RM01", "aml", "2025-01-10", "2027-01-09"), ("RM01", "credit", "2024-05-20", None),
          ("RM02", "aml", "2024-02-01", "2026-01-31")]
_TRAINING = [("RM01", "CR-101", "24", "2025-11-20", "92"), ("RM02", "AML-100", "8", "2026-03-05",
                                                             None)]
_PRODUCTS = [
    ("DDA", "单位活期存款", "settlement", "deposit_demand", "ON"),
    ("TD1Y", "单位一年期定期存款", "wealth", "deposit_time", "1Y"),
    ("WCL", "流动资金贷款", "financing", "loan", "1Y"),
    ("PAYROLL", "代发工资", "payroll", "service", None),
    ("EBANK", "企业网银", "ebanking", "service", None),
    ("LC", "国内信用证", "trade", "service", None),
]
_FTP = [("deposit_demand", "ON", "0.015000"), ("deposit_time", "1Y", "0.021000"),
        ("loan", "1Y", "0.031000"), ("loan", "3Y", "0.034500")]
_FX = [("USD", "7.100000", "7.200000")]
_USD_FTP = [("deposit_demand", "ON", "0.045000"), ("deposit_time", "1Y", "0.048000")]
_CUSTOMERS = [
    # id, name, uscc, industry, employees, revenue, assets, capital, group, parent, rating, rm,
    # status, founded, onboarded
    ("C001", "成都天府精密制造有限公司", "91510100MA6CU1A09J", "C3484", "1200",
     "2500000000.00", "3000000000.00", "500000000.00", "G01", None, "AA", "RM01", "active",
     "2003-05-18", "2015-03-01"),
    ("C002", "成都天府精密物流有限公司", "91510100MA62T4B177", "G5430", "150",
     "60000000.00", "40000000.00", "10000000.00", "G01", "C001", "A", "RM01", "active",
     "2012-08-08", "2018-06-01"),
    ("C003", "锦江商贸有限公司", "91510100MA6CW3K09U", "F5123", "30",
     "80000000.00", "25000000.00", "5000000.00", None, None, "BBB", "RM02", "active",
     "2016-11-02", "2020-09-10"),
    ("C004", "成华建筑劳务有限公司", "91510100MA6D8E2C29", "E4710", "8",
     "2000000.00", "1500000.00", "1000000.00", None, None, "B", "RM02", "active",
     "2021-03-15", "2022-04-20"),
    ("C005", "青羊餐饮管理有限公司", "91510100MA6CX0L7XQ", "H6210", None,
     None, None, None, None, None, None, "RM01", "dormant", "2018-01-09", "2019-11-11"),
]
_ACCOUNTS = [("A001", "C001", "DDA", "2015-03-01"), ("A002", "C001", "TD1Y", "2025-01-15"),
             ("A003", "C002", "DDA", "2018-06-01"), ("A004", "C003", "DDA", "2020-09-10"),
             ("A005", "C004", "DDA", "2022-04-20"), ("A006", "C005", "DDA", "2019-11-11"),
             ("A007", "C001", "PAYROLL", "2016-01-01"), ("A008", "C001", "EBANK", "2015-03-01")]
_BALANCES = [("A001", "12000000.00", "11500000.00", "0.002000"),
             ("A002", "30000000.00", "30000000.00", "0.017500"),
             ("A003", "2400000.00", "2600000.00", "0.002000"),
             ("A004", "850000.00", "900000.00", "0.002000"),
             ("A005", "45000.00", "38000.00", "0.002000"),
             ("A006", "3000.00", "3000.00", None)]
_TRANSACTIONS = [
    # id, account, customer, day, amount, direction, channel, counterparty, bank, type
    ("T0001", "A001", "C001", 3, "250000.00", "in", "host_to_host", "CP9001", "XB",
     "trade_settlement"),
    ("T0002", "A001", "C001", 5, "180000.00", "out", "online", "CP9002", "ICBC",
     "trade_settlement"),
    ("T0003", "A001", "C001", 10, "1200000.00", "out", "host_to_host", None, "XB", "payroll"),
    ("T0004", "A003", "C002", 8, "56000.00", "in", "mobile", "CP9003", "XB", "transfer"),
    ("T0005", "A003", "C002", 15, "12000.00", "out", "counter", "CP9004", "CCB", "tax"),
    ("T0006", "A004", "C003", 12, "95000.50", "in", "online", "CP9005", "ABC",
     "trade_settlement"),
    ("T0007", "A004", "C003", 20, "3000.00", "out", "online", "CP9006", "XB", "utilities"),
    ("T0008", "A005", "C004", 21, "8000.00", "in", "counter", None, None, "cash"),
    ("T0009", "A001", "C001", 28, "35.00", "out", "online", None, None, "fee"),
    ("T0010", "A004", "C003", 28, "128.25", "in", "online", None, None, "interest"),
]
_LOANS = [("L001", "C001", "2025-03-15", "2027-03-14", "20000000.00", "20000000.00",
           "0.036500", "0", "正常"),
          ("L002", "C003", "2024-06-01", "2029-05-31", "3000000.00", "2950000.00",
           "0.042000", "0", "正常"),
          ("L003", "C004", "2024-12-01", "2027-11-30", "500000.00", "500000.00",
           "0.055000", "45", "关注")]
_FACILITIES = [("F001", "C001", "bank_acceptance", "5000000.00", "2500000.00", "2026-12-15"),
               ("F002", "C003", "letter_of_credit", "800000.00", None, "2026-11-20")]
_GUARANTEES = [  # id, borrower, guarantor (a customer), guarantor outside the bank, type, ...
    ("GU001", "C001", None, "成都融信融资担保有限公司", "guarantee", "10000000.00", "2025-03-15",
     "2027-03-14"),
    ("GU002", "C003", "C001", None, "guarantee", "3000000.00", "2024-06-01", "2029-05-31"),
    ("GU003", "C004", None, "王建国", "mortgage", "600000.00", "2024-12-01", "2027-11-30"),
]
_FEES = [("C001", "settlement", "1200.00"), ("C001", "payroll", "3500.00"),
         ("C001", "ebanking", "600.00"), ("C002", "other", "-50.00"),
         ("C003", "trade", "2000.00"), ("C004", "settlement", "80.00")]


def _rows(table: str, values: Sequence[tuple[str | None, ...]]) -> list[Row]:
    names = TABLES[table].column_names
    return [dict(zip(names, v, strict=True)) for v in values]


def sample_rows(period: str) -> Rows:
    """Every table of a clean period as text rows (None = empty), in contract column order."""
    customers = [
        (c, n, u, ind, "510100", "高新支行" if rm == "RM01" else "锦江支行", f, e, r, a, k,
         g, p, o, rt, rm, s)
        for c, n, u, ind, e, r, a, k, g, p, rt, rm, s, f, o in _CUSTOMERS
    ]
    return {
        "rating_scale": _rows("rating_scale", [(r, str(k), pd, "0.450000")
                                               for r, k, pd in _RATINGS]),
        "relationship_managers": _rows("relationship_managers", _RMS),
        "rm_certifications": _rows("rm_certifications", _CERTS),
        "training_records": _rows("training_records", _TRAINING),
        "products": _rows("products", _PRODUCTS),
        "ftp_rates": _rows("ftp_rates", [(period, k, b, r, "CNY") for k, b, r in _FTP]),
        "fx_rates": _rows("fx_rates", [(period, c, a, e) for c, a, e in _FX]),
        "customers": _rows("customers", customers),
        "accounts": _rows("accounts", [(a, c, p, o, None, "CNY") for a, c, p, o in _ACCOUNTS]),
        "balances": _rows("balances", [(a, period, d, e, r) for a, d, e, r in _BALANCES]),
        "transactions": _rows("transactions", [
            (t, a, c, f"{period}-{day:02d}", amt, d, ch, cp, b, ty)
            for t, a, c, day, amt, d, ch, cp, b, ty in _TRANSACTIONS
        ]),
        "loans": _rows("loans", [(lid, c, period, "WCL", *rest) for lid, c, *rest in _LOANS]),
        "facilities": _rows("facilities", [(f, c, period, *rest) for f, c, *rest in _FACILITIES]),
        "fee_income": _rows("fee_income", [(c, period, k, a) for c, k, a in _FEES]),
        "guarantees": _rows("guarantees", _GUARANTEES),
    }


def with_usd_account(rows: Rows, period: str) -> Rows:
    """`rows` plus A009, a USD demand account of C003 (1,000,000.00 dollars on average, 1,200,000.00
    at month end, paid 0.5 %), and the USD deposit FTP curve (4.5 % demand, 4.8 % time)."""
    rows["accounts"].append(dict(zip(TABLES["accounts"].column_names,
                                     ("A009", "C003", "DDA", "2024-01-10", None, "USD"),
                                     strict=True)))
    rows["balances"] += _rows("balances",
                              [("A009", period, "1000000.00", "1200000.00", "0.005000")])
    rows["ftp_rates"] += _rows("ftp_rates", [(period, k, b, r, "USD") for k, b, r in _USD_FTP])
    return rows


def write_tables(
    folder: Path | str, rows: Rows, *, fmt: str = "csv", encoding: str = "utf-8"
) -> dict[str, Path]:
    """Write each table as `<table>.<fmt>`; the header is the keys of the first row (the
    contract's columns when a table has no rows). CSV in `encoding` (utf-8, utf-8-sig, gbk,
    gb18030); Parquet typed as the contract where every value fits, else as text; xlsx with
    numbers and dates as Excel numbers and dates."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    writers = {"csv": _write_csv, "parquet": _write_parquet, "xlsx": _write_xlsx}
    out = {}
    for table, table_rows in rows.items():
        header = list(table_rows[0]) if table_rows else list(TABLES[table].column_names)
        path = folder / f"{table}.{fmt}"
        writers[fmt](path, table, header, table_rows, encoding)
        out[table] = path
    return out


def write_sample_period(
    folder: Path | str, period: str, *, fmt: str = "csv", encoding: str = "utf-8"
) -> dict[str, Path]:
    """Write the clean sample period into `folder`; returns {table: path}."""
    return write_tables(folder, sample_rows(period), fmt=fmt, encoding=encoding)


def _write_csv(path: Path, table: str, header: list[str], rows: list[Row], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[r.get(h) or "" for h in header] for r in rows])


def _write_parquet(path: Path, table: str, header: list[str], rows: list[Row], _: str) -> None:
    spec = TABLES[table]
    arrays, fields = [], []
    for name in header:
        values = [r.get(name) for r in rows]
        array = pa.array(values, pa.string())
        if name in spec.column_names:
            col = spec.column(name)
            with contextlib.suppress(ValueError, InvalidOperation, pa.ArrowInvalid):
                array = _typed(values, col)
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path)


def _typed(values: list[str | None], col: Column) -> pa.Array:
    if col.dtype == "int":
        return pa.array([None if v is None else int(v) for v in values], pa.int64())
    if col.dtype in ("money", "rate"):
        decimals = [None if v is None else Decimal(v) for v in values]
        return pa.array(decimals, col.arrow_type)
    if col.dtype == "date":
        return pa.array([None if v is None else dt.date.fromisoformat(v) for v in values])
    return pa.array(values, pa.string())


def _write_xlsx(path: Path, table: str, header: list[str], rows: list[Row], _: str) -> None:
    from openpyxl import Workbook

    spec = TABLES[table]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table)
    sheet.append(header)
    for row in rows:
        sheet.append([_excel_value(row.get(h), spec, h) for h in header])
    book.save(path)


def _excel_value(value: str | None, spec: TableSpec, name: str) -> object:
    if value is None or name not in spec.column_names:
        return value
    dtype = spec.column(name).dtype
    try:
        if dtype == "int":
            return int(value)
        if dtype in ("money", "rate"):
            return float(value)
        if dtype == "date":
            return dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return value
