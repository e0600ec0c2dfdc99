"""The default contract reads the ways core-banking exports commonly write values: compact and
slashed dates, grouped amounts, full-width digits and the yuan as 人民币 / RMB / 156."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.contract.common_formats import iso_date_sql, normalised_sql, ungrouped_sql
from corptier.contract.readers import quote_str
from corptier.contract.schema import TABLES
from corptier.services import load_period, open_workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"
FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _grouped(text: str) -> str:
    whole, dot, cents = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{cents}"


def _common(rows):
    for i, r in enumerate(rows["transactions"]):
        y, m, d = r["txn_date"].split("-")
        r["txn_date"] = f"{y}{m}{d}" if i % 2 else f"{y}/{m}/{d}"
        r["amount"] = _grouped(r["amount"])
    for r in rows["customers"]:
        r["annual_revenue"] = _grouped(r["annual_revenue"]) if r["annual_revenue"] else None
        r["founded_on"] = r["founded_on"].replace("-", "")
        r["employees"] = r["employees"].translate(FULL) if r["employees"] else None
    for r, alias in zip(rows["accounts"], ["人民币", "RMB", "156", "CNY"] * 3, strict=False):
        r["currency"] = alias
    for r in rows["balances"]:
        r["month"] = r["month"].replace("-", "")
        r["avg_daily_balance"] = r["avg_daily_balance"].translate(FULL)
    return rows


def _tables(ws):
    return {t: pq.read_table(p).to_pylist()
            for t in TABLES for p in ws.data_dir.glob(f"{t}/period={PERIOD}/*.parquet")}


def test_common_formats_load_as_the_canonical_values(tmp_path):
    from corptier.services import init_workspace

    canonical, common = (init_workspace(tmp_path / n).root for n in ("a", "b"))
    write_tables(tmp_path / "plain", sample_rows(PERIOD))
    write_tables(tmp_path / "common", _common(sample_rows(PERIOD)), encoding="gbk")
    plain = load_period(open_workspace(canonical), PERIOD, tmp_path / "plain")
    report = load_period(open_workspace(common), PERIOD, tmp_path / "common")
    assert report.rejected == 0 and plain.rejected == 0
    assert _tables(open_workspace(common)) == _tables(open_workspace(canonical))


def test_near_misses_are_still_rejected(rows, load, rejects):
    rows["transactions"][0]["amount"] = "12,34.00"
    rows["transactions"][1]["txn_date"] = "2026095"
    rows["accounts"][0]["currency"] = "人民币元"
    load(rows)
    found = {(r, c) for r, c, _ in rejects("transactions")}
    assert {(1, "amount"), (2, "txn_date")} <= found
    assert rejects("accounts")[0][:2] == (1, "currency")


def _eval(sql: str) -> object:
    return duckdb.sql(f"SELECT {sql}").fetchall()[0][0]


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2))
def test_grouped_amounts_read_as_the_plain_number(value):
    plain = f"{value:.2f}"
    assert _eval(ungrouped_sql(quote_str(_grouped(plain)))) == plain
    column = TABLES["transactions"].column("amount")
    full = _grouped(plain).translate(FULL).replace(",", "，")
    assert _eval(normalised_sql(column, quote_str(full))) == plain


@settings(max_examples=60, deadline=None)
@given(st.dates())
def test_compact_and_slashed_dates_read_as_iso(day):
    iso = day.isoformat()
    assert _eval(iso_date_sql(quote_str(iso.replace("-", "")))) == iso
    assert _eval(iso_date_sql(quote_str(iso.replace("-", "/")))) == iso
    assert _eval(iso_date_sql(quote_str(iso))) == iso
