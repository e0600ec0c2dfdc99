"""Interest as booked: Actual/360 for CNY, per currency by configuration; client loan rates
VAT-inclusive unless the product is exempt (hand-made bank, 2026-08 = 31 days)."""

from __future__ import annotations

from decimal import Decimal as D

from engine_banks import STATIC, customer, ftp_rows, loan, workspace_with, write_period

from corptier.engine import compute_indicators, read_snapshot

P = "2026-08"
PH = {"product_code": "PH", "name": "普惠小微贷", "category": "financing", "kind": "loan"}


def _bank(tmp_path, **assumptions) -> dict:
    ws = workspace_with(tmp_path / "int", **assumptions)
    write_period(ws, P, {
        **STATIC,
        "products": [*STATIC["products"], PH],
        "ftp_rates": ftp_rows(P),
        "customers": [customer("V1", rating="A"), customer("V2", rating="A")],
        "accounts": [{"account_id": "A1", "customer_id": "V1", "product_code": "DDA",
                      "opened_on": "2020-01-01", "currency": "CNY"}],
        "balances": [{"account_id": "A1", "month": P, "avg_daily_balance": 1_000_000,
                      "month_end_balance": 1_000_000, "rate": "0.003000"}],
        "loans": [loan("L1", "V1", P), loan("L2", "V2", P, product_code="PH")],
    })
    compute_indicators(ws, P)
    return {r["customer_id"]: r for r in read_snapshot(ws, P).to_pylist()}


def test_cny_interest_on_actual_360_in_a_31_day_month(tmp_path) -> None:
    v1 = _bank(tmp_path)["V1"]
    # deposit: 1,000,000 × (FTP 2 % − 0.3 %) × 31/360 = 1,463.888… (Act/365 would be 1,443.84)
    assert v1["dep_nii"] == D("1463.89")
    # loan 5 % incl. 6 % VAT, FTP 4 %: 1,000,000 × (5 %/1.06 − 4 %) × 31/360 = 617.400…
    assert v1["loan_nii"] == D("617.40")
    # EL stays on Actual/365: 1,000,000 × 1 % × 50 % × 31/365 = 424.657…
    assert v1["expected_loss"] == D("424.66")


def test_day_basis_is_configurable_per_currency(tmp_path) -> None:
    v1 = _bank(tmp_path, interest_day_basis={"CNY": 365})["V1"]
    assert v1["dep_nii"] == D("1443.84")              # 17,000 × 31/365 = 1,443.835…
    # 1,000,000 × (5 %/1.06 − 4 %) × 31/365 = 7,169.81 × 31/365 = 608.94
    assert v1["loan_nii"] == D("608.94")


def test_vat_exempt_loan_products_and_net_rates(tmp_path) -> None:
    snap = _bank(tmp_path, vat_exempt_loan_products=["PH"])
    # 普惠小微 exempt: 1,000,000 × (5 % − 4 %) × 31/360 = 861.111…
    assert snap["V2"]["loan_nii"] == D("861.11")
    assert snap["V1"]["loan_nii"] == D("617.40")      # still VAT-inclusive
    net = _bank(tmp_path / "net", loan_interest_vat_inclusive=False)
    assert net["V1"]["loan_nii"] == D("861.11")
