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
