"""The synthetic bank's currencies: seeded USD rates, a USD deposit curve, dollar balances."""

from __future__ import annotations

from decimal import Decimal

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from corptier.periods import Period
from corptier.synth import SynthSummary, bank
from corptier.synth.history import History
from corptier.synth.products import fx_table, usd_rates


def _read(summary: SynthSummary, period: str, table: str):
    return pq.read_table(summary.out / period / f"{table}.parquet")


def test_every_month_has_a_usd_rate_within_the_band(small_bank: SynthSummary) -> None:
    seen = set()
    for period in small_bank.periods:
        rows = _read(small_bank, period, "fx_rates").to_pylist()
        assert [(r["month"], r["currency"]) for r in rows] == [(period, "USD")]
        for r in rows:
            assert Decimal("6.90") <= r["rate_avg"] <= Decimal("7.30")
            assert Decimal("6.90") <= r["rate_end"] <= Decimal("7.30")
            seen.add(r["rate_avg"])
    assert len(seen) == len(small_bank.periods)  # the rate moves from month to month


def test_rates_are_seeded() -> None:
    p = Period("2025-02")
    assert usd_rates(p, 7) == usd_rates(p, 7)
    assert usd_rates(p, 7) != usd_rates(p, 8)
    assert fx_table(p, 7).equals(fx_table(p, 7))


def test_usd_deposit_curve_around_4_5_percent_and_cny_curve_complete(
        small_bank: SynthSummary) -> None:
    ftp = _read(small_bank, small_bank.periods[0], "ftp_rates").to_pylist()
    usd = [r for r in ftp if r["currency"] == "USD"]
    assert {r["product_kind"] for r in usd} == {"deposit_demand", "deposit_time"}
    assert all(Decimal("0.040") < r["rate"] < Decimal("0.050") for r in usd)
    cny_kinds = {r["product_kind"] for r in ftp if r["currency"] == "CNY"}
    assert cny_kinds == {"deposit_demand", "deposit_time", "loan"}


def test_usd_accounts_exist_and_the_period_loads(small_bank: SynthSummary, workspace) -> None:
    from corptier.services import load_period

    period = small_bank.periods[0]
    accounts = _read(small_bank, period, "accounts")
    assert pc.sum(pc.equal(accounts.column("currency"), "USD")).as_py() > 0
    report = load_period(workspace, period, small_bank.out / period)
    assert report.tables["fx_rates"].accepted == 1


def test_usd_balances_are_written_in_dollars(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same month with a rate of 1: each USD balance in yuan is the dollar one × rate."""
    period = Period("2025-01")
    history = History(seed=7, customers=600, start=period, months=1)
    real = bank.block_tables(history, 0, period)
    avg_rate, end_rate = usd_rates(period, 7)
    monkeypatch.setattr(bank, "usd_rates", lambda p, s: (1.0, 1.0))
    yuan = bank.block_tables(history, 0, period)
    usd = set(pc.filter(real["accounts"].column("account_id"),
                        pc.equal(real["accounts"].column("currency"), "USD")).to_pylist())
    assert usd
    checked = 0
    for d, y in zip(real["balances"].to_pylist(), yuan["balances"].to_pylist(), strict=True):
        assert d["account_id"] == y["account_id"]
        if d["account_id"] not in usd:
            assert d == y
            continue
        checked += 1
        assert abs(float(d["avg_daily_balance"]) * avg_rate - float(y["avg_daily_balance"])) \
            <= 0.01 * avg_rate
        assert abs(float(d["month_end_balance"]) * end_rate - float(y["month_end_balance"])) \
            <= 0.01 * end_rate
    assert checked == len(usd & set(real["balances"].column("account_id").to_pylist()))
