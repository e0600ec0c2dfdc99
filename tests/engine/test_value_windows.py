"""Rolling averages and year-on-year growth as banks define them (engine/value.py): averages
day-weighted over the customer's tenure, growth only against a complete base. Hand-made banks,
every cost driver 0; a demand deposit paid the FTP rate (2 %) earns no NII, so a customer's
contribution is its fee income (booked 106.00 → 100.00 net of 6 % VAT)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from engine_banks import STATIC, customer, ftp_rows, loan, workspace_with, write_period

from corptier.engine import compute_indicators, read_snapshot
from corptier.periods import Period


def _account(cid: str) -> dict:
    return {"account_id": f"A{cid}", "customer_id": cid, "product_code": "DDA",
            "opened_on": "2020-01-01", "currency": "CNY"}


def _balance(cid: str, month: str, avg: str) -> dict:
    return {"account_id": f"A{cid}", "month": month, "avg_daily_balance": avg,
            "month_end_balance": avg, "rate": "0.020000"}


def _snapshot(tmp_path, months: dict[str, dict[str, list[dict]]], period: str) -> dict:
    ws = workspace_with(tmp_path / "bank")
    for month, tables in months.items():
        write_period(ws, month, {**STATIC, "ftp_rates": ftp_rows(month), **tables})
    compute_indicators(ws, period)
    return {r["customer_id"]: r for r in read_snapshot(ws, period).to_pylist()}


# --- averages: October (31), November (30), December (31) 2026 ------------------------------

def _quarter() -> dict[str, dict[str, list[dict]]]:
    deposits = {  # customer → (onboarded_on, {month: avg daily deposits})
        "A1": ("2020-01-15", {"2026-10": "100", "2026-11": "200", "2026-12": "300"}),
        "A2": ("2020-01-15", {"2026-10": "100", "2026-12": "300"}),       # no November row
        "A3": ("2026-11-10", {"2026-11": "200", "2026-12": "300"}),       # onboarded last month
        "A4": ("2026-12-05", {"2026-11": "200", "2026-12": "300"}),       # on the books earlier
    }
    months = {}
    for month in ("2026-10", "2026-11", "2026-12"):
        here = [cid for cid, (_, avg) in deposits.items() if month in avg]
        months[month] = {
            "customers": [customer(cid, rating="A", onboarded_on=deposits[cid][0])
                          for cid in here],
            "accounts": [_account(cid) for cid in here],
            "balances": [_balance(cid, month, deposits[cid][1][month]) for cid in here],
            "loans": [loan("L1", "A1", month, avg_daily_balance=610_000)]
            if month == "2026-12" else [],
        }
    return months


def test_averages_are_day_weighted_over_the_tenure(tmp_path) -> None:
    snap = _snapshot(tmp_path, _quarter(), "2026-12")
    a1, a2, a3, a4 = (snap[c] for c in ("A1", "A2", "A3", "A4"))
    # (100 × 31 + 200 × 30 + 300 × 31) / 92 = 18,400 / 92 = 200.00 (the mean of means is also 200)
    assert a1["dep_avg_r3"] == D("200.00")
    # only three months are loaded: the nine before are unknown, not zero
    assert a1["dep_avg_r12"] == D("200.00")
    # loan only in December: 610,000 × 31 / 92 = 18,910,000 / 92 = 205,543.478… → 205,543.48
    assert a1["loan_avg_r3"] == a1["loan_avg_r12"] == D("205543.48")
    # November missing within the tenure counts 0: (100 × 31 + 0 × 30 + 300 × 31) / 92
    # = 12,400 / 92 = 134.782… → 134.78 (the mean of the months present would be 200.00)
    assert a2["dep_avg_r3"] == a2["dep_avg_r12"] == D("134.78")
    # onboarded in November: (200 × 30 + 300 × 31) / 61 = 15,300 / 61 = 250.819… → 250.82
    assert a3["dep_avg_r3"] == a3["dep_avg_r12"] == D("250.82")
    # on the books in November though onboarded in December: the tenure starts in November
    assert a4["dep_avg_r3"] == D("250.82")
    assert a3["loan_avg_r3"] == D("0.00")


def test_an_average_rounds_half_up_to_the_cent(tmp_path) -> None:
    def month(p: str, avg: str | None) -> dict[str, list[dict]]:
        return {"customers": [customer("B1", rating="A", onboarded_on="2026-07-01")],
                "accounts": [_account("B1")],
                "balances": [_balance("B1", p, avg)] if avg else []}

    b1 = _snapshot(tmp_path, {"2026-07": month("2026-07", "0.05"),
                              "2026-08": month("2026-08", None)}, "2026-08")["B1"]
    # (0.05 × 31 + 0 × 31) / 62 = 0.025 exactly → 0.03 (half up, not half to even)
    assert b1["dep_avg_r3"] == D("0.03")


# --- year on year: 24 months, 2025-01 … 2026-12 ---------------------------------------------

HISTORY = {  # customer → onboarded_on (on the books from its onboarding month)
    "Y1": "2020-01-15",   # 24 months of history
    "Y2": "2025-07-20",   # 18 months
    "Y3": "2025-12-15",   # joined 12 months ago, mid-month
    "Y4": "2025-01-01",   # exactly 24 months, from the first day
}


def _two_years() -> dict[str, dict[str, list[dict]]]:
    months = {}
    for p in reversed(Period("2026-12").window(24)):
        here = [cid for cid, since in HISTORY.items() if since[:7] <= p]
        this_year = p >= "2026-01"
        months[p] = {
            "customers": [customer(cid, rating="A", onboarded_on=HISTORY[cid]) for cid in here],
            "accounts": [_account(cid) for cid in here],
            "balances": [_balance(cid, p, "1500" if this_year else "1000") for cid in here],
            "fee_income": [{"customer_id": cid, "month": p, "category": "settlement",
                            "amount": "159.00" if this_year else "106.00"} for cid in here],
        }
    return months


@pytest.fixture(scope="module")
def yoy(tmp_path_factory) -> dict:
    return _snapshot(tmp_path_factory.mktemp("yoy"), _two_years(), "2026-12")


def test_year_on_year_is_defined_on_a_complete_base(yoy) -> None:
    y1 = yoy["Y1"]
    # fees 150.00 a month in 2026 against 100.00 in 2025: 1,800 / 1,200 − 1 = 0.5
    assert y1["contribution_r12"] == D("1800.00")
    assert y1["contribution_r12_yoy"] == pytest.approx(0.5)
    # deposits 1,500 against 1,000 in December 2025
    assert y1["dep_avg_yoy"] == pytest.approx(0.5)
    assert yoy["Y4"]["contribution_r12_yoy"] == pytest.approx(0.5)   # onboarded on day one


def test_year_on_year_is_null_on_an_incomplete_base(yoy) -> None:
    y2, y3 = yoy["Y2"], yoy["Y3"]
    # 18 months: the base 2025-01 … 2025-12 has 6 (it would read 1,800 / 600 − 1 = +200 %)
    assert y2["contribution_r12_yoy"] is None
    # … but the 12 months before December 2026 are complete: deposits year on year defined
    assert y2["dep_avg_yoy"] == pytest.approx(0.5)
    # joined on 2025-12-15: December 2025 is not a whole month of history (was +1,100 %)
    assert y3["contribution_r12_yoy"] is None and y3["dep_avg_yoy"] is None
