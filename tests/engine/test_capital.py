"""The Basel IRB corporate formula and the domain's worked loan example."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from engine_banks import STATIC, customer, write_period

from corptier.config import Assumptions, render_config
from corptier.engine import compute_indicators, irb_k, loan_contribution_annual, read_snapshot
from corptier.engine.money import cents, factor
from corptier.periods import Period
from corptier.workspace import Workspace


def test_irb_k_matches_the_basel_risk_weight_table() -> None:
    # BCBS illustrative risk weights, corporate, LGD 45 %, M 2.5:
    # PD 1 % → 92.32 %, PD 0.03 % → 14.44 %
    assert 12.5 * irb_k(0.01, 0.45, 2.5) == pytest.approx(0.9232, abs=5e-5)
    assert 12.5 * irb_k(0.0003, 0.45, 2.5) == pytest.approx(0.1444, abs=5e-5)
    with pytest.raises(ValueError, match="PD"):
        irb_k(0.0, 0.45, 2.5)


def test_worked_loan_example_as_a_formula() -> None:
    # 1亿 at 6.6 %, FTP 4.63 %, 5.5 % tax on interest, credit cost 0.69 % → 91.7万 a year
    assert loan_contribution_annual(1e8, 0.066, 0.0463, 0.055, 0.0069) == pytest.approx(917_000)


def test_worked_loan_example_through_the_engine(tmp_path) -> None:
    """Twelve months of the same loan: loan NII (client rate − FTP − client rate × tax on
    interest) − EL (PD 1.38 % × LGD 50 % = 0.69 % credit cost) adds up to 917,000 a year, up to
    the cent rounding of each month; no other income or cost in this workspace."""
    ws = Workspace.init(tmp_path / "loan", language="en")
    cfg = ws.config.model_copy(deep=True)
    cfg.assumptions.loan_interest_tax_rate = 0.055
    cfg.assumptions.interest_day_basis = {"CNY": 365}      # the example counts days/365
    cfg.assumptions.loan_interest_vat_inclusive = False     # and taxes interest as it was then
    for driver in ("per_customer", "per_account", "per_transaction", "per_loan"):
        setattr(cfg.assumptions.cost_drivers, driver, 0.0)
    (ws.root / "corptier.toml").write_text(render_config(cfg), encoding="utf-8")
    ws = Workspace.open(ws.root)
    months = Period("2026-09").window(12)
    assert sum(p.days for p in months) == 365
    for p in months:
        write_period(
            ws,
            p,
            {
                **STATIC,
                "rating_scale": [{"rating": "W", "rank": 1, "pd": "0.013800", "lgd": "0.500000"}],
                "ftp_rates": [
                    {"month": p, "product_kind": k, "term_bucket": "1Y", "rate": r}
                    for k, r in (
                        ("deposit_demand", "0.01"),
                        ("deposit_time", "0.02"),
                        ("loan", "0.046300"),
                    )
                ],
                "customers": [customer("W1", rating="W")],
                "loans": [
                    {
                        "loan_id": "L1",
                        "customer_id": "W1",
                        "month": p,
                        "product_code": "LN",
                        "start_date": "2025-10-01",
                        "maturity_date": "2026-09-30",
                        "avg_daily_balance": 100_000_000,
                        "balance": 100_000_000,
                        "client_rate": "0.066000",
                        "days_overdue": 0,
                        "classification": "正常",
                    }
                ],
            },
        )
    compute_indicators(ws, "2026-09")
    w1 = read_snapshot(ws, "2026-09").to_pylist()[0]
    expected = D(0)
    for p in months:
        f = factor(D(p.days) / 365)
        nii = cents(D(1_970_000) * f - D(6_600_000) * factor(D("0.055") * p.days / 365))
        expected += nii - cents(D(100_000_000) * factor(D("0.0069") * p.days / 365))
    assert w1["contribution_r12"] == expected
    assert abs(w1["contribution_r12"] - D(917_000)) <= D("0.12")
    assert abs(w1["loan_nii_r12"] - D(1_607_000)) <= D("0.06")  # 1,970,000 − 363,000


def test_pd_floor_is_5_basis_points(tmp_path) -> None:
    """Basel III / the 2023 Chinese capital rules: PD ≥ 0.05 % (a grade of 0.01 % uses 0.05 %)."""
    from engine_banks import ftp_rows, loan, workspace_with

    assert Assumptions().pd_floor == 0.0005
    ws = workspace_with(tmp_path / "floor")
    scale = [{"rating": "AAA", "rank": 1, "pd": "0.000100", "lgd": "0.450000"}]
    write_period(ws, "2026-09", {**STATIC, "rating_scale": scale, "ftp_rates": ftp_rows("2026-09"),
                                 "customers": [customer("F1", rating="AAA")],
                                 "loans": [loan("L1", "F1", "2026-09")]})
    compute_indicators(ws, "2026-09")
    f1 = read_snapshot(ws, "2026-09").to_pylist()[0]
    assert f1["pd"] == 0.0005
    assert f1["expected_loss"] == D("18.49")          # 1,000,000 × 0.0005 × 0.45 × 30/365


def _one_period(ws, customers, loans, scale=None) -> dict:
    from engine_banks import ftp_rows

    write_period(ws, "2026-09", {**STATIC, "rating_scale": scale or STATIC["rating_scale"],
                                 "ftp_rates": ftp_rows("2026-09"), "customers": customers,
                                 "loans": loans})
    compute_indicators(ws, "2026-09")
    return {r["customer_id"]: r for r in read_snapshot(ws, "2026-09").to_pylist()}


def test_sme_adjusted_risk_weight_at_three_revenues(tmp_path) -> None:
    """Chinese 2023 rules: S = revenue in 千万元, R − 0.04 × (1 − (max(S, 3) − 3) / 27) below
    30. PD 1 %, LGD 45 %, M 2.5 (fixed here): R = 0.192784 without adjustment → RW 92.32 % (the
    Basel table). Expected K worked out from CRE31 outside corptier."""
    from engine_banks import loan, workspace_with

    ws = workspace_with(tmp_path / "sme", maturity_from_loans=False)
    scale = [{"rating": "C", "rank": 1, "pd": "0.010000", "lgd": "0.450000"}]
    revenues = {"S1": 20_000_000, "S2": 165_000_000, "S3": 300_000_000, "S4": None}
    snap = _one_period(
        ws, [customer(c, rating="C", annual_revenue=r) for c, r in revenues.items()],
        [loan(f"L{c}", c, "2026-09") for c in revenues], scale)
    # 2千万 → S taken as 3: R = 0.152784, RW 72.39 %, K × 1,000,000 = 57,915.78
    assert snap["S1"]["irb_size_adjustment"] == pytest.approx(-0.04)
    assert snap["S1"]["econ_capital"] == D("57915.78")
    # 1.65亿 → S 16.5: −0.04 × (1 − 13.5/27) = −0.02, R = 0.172784, RW 82.21 %
    assert snap["S2"]["irb_size_adjustment"] == pytest.approx(-0.02)
    assert snap["S2"]["econ_capital"] == D("65765.95")
    # 3亿 → S 30: no adjustment, RW 92.32 %
    assert snap["S3"]["irb_size_adjustment"] == 0.0
    assert snap["S3"]["econ_capital"] == D("73853.44")
    # revenue missing: no adjustment, recorded as null
    assert snap["S4"]["irb_size_adjustment"] is None
    assert snap["S4"]["econ_capital"] == D("73853.44")


def test_basel_sme_scale_as_configuration(tmp_path) -> None:
    """Basel CRE31.10: S in EUR million between 5 and 50 (here 1 EUR = 8 yuan): sales of
    EUR 27.5 m (220,000,000 yuan) → −0.04 × (1 − 22.5/45) = −0.02, as S2 above."""
    from engine_banks import loan, workspace_with

    ws = workspace_with(tmp_path / "basel", maturity_from_loans=False,
                        sme_revenue_unit=8_000_000.0, sme_revenue_floor=5.0,
                        sme_revenue_cap=50.0)
    scale = [{"rating": "C", "rank": 1, "pd": "0.010000", "lgd": "0.450000"}]
    snap = _one_period(ws, [customer("E1", rating="C", annual_revenue=220_000_000)],
                       [loan("L1", "E1", "2026-09")], scale)
    assert snap["E1"]["irb_size_adjustment"] == pytest.approx(-0.02)
    assert snap["E1"]["econ_capital"] == D("65765.95")


def test_effective_maturity_from_the_loans(tmp_path) -> None:
    """M = Σ avg × remaining days / Σ avg / 365 at period end (2026-09-30), clamped to 1–5
    years. PD 1 %, LGD 50 % (grade A); K(M) worked out from CRE31 outside corptier."""
    from engine_banks import loan, workspace_with

    ws = workspace_with(tmp_path / "mat")
    customers = [customer(c, rating="A") for c in ("M1", "M2", "M3", "M4")]
    loans = [
        loan("L1", "M1", "2026-09", maturity_date="2029-09-30"),            # 1,096 days
        loan("L2a", "M2", "2026-09", maturity_date="2027-09-30"),           # 365 days
        loan("L2b", "M2", "2026-09", maturity_date="2029-09-30"),           # 1,096 days
        loan("L3", "M3", "2026-09", maturity_date="2026-12-31"),            # 92 days → 1 y
        loan("L4", "M4", "2026-09", start_date="2026-01-01", maturity_date="2036-01-01"),
    ]
    snap = _one_period(ws, customers, loans)
    m = {c: snap[c]["effective_maturity"] for c in snap}
    assert m["M1"] == pytest.approx(1096 / 365)
    assert m["M2"] == pytest.approx(730.5 / 365)                # (365 + 1,096) / 2 days
    assert (m["M3"], m["M4"]) == (1.0, 5.0)
    assert snap["M1"]["econ_capital"] == D("87731.30")         # K(3.0027) = 0.0877313
    assert snap["M2"]["econ_capital"] == D("152867.64")        # 2,000,000 × K(2.0014)
    assert snap["M3"]["econ_capital"] == D("65136.34")         # K(1) = 0.0651363
    assert snap["M4"]["econ_capital"] == D("110264.45")        # K(5) = 0.1102644


def test_configured_maturity_when_off_or_without_loans(tmp_path) -> None:
    from engine_banks import loan, workspace_with

    ws = workspace_with(tmp_path / "fixed", maturity_from_loans=False, maturity_years=1.0)
    snap = _one_period(ws, [customer("M1", rating="A"), customer("M0", rating="A")],
                       [loan("L1", "M1", "2026-09", maturity_date="2029-09-30")])
    assert snap["M1"]["effective_maturity"] == 1.0
    assert snap["M1"]["econ_capital"] == D("65136.34")
    assert snap["M0"]["effective_maturity"] == 1.0 and snap["M0"]["econ_capital"] == D("0.00")
