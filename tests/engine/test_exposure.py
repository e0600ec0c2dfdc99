"""Off-balance exposure: EAD = drawn + CCF × facilities net of margin (hand-made bank, 2026-09,
30 days; grade A: PD 1 %, LGD 50 %; revenue unknown, so no size adjustment)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from engine_banks import STATIC, customer, ftp_rows, loan, workspace_with, write_period

from corptier.config import Assumptions
from corptier.engine import compute_indicators, read_snapshot

P = "2026-09"


def facility(fid: str, cid: str, kind: str, amount: str, margin: str | None = None,
             maturity: str = "2026-12-31") -> dict:
    return {"facility_id": fid, "customer_id": cid, "month": P, "kind": kind,
            "amount": amount, "margin_deposit": margin, "maturity_date": maturity}


def _bank(tmp_path, **assumptions):
    ws = workspace_with(tmp_path / "off", **assumptions)
    write_period(ws, P, {
        **STATIC,
        "ftp_rates": ftp_rows(P),
        "customers": [customer(c, rating="A") for c in ("F1", "F2", "F3")],
        "loans": [loan("L1", "F1", P), loan("L2", "F2", P)],  # 1,000,000 each, to 2026-12-31
        "facilities": [
            facility("BA1", "F1", "bank_acceptance", "2000000.00", "1000000.00"),
            facility("LC1", "F1", "letter_of_credit", "500000.00", None, "2026-10-30"),
            facility("LG1", "F1", "letter_of_guarantee", "300000.00", "400000.00"),
            facility("BA3", "F3", "bank_acceptance", "1000000.00", None, "2029-09-30"),
        ],
    })
    compute_indicators(ws, P)
    return {r["customer_id"]: r for r in read_snapshot(ws, P).to_pylist()}


def test_ead_adds_converted_facilities_net_of_margin(tmp_path) -> None:
    snap = _bank(tmp_path)
    f1, f2 = snap["F1"], snap["F2"]
    # BA (2,000,000 − 1,000,000) × 100 % + LC 500,000 × 20 % + LG max(300,000 − 400,000, 0) × 50 %
    assert f1["ead"] == D("2100000.00") and f1["off_balance"] == D("2800000.00")
    assert f1["total_credit"] == D("3800000.00")
    assert (f2["ead"], f2["off_balance"]) == (D("1000000.00"), D("0.00"))
    # EL = EAD × 1 % × 50 % × 30/365
    assert f1["expected_loss"] == D("863.01")
    assert f2["expected_loss"] == D("410.96")
    # M: (1,000,000 × 92 + 1,000,000 × 92 + 100,000 × 30) / 2,100,000 days < 1 year → 1
    assert f1["effective_maturity"] == 1.0
    # K(PD 1 %, LGD 50 %, M 1) = 0.0651363392 (CRE31 by hand): EC = K × EAD
    assert f2["econ_capital"] == D("65136.34")
    assert f1["econ_capital"] == D("136786.31")


def test_a_facility_alone_is_an_exposure_with_its_own_maturity(tmp_path) -> None:
    f3 = _bank(tmp_path)["F3"]
    assert (f3["loan_avg"], f3["ead"]) == (D("0.00"), D("1000000.00"))
    # 2026-09-30 → 2029-09-30 = 1,096 days
    assert f3["effective_maturity"] == pytest.approx(1096 / 365, rel=1e-12)
    assert f3["expected_loss"] == D("410.96")
    # K(PD 1 %, LGD 50 %, M 3.00274) = 0.0877313019
    assert f3["econ_capital"] == D("87731.30")


def test_margin_not_netted_and_ccfs_are_data(tmp_path) -> None:
    snap = _bank(tmp_path, ccf_net_of_margin=False,
                 ccf={"letter_of_credit": 0.5})  # other kinds keep their defaults
    # 1,000,000 + 2,000,000 × 1 + 500,000 × 0.5 + 300,000 × 0.5
    assert snap["F1"]["ead"] == D("3400000.00")
    # 3,400,000 × 0.005 × 30/365
    assert snap["F1"]["expected_loss"] == D("1397.26")


def test_ccf_must_be_a_share() -> None:
    with pytest.raises(ValueError, match=r"ccf\.bank_acceptance must be between 0 and 1"):
        Assumptions(ccf={"bank_acceptance": 1.5})
    assert Assumptions(ccf={"letter_of_credit": 0.5}).ccf == {
        "bank_acceptance": 1.0, "letter_of_credit": 0.5, "letter_of_guarantee": 0.5,
        "undrawn_commitment": 0.4}


def test_a_period_without_the_facilities_table_has_drawn_exposure_only(tmp_path) -> None:
    ws = workspace_with(tmp_path / "none")
    write_period(ws, P, {**STATIC, "ftp_rates": ftp_rows(P),
                         "customers": [customer("F2", rating="A")],
                         "loans": [loan("L2", "F2", P)]})
    (ws.partition_dir("facilities", P) / "part-0.parquet").unlink()
    first = compute_indicators(ws, P)
    again = compute_indicators(ws, P)  # through the stored plan, the empty table registered
    assert (first.plan_cached, again.plan_cached) == (False, True)
    (f2,) = read_snapshot(ws, P).to_pylist()
    assert (f2["ead"], f2["off_balance"], f2["expected_loss"]) == (
        D("1000000.00"), D("0.00"), D("410.96"))
