"""Tiny banks written straight into a workspace as Parquet (the loader's layout and schema)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.output import output_schema
from corptier.contract.schema import TABLES
from corptier.periods import Period
from corptier.workspace import Workspace

TABLE_NAMES = tuple(TABLES)


def _value(v: object, dtype: pa.DataType) -> object:
    if v is None:
        return None
    if pa.types.is_decimal(dtype):
        return Decimal(str(v))
    if pa.types.is_date(dtype) and isinstance(v, str):
        return dt.date.fromisoformat(v)
    return v


def write_table(ws: Workspace, table: str, period: str, rows: list[dict]) -> Path:
    """Write rows (missing columns empty, or the contract's default, e.g. CNY) as
    data/<table>/period=P/part-0.parquet."""
    schema = output_schema(TABLES[table])
    defaults = {c.name: c.default for c in TABLES[table].columns}
    data = {f.name: [_value(r.get(f.name, defaults.get(f.name)), f.type) for r in rows]
            for f in schema}
    folder = ws.partition_dir(table, period)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "part-0.parquet"
    pq.write_table(pa.table(data, schema=schema), path)
    return path


def write_period(ws: Workspace, period: str, tables: dict[str, list[dict]]) -> None:
    """Every contract table of a period (absent ones empty)."""
    for name in TABLE_NAMES:
        write_table(ws, name, period, tables.get(name, []))


def customer(cid: str, **kw: object) -> dict:
    row = {
        "customer_id": cid,
        "name": f"企业{cid}",
        "uscc": "91510100MA6CU1A09J",
        "industry_code": "2614",
        "region_code": "510100",
        "sub_branch": "高新支行",
        "founded_on": "2010-01-01",
        "onboarded_on": "2020-01-15",
        "status": "active",
        "rm_id": "RM1",
        "industry_section": "C",
        "enterprise_size": "medium",
        "size_reason": "test",
    }
    return row | kw


STATIC = {
    "rating_scale": [
        {"rating": "A", "rank": 1, "pd": "0.010000", "lgd": "0.500000"},
        {"rating": "B", "rank": 2, "pd": "0.050000", "lgd": "0.400000"},
    ],
    "relationship_managers": [
        {"rm_id": "RM1", "name": "张", "grade": "高级", "sub_branch": "高新支行"}
    ],
    "products": [
        {
            "product_code": "DDA",
            "name": "活期",
            "category": "settlement",
            "kind": "deposit_demand",
            "term_bucket": "ON",
        },
        {
            "product_code": "TD",
            "name": "定期",
            "category": "wealth",
            "kind": "deposit_time",
            "term_bucket": "1Y",
        },
        {
            "product_code": "LN",
            "name": "流贷",
            "category": "financing",
            "kind": "loan",
            "term_bucket": "1Y",
        },
        {
            "product_code": "CM",
            "name": "现金管理",
            "category": "cash_management",
            "kind": "service",
        },
        {"product_code": "PAY", "name": "代发", "category": "payroll", "kind": "service"},
    ],
}
FTP = [
    ("deposit_demand", "ON", "0.020000"),
    ("deposit_time", "1Y", "0.030000"),
    ("loan", "1Y", "0.040000"),
    ("loan", "3Y", "0.045000"),
]


USD_FTP = [("deposit_demand", "ON", "0.045000"), ("deposit_time", "1Y", "0.048000")]


def ftp_rows(period: str, currency: str | None = "CNY") -> list[dict]:
    """The CNY curve (`currency` None: rows without the column, as files of before currencies)
    and, with currency "USD", the USD deposit curve."""
    curve = USD_FTP if currency == "USD" else FTP
    return [{"month": period, "product_kind": k, "term_bucket": b, "rate": r,
             "currency": currency} for k, b, r in curve]


def fx_rows(period: str) -> list[dict]:
    """USD at 7.0 + month/100 on average and 7.05 + month/100 at month end."""
    month = Decimal(Period(period).month) / 100
    return [{"month": period, "currency": "USD", "rate_avg": Decimal("7.000000") + month,
             "rate_end": Decimal("7.050000") + month}]


# --- the hand-checked bank: three months, groups three levels deep -------------------------

TINY_PERIODS = ("2026-07", "2026-08", "2026-09")


def tiny_tables(period: str) -> dict[str, list[dict]]:
    i = TINY_PERIODS.index(period)  # 0, 1, 2
    customers = [
        customer("K1", group_id="G1", rating="A"),
        customer("K2", parent_id="K1", onboarded_on="2026-03-31"),
        customer("K3", parent_id="K2", rating="B"),
        customer("K5", parent_id="P9", rating="A"),
        customer("K6", rating="A"),
        customer("K7", parent_id="K6", rating="A"),
    ]
    if period == "2026-09":
        customers.append(customer("K4", rating="B", onboarded_on="2026-09-01"))
    accounts = [
        {"account_id": "A1", "customer_id": "K1", "product_code": "DDA", "opened_on": "2020-01-15"},
        {"account_id": "A2", "customer_id": "K1", "product_code": "CM", "opened_on": "2021-01-01"},
        {"account_id": "A3", "customer_id": "K1", "product_code": "PAY", "opened_on": "2021-01-01"},
        {
            "account_id": "A4",
            "customer_id": "K1",
            "product_code": "DDA",
            "opened_on": "2021-01-01",
            "closed_on": "2026-09-10",
        },
        {"account_id": "B1", "customer_id": "K2", "product_code": "TD", "opened_on": "2026-03-31"},
        {"account_id": "C1", "customer_id": "K3", "product_code": "DDA", "opened_on": "2020-01-01"},
    ]
    for a in accounts:
        a["currency"] = "CNY"
    balances = [
        {
            "account_id": "A1",
            "month": period,
            "avg_daily_balance": [1_000_000, 2_000_000, 3_000_000][i],
            "month_end_balance": [1_000_000, 2_000_000, 3_300_000][i],
            "rate": "0.003000",
        },
        {
            "account_id": "B1",
            "month": period,
            "avg_daily_balance": 500_000,
            "month_end_balance": 500_000,
            "rate": "0.015000",
        },
        {
            "account_id": "C1",
            "month": period,
            "avg_daily_balance": "100.01",
            "month_end_balance": "100.01",
            "rate": None,
        },
    ]
    loans = [loan("L1", "K1", period)]
    if period == "2026-09":
        loans.append(
            {
                "loan_id": "L2",
                "customer_id": "K3",
                "month": period,
                "product_code": "LN",
                "start_date": "2025-09-15",
                "maturity_date": "2027-09-14",
                "avg_daily_balance": 200_000,
                "balance": 200_000,
                "client_rate": "0.060000",
                "days_overdue": 45,
                "classification": "关注",
            }
        )
    txns = {
        "2026-07": [("K1", "07-31", "50.00", "in", "counter", None, None, "transfer")],
        "2026-08": [
            ("K1", "08-05", "100.00", "in", "online", "X1", "XB", "transfer"),
            ("K1", "08-25", "100.00", "in", "online", "X1", "XB", "transfer"),
        ],
        "2026-09": [
            ("K1", "09-02", "1000.00", "in", "online", "X1", "XB", "trade_settlement"),
            ("K1", "09-02", "500.00", "out", "counter", "X2", "ICBC", "transfer"),
            ("K1", "09-15", "300.00", "out", "mobile", "X2", "XB", "payroll"),
            ("K1", "09-20", "200.00", "in", "host_to_host", None, None, "interest"),
        ],
    }[period]
    transactions = [
        {
            "txn_id": f"T{period}{n}",
            "account_id": "A1",
            "customer_id": c,
            "txn_date": f"{period[:4]}-{d}",
            "amount": a,
            "direction": di,
            "channel": ch,
            "counterparty": cp,
            "counterparty_bank": bk,
            "txn_type": ty,
        }
        for n, (c, d, a, di, ch, cp, bk, ty) in enumerate(txns)
    ]
    fees = [
        {"customer_id": "K1", "month": period, "category": "settlement", "amount": "106.00"},
        {"customer_id": "K1", "month": period, "category": "payroll", "amount": "53.00"},
    ]
    return {
        **STATIC,
        "ftp_rates": ftp_rows(period) + ftp_rows(period, "USD"),
        "fx_rates": fx_rows(period),
        "customers": customers,
        "accounts": accounts,
        "balances": balances,
        "loans": loans,
        "transactions": transactions,
        "fee_income": fees,
    }


# --- a random bank: 13 months, a few dozen customers, for engine conformance ----------------


def random_tables(period: str, seed: int, n_customers: int = 40) -> dict[str, list[dict]]:
    rnd = random.Random(f"{seed}-{period}")
    end = Period(period).month_end
    customers, accounts, balances, loans, txns, fees = [], [], [], [], [], []
    for k in range(n_customers):
        cid = f"R{k:03d}"
        if rnd.random() < 0.05:  # some customers missing in some months
            continue
        parent = f"R{k // 4:03d}" if k % 4 and k > 3 else None
        customers.append(
            customer(
                cid,
                parent_id=parent,
                group_id="GX" if k % 11 == 0 else None,
                rating=rnd.choice(["A", "B", None]),
                annual_revenue=[None, 12_345_678.9, 99_994_999.99, 155_555_555.55,
                                400_000_000][k % 5],
                onboarded_on=dt.date(2000 + rnd.randint(10, 25), rnd.randint(1, 12),
                                     rnd.randint(1, 28)),
            )
        )
        for j, prod in enumerate(("DDA", "TD", "CM")):
            if j and rnd.random() < 0.5:
                continue
            aid = f"{cid}-{prod}"
            accounts.append(
                {
                    "account_id": aid,
                    "customer_id": cid,
                    "product_code": prod,
                    "opened_on": "2015-01-01",
                    "currency": "USD" if k % 7 == 3 and prod == "DDA" else "CNY",
                    "closed_on": None if rnd.random() < 0.9 else end.isoformat(),
                }
            )
            if prod != "CM":
                avg = Decimal(rnd.randint(0, 10**9)) / 100
                balances.append(
                    {
                        "account_id": aid,
                        "month": period,
                        "avg_daily_balance": avg,
                        "month_end_balance": Decimal(rnd.randint(0, 10**9)) / 100,
                        "rate": None
                        if rnd.random() < 0.2
                        else Decimal(rnd.randint(0, 30000)) / 10**6,
                    }
                )
        if rnd.random() < 0.5:
            start = dt.date(2024, rnd.randint(1, 12), rnd.randint(1, 28))
            loans.append(
                {
                    "loan_id": f"L{cid}",
                    "customer_id": cid,
                    "month": period,
                    "product_code": "LN",
                    "start_date": start,
                    "maturity_date": start + dt.timedelta(days=rnd.choice([90, 365, 1000, 2500])),
                    "avg_daily_balance": Decimal(rnd.randint(1, 10**10)) / 100,
                    "balance": Decimal(rnd.randint(0, 10**10)) / 100,
                    "client_rate": Decimal(rnd.randint(30000, 80000)) / 10**6,
                    "days_overdue": rnd.choice([0, 0, 0, 15, 95]),
                    "classification": rnd.choice(["正常", "正常", "关注", "次级", "损失"]),
                }
            )
        for n in range(rnd.randint(0, 12)):
            txns.append(
                {
                    "txn_id": f"T{period}{cid}{n}",
                    "account_id": f"{cid}-DDA",
                    "customer_id": cid,
                    "txn_date": end.replace(day=rnd.randint(1, end.day)),
                    "amount": Decimal(rnd.randint(1, 10**8)) / 100,
                    "direction": rnd.choice(["in", "out"]),
                    "channel": rnd.choice(["counter", "online", "mobile", "host_to_host", "atm"]),
                    "counterparty": rnd.choice([None, "X1", "X2", "X3"]),
                    "counterparty_bank": rnd.choice([None, "XB", "ICBC"]),
                    "txn_type": rnd.choice(["transfer", "payroll", "tax"]),
                }
            )
        for cat in ("settlement", "trade", "other"):
            if rnd.random() < 0.4:
                fees.append(
                    {
                        "customer_id": cid,
                        "month": period,
                        "category": cat,
                        "amount": Decimal(rnd.randint(-1000, 10**7)) / 100,
                    }
                )
    txns.sort(key=lambda t: (t["customer_id"], t["txn_date"], t["txn_id"]))
    return {
        **STATIC,
        "ftp_rates": ftp_rows(period) + ftp_rows(period, "USD"),
        "fx_rates": fx_rows(period),
        "customers": customers,
        "accounts": accounts,
        "balances": balances,
        "loans": loans,
        "transactions": txns,
        "fee_income": fees,
    }


RANDOM_PERIOD = "2026-09"


# --- hand-made one-period banks for the risk and value conventions --------------------------


def workspace_with(root: Path, **assumptions: object) -> Workspace:
    """A new workspace whose `[assumptions]` are the defaults with `assumptions` changed and
    every cost driver at 0 (so a customer's contribution is its NII, fees and EL only)."""
    ws = Workspace.init(root, language="en")
    cfg = ws.config.model_copy(deep=True)
    for driver in ("per_customer", "per_account", "per_transaction", "per_loan"):
        setattr(cfg.assumptions.cost_drivers, driver, 0.0)
    for key, value in assumptions.items():
        setattr(cfg.assumptions, key, value)
    from corptier.config import render_config

    (ws.root / "corptier.toml").write_text(render_config(cfg), encoding="utf-8")
    return Workspace.open(ws.root)


def loan(lid: str, cid: str, period: str, **kw: object) -> dict:
    """A loan row of `period`: 1,000,000 at 5 %, product LN, 1Y, performing, unless `kw`."""
    row = {
        "loan_id": lid,
        "customer_id": cid,
        "month": period,
        "product_code": "LN",
        "start_date": "2026-01-01",
        "maturity_date": "2026-12-31",
        "avg_daily_balance": 1_000_000,
        "balance": 1_000_000,
        "client_rate": "0.050000",
        "days_overdue": 0,
        "classification": "正常",
    }
    return row | kw
