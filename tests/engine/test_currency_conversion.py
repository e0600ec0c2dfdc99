"""Currencies in the engine: amounts converted to yuan with fx_rates before any indicator, and
deposits priced on the FTP curve of their currency (hand-made bank, 2026-08 = 31 days)."""

from __future__ import annotations

from decimal import Decimal as D

import pyarrow.parquet as pq
import pytest
from engine_banks import STATIC, customer, ftp_rows, workspace_with, write_period

from corptier.engine import compute_indicators, read_snapshot
from corptier.errors import EngineError

P = "2026-08"
FX = [{"month": P, "currency": "USD", "rate_avg": "7.100000", "rate_end": "7.200000"}]


def _tables(**changes: object) -> dict:
    """V1 holds a USD demand account: 1,000,000 dollars on average, 1,200,000 at month end,
    paid 0.5 %, and received 1,000.00 dollars; V2 the same numbers in yuan."""
    accounts = [{"account_id": a, "customer_id": c, "product_code": "DDA",
                 "opened_on": "2020-01-01", "currency": cur}
                for a, c, cur in (("U1", "V1", "USD"), ("Y1", "V2", "CNY"))]
    balances = [{"account_id": a, "month": P, "avg_daily_balance": 1_000_000,
                 "month_end_balance": 1_200_000, "rate": "0.005000"} for a in ("U1", "Y1")]
    txns = [{"txn_id": f"T{a}", "account_id": a, "customer_id": c, "txn_date": "2026-08-10",
             "amount": "1000.00", "direction": "in", "channel": "online", "txn_type": "transfer"}
            for a, c in (("U1", "V1"), ("Y1", "V2"))]
    return {
        **STATIC,
        "ftp_rates": ftp_rows(P) + ftp_rows(P, "USD"),
        "fx_rates": FX,
        "customers": [customer("V1", rating="A"), customer("V2", rating="A")],
        "accounts": accounts,
        "balances": balances,
        "transactions": txns,
    } | changes


def _snapshot(tmp_path, engine: str = "duckdb", spark=None, **changes: object) -> dict:
    ws = workspace_with(tmp_path / "fx")
    write_period(ws, P, _tables(**changes))
    compute_indicators(ws, P, engine, spark_session=spark)
    return {r["customer_id"]: r for r in read_snapshot(ws, P).to_pylist()}


def test_usd_account_is_converted_and_priced_on_the_usd_curve(tmp_path) -> None:
    snap = _snapshot(tmp_path)
    v1, v2 = snap["V1"], snap["V2"]
    # 1,000,000 USD × 7.10 (month average) = 7,100,000.00 yuan
    assert v1["dep_demand_avg"] == D("7100000.00")
    assert v1["dep_avg"] == D("7100000.00")
    # USD is on Actual/365 (interest_day_basis_other) and its FTP is the USD curve's 4.5 %:
    # 7,100,000 × (4.5 % − 0.5 %) × 31/365 = 284,000 × 31/365 = 24,120.547… → 24,120.55
    assert v1["dep_nii"] == D("24120.55")
    # month end: 1,200,000 USD × 7.20 = 8,640,000.00 yuan, against 7,100,000.00 on average
    assert v1["end_to_avg_ratio"] == pytest.approx(8_640_000 / 7_100_000, rel=1e-12)
    # 1,000.00 USD received × 7.10 = 7,100.00 yuan
    assert v1["txn_in_amount"] == D("7100.00")
    # the yuan account is unchanged and priced on the CNY curve (2 %, Actual/360):
    # 1,000,000 × (2 % − 0.5 %) × 31/360 = 1,291.666… → 1,291.67
    assert v2["dep_demand_avg"] == D("1000000.00")
    assert v2["dep_nii"] == D("1291.67")
    assert v2["end_to_avg_ratio"] == pytest.approx(1.2, rel=1e-12)
    assert v2["txn_in_amount"] == D("1000.00")


def test_conversion_rounds_to_cents_per_account(tmp_path) -> None:
    fx = [{"month": P, "currency": "USD", "rate_avg": "7.123457", "rate_end": "7.200000"}]
    balances = [{"account_id": "U1", "month": P, "avg_daily_balance": "0.07",
                 "month_end_balance": "0.07", "rate": None}]
    v1 = _snapshot(tmp_path, fx_rates=fx, balances=balances)["V1"]
    # 0.07 × 7.123457 = 0.49864199 → 0.50 yuan
    assert v1["dep_avg"] == D("0.50")


def test_missing_fx_rate_stops_the_close_naming_currency_and_period(tmp_path) -> None:
    with pytest.raises(EngineError, match=r"2026-08 hold USD.*fx_rates of 2026-08 has no USD"):
        _snapshot(tmp_path, fx_rates=[])


def test_missing_usd_curve_stops_the_close(tmp_path) -> None:
    with pytest.raises(EngineError, match=r"ftp_rates of 2026-08 has no USD deposit_demand"):
        _snapshot(tmp_path, ftp_rates=ftp_rows(P))


def test_workspace_curve_without_currency_column_is_the_cny_curve(tmp_path) -> None:
    """A workspace loaded before currencies: ftp_rates Parquet without the column."""
    ws = workspace_with(tmp_path / "old")
    accounts = [{"account_id": "Y1", "customer_id": "V2", "product_code": "DDA",
                 "opened_on": "2020-01-01", "currency": "CNY"}]
    write_period(ws, P, _tables(fx_rates=[], accounts=accounts, transactions=[],
                                ftp_rates=ftp_rows(P), balances=_tables()["balances"][1:]))
    path = ws.partition_file("ftp_rates", P)
    pq.write_table(pq.read_table(path).drop_columns(["currency"]), path)
    compute_indicators(ws, P)
    v2 = read_snapshot(ws, P).to_pylist()[1]
    assert (v2["customer_id"], v2["dep_nii"]) == ("V2", D("1291.67"))


@pytest.mark.spark
@pytest.mark.slow
def test_spark_converts_the_same(tmp_path, spark) -> None:
    duck = _snapshot(tmp_path / "duck")
    on_spark = _snapshot(tmp_path / "spark", "spark", spark)
    for cid in ("V1", "V2"):
        for column in ("dep_avg", "dep_nii", "txn_in_amount", "end_to_avg_ratio"):
            assert on_spark[cid][column] == duck[cid][column]
