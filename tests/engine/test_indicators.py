"""Indicators of the tiny bank, checked against values worked out by hand (2026-09, 30 days)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from corptier.engine import compute_indicators, irb_k, read_snapshot
from corptier.engine.money import cents, factor

F = factor(D(30) / 360)  # the 13-decimal interest day-count factor of September (CNY: Act/360)


@pytest.fixture
def snap(tiny_bank):
    compute_indicators(tiny_bank, "2026-09")
    rows = read_snapshot(tiny_bank, "2026-09").to_pylist()
    return {r["customer_id"]: r for r in rows}


def test_one_row_per_customer_sorted(snap, tiny_bank) -> None:
    ids = [r["customer_id"] for r in read_snapshot(tiny_bank, "2026-09").to_pylist()]
    assert ids == sorted(ids) == ["K1", "K2", "K3", "K4", "K5", "K6", "K7"]


def test_value_of_k1(snap) -> None:
    k1 = snap["K1"]
    assert k1["dep_demand_avg"] == k1["dep_avg"] == D("3000000.00")
    assert k1["dep_time_avg"] == D("0.00")
    # 3,000,000 × (2.0 % − 0.3 %) × 30/360 = 4,250.00 (CNY interest on Actual/360)
    assert k1["dep_nii"] == D("4250.00") == cents(D(51000) * F)
    # loan 2026-01-01..2026-12-31 = 12 months → 1Y FTP 4 %; 5 % includes 6 % VAT:
    # 1,000,000 × (5 % / 1.06 − 4 %) × 30/360 = 7,169.81 × 30/360 = 597.48
    assert k1["loan_nii"] == D("597.48")
    assert (k1["fee_settlement"], k1["fee_payroll"], k1["fee_income"]) == (
        D("100.00"), D("50.00"), D("150.00"))
    # 300 per customer + 40 × 3 open accounts (A4 closed on 09-10) + 1.5 × 4 txns + 500 × 1 loan
    assert k1["op_cost"] == D("926.00")
    # EL = 1,000,000 × PD 1 % × LGD 50 % × 30/365
    assert k1["expected_loss"] == D("410.96")
    # L1 matures 2026-12-31, 92 days after period end: M = 1 year (the floor);
    # K(PD 1 %, LGD 50 %, M 1) = 0.0651363 by CRE31, worked out outside corptier
    assert k1["econ_capital"] == D("65136.34") == cents(D(1_000_000) * factor(irb_k(0.01, 0.5, 1)))
    assert k1["effective_maturity"] == 1.0
    contribution = D("4250.00") + D("597.48") + D("150.00") - D("926.00") - D("410.96")
    assert k1["contribution"] == contribution == D("3660.52")
    after_tax = cents(contribution * factor(D("0.75")))
    charge = cents(k1["econ_capital"] * factor(D("0.12") * 30 / 365))
    assert k1["eva"] == after_tax - charge
    raroc = float(contribution) * 0.75 * 365 / (float(k1["econ_capital"]) * 30)
    assert k1["raroc"] == pytest.approx(raroc, rel=1e-12)


def test_rolling_and_stability_of_k1(snap) -> None:
    k1 = snap["K1"]
    # day-weighted over July (31), August (31), September (30), the months loaded:
    # (1 M × 31 + 2 M × 31 + 3 M × 30) / 92 = 183 M / 92 = 1,989,130.434… → 1,989,130.43
    assert k1["dep_avg_r3"] == k1["dep_avg_r12"] == D("1989130.43")
    assert k1["loan_avg_r3"] == k1["loan_avg_r12"] == D("1000000.00")
    assert k1["dep_trend_12"] == pytest.approx(1_000_000.0)          # +1 M a month
    assert k1["dep_trend_rel_12"] == pytest.approx(0.5)
    assert k1["dep_cv_12"] == pytest.approx((2 / 3) ** 0.5 / 2)      # pop. std / mean
    assert k1["end_to_avg_ratio"] == pytest.approx(1.1)
    assert k1["dep_avg_yoy"] is None and k1["contribution_r12_yoy"] is None  # no base
    assert k1["tenure_months"] == 80                                  # 2020-01-15 → 2026-09-30
    assert k1["contribution_r3"] == k1["contribution_r12"]


def test_behaviour_of_k1(snap) -> None:
    k1 = snap["K1"]
    assert (k1["txn_count"], k1["txn_in_count"], k1["txn_out_count"]) == (4, 2, 2)
    assert (k1["txn_in_amount"], k1["txn_out_amount"]) == (D("1200.00"), D("800.00"))
    assert k1["active_days"] == 3
    assert k1["days_since_last_txn"] == 10                            # 09-20 → 09-30
    assert k1["ebank_share"] == pytest.approx(0.75)                  # online, mobile, h2h
    assert k1["counterparties"] == 2
    assert k1["outflow_other_bank_share"] == pytest.approx(500 / 800)
    assert k1["txn_count_mom"] == pytest.approx(1.0)                  # 4 vs 2
    assert k1["txn_amount_mom"] == pytest.approx(9.0)                 # 2,000 vs 200
    assert k1["txn_count_r3"] == 7 and k1["months_active_12"] == 3
    # active days 07-31, 08-05, 08-25, 09-02, 09-15, 09-20 are 61, 56, 36, 28, 15, 10 days
    # before 09-30: weeks 8, 8, 5, 4, 2, 1 → 5 active weeks, the first 8, the last 1
    assert k1["bgnbd_x"] == 4
    assert k1["bgnbd_t_x"] == 7.0
    assert k1["bgnbd_T"] == 8.0
    assert k1["payroll_txn_count"] == 1


def test_needs_and_risk(snap) -> None:
    k1, k3, k4 = snap["K1"], snap["K3"], snap["K4"]
    held = {c: k1[f"has_{c}"] for c in ("settlement", "financing", "cash_management", "payroll",
                                         "wealth", "trade")}
    assert held == {"settlement": 1, "financing": 1, "cash_management": 1, "payroll": 1,
                    "wealth": 0, "trade": 0}
    assert k1["product_coverage"] == 4 and k1["cash_mgmt_accounts"] == 1
    assert (k1["rating"], k1["rating_rank"], k1["pd"], k1["lgd"]) == ("A", 1, 0.01, 0.5)
    assert (k1["worst_loan_class"], k1["worst_loan_class_rank"]) == ("正常", 1)
    assert (k3["worst_loan_class"], k3["worst_loan_class_rank"], k3["max_days_overdue"]) == (
        "关注", 2, 45)
    assert (k4["worst_loan_class"], k4["worst_loan_class_rank"], k4["max_days_overdue"]) == (
        None, 0, 0)
    unrated = snap["K2"]
    assert unrated["rating"] is None and unrated["rating_rank"] is None
    assert (unrated["pd"], unrated["lgd"]) == (0.02, 0.45)           # assumptions


def test_new_customer_and_empty_history(snap) -> None:
    k4 = snap["K4"]
    assert k4["txn_count"] == 0 and k4["days_since_last_txn"] is None
    assert k4["bgnbd_x"] is None and k4["ebank_share"] is None and k4["txn_count_mom"] is None
    assert k4["op_cost"] == D("300.00") and k4["contribution"] == D("-300.00")
    assert k4["raroc"] is None and k4["tenure_months"] == 0


def test_groups(snap, tiny_bank) -> None:
    # K1 ← K2 ← K3 (three levels, only K1 carries G1); K7 → K6 without a group id;
    # K5's parent P9 is not a customer; K4 stands alone
    groups = {c: (r["group_id"], r["group_head_id"]) for c, r in snap.items()}
    assert groups == {"K1": ("G1", "K1"), "K2": ("G1", "K1"), "K3": ("G1", "K1"),
                      "K4": (None, "K4"), "K5": (None, "K5"), "K6": ("K6", "K6"),
                      "K7": ("K6", "K6")}
    g1 = [snap[c] for c in ("K1", "K2", "K3")]
    total = sum(r["contribution"] for r in g1)
    for r in g1:
        assert r["group_members"] == 3
        assert r["group_contribution"] == total
        assert r["group_dep_avg"] == sum(x["dep_avg"] for x in g1)
    assert snap["K1"]["group_contribution_share"] == pytest.approx(
        float(snap["K1"]["contribution"]) / float(total))
    assert snap["K4"]["group_members"] is None and snap["K4"]["group_dep_avg"] is None
    rows = read_snapshot(tiny_bank, "2026-09", "indicators_group").to_pylist()
    assert [(r["group_id"], r["head_customer_id"], r["members"]) for r in rows] == [
        ("G1", "K1", 3), ("K6", "K6", 2)]
    assert rows[0]["contribution"] == total


def test_deposit_fraction_rounding(snap) -> None:
    # K3: 100.01 at FTP 2 %, no rate paid → 100.01 × 0.02 × 30/360 = 0.1666… → 0.17
    assert snap["K3"]["dep_nii"] == D("0.17")


def test_tier_raroc_of_a_one_customer_tier_is_the_customer_raroc(snap) -> None:
    """The KPI's tier RAROC is annualised exactly like the customer's (not a monthly ratio)."""
    import pandas as pd

    from corptier.evaluation import KpiContext, kpis_by_tier

    frame = pd.DataFrame([snap["K1"]])
    tiers = pd.DataFrame({"customer_id": ["K1"], "applied_tier": ["core"]})
    k = kpis_by_tier(KpiContext(period="2026-09", indicators=frame, tiers=tiers,
                                tier_order=("core",), tax_rate=0.25))
    assert snap["K1"]["raroc"] is not None
    assert k.loc["core", "raroc"] == pytest.approx(snap["K1"]["raroc"], rel=1e-12)
