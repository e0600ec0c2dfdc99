"""Defaulted borrowers: PD 1, EL = LGD × EAD over the period, K = max(0, LGD − ELBE), and no
interest accrued on a non-performing loan (hand-made bank, 2026-09 = 30 days)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from engine_banks import STATIC, customer, ftp_rows, loan, workspace_with, write_period

from corptier.engine import compute_indicators, read_snapshot

P = "2026-09"


def _bank(tmp_path, **assumptions):
    ws = workspace_with(tmp_path / "dft", **assumptions)
    write_period(ws, P, {
        **STATIC,
        "ftp_rates": ftp_rows(P),
        "customers": [customer("D1", rating="A"), customer("D2"), customer("D3", rating="A")],
        "loans": [
            loan("L1", "D1", P, classification="可疑", days_overdue=120),
            loan("L2", "D2", P, classification="关注", days_overdue=91),
            loan("L3", "D3", P, classification="关注", days_overdue=90),
        ],
    })
    compute_indicators(ws, P)
    return {r["customer_id"]: r for r in read_snapshot(ws, P).to_pylist()}


def test_a_defaulted_customer_has_pd_1_el_lgd_and_capital_lgd_minus_elbe(tmp_path) -> None:
    snap = _bank(tmp_path)
    d1 = snap["D1"]                                   # grade A: PD 1 %, LGD 50 %; 可疑
    assert (d1["in_default"], d1["pd"], d1["lgd"]) == (1, 1.0, 0.5)
    # EL = 1,000,000 × PD 1 × LGD 0.5 × 30/365 = 41,095.890… ; K = 0.50 − 0.25 = 0.25
    assert d1["expected_loss"] == D("41095.89")
    assert d1["econ_capital"] == D("250000.00")
    # no interest accrued on the 可疑 loan: NII = −1,000,000 × FTP 4 % × 30/360 (Act/360)
    assert d1["loan_nii"] == D("-3333.33")
    assert d1["contribution"] == D("-44429.22")       # −3,333.33 − 41,095.89
    # EVA = −44,429.22 × 0.75 − 250,000 × 12 % × 30/365 = −33,321.92 − 2,465.75
    assert d1["eva"] == D("-35787.67")
    # RAROC = −33,321.915 × 365 / (250,000 × 30)
    assert d1["raroc"] == pytest.approx(-1.62166653, rel=1e-8)


def test_more_than_90_days_past_due_is_default_whatever_the_class(tmp_path) -> None:
    snap = _bank(tmp_path)
    d2, d3 = snap["D2"], snap["D3"]
    # D2 unrated (LGD 45 %), 关注 but 91 days past due: in default
    assert (d2["in_default"], d2["pd"]) == (1, 1.0)
    assert d2["expected_loss"] == D("36986.30")       # 1,000,000 × 0.45 × 30/365
    assert d2["econ_capital"] == D("200000.00")       # (0.45 − 0.25) × 1,000,000
    assert d2["loan_nii"] == D("-3333.33")
    # D3 关注 and exactly 90 days: performing, rating PD, interest accrued
    assert (d3["in_default"], d3["pd"]) == (0, 0.01)
    assert d3["expected_loss"] == D("410.96")         # 1,000,000 × 0.01 × 0.5 × 30/365
    # 1,000,000 × (5 % / 1.06 − 4 %) × 30/360 (VAT-inclusive rate, Act/360)
    assert d3["loan_nii"] == D("597.48")


def test_npl_interest_accrued_and_elbe_when_configured(tmp_path) -> None:
    snap = _bank(tmp_path, accrue_npl_interest=True, defaulted_elbe=0.6)
    d1 = snap["D1"]
    assert d1["loan_nii"] == D("597.48")              # interest accrued again
    assert d1["econ_capital"] == D("0.00")            # max(0, 0.5 − 0.6)
    assert d1["raroc"] is None                        # no capital, no RAROC
