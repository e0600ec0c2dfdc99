"""KPIs by tier on a hand-checked book, the provider registry, trends and before/after."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from corptier.evaluation import (
    KPI_PROVIDERS,
    TOTAL,
    KpiContext,
    KpiSpec,
    before_after,
    kpi_trend,
    kpis_by_tier,
    register_kpi_provider,
)

TIERS = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
                      "applied_tier": ["core", "core", "basic"]})
INDICATORS = pd.DataFrame({
    "customer_id": ["c1", "c2", "c3"],
    "dep_avg": [100.0, 200.0, 50.0], "loan_avg": [0.0, 1000.0, 0.0],
    "contribution": [30.0, 10.0, -20.0], "econ_capital": [0.0, 80.0, 0.0],
    "product_coverage": [2, 4, 1],
})
PREVIOUS = pd.DataFrame({"customer_id": ["c1", "c4", "c5", "c3"],
                         "applied_tier": ["core", "core", "basic", "basic"]})


def context(period: str = "2024-05", **kw) -> KpiContext:
    base = dict(period=period, indicators=INDICATORS, tiers=TIERS, previous=PREVIOUS,
                tier_order=("core", "basic"), tax_rate=0.25)
    return KpiContext(**(base | kw))


def test_core_kpis_by_hand() -> None:
    k = kpis_by_tier(context())
    assert list(k.index) == ["core", "basic", TOTAL]
    assert k["customers"].tolist() == [2, 1, 3]
    assert k["deposits"].tolist() == [300, 50, 350]
    assert k["loans"].tolist() == [1000, 0, 1000]
    assert k["contribution"].tolist() == [40, -20, 20]
    assert k["contribution_share"].tolist() == pytest.approx([2.0, -1.0, 1.0])
    # annualised like the customer RAROC: May has 31 days
    assert k.loc["core", "raroc"] == pytest.approx(40 * 0.75 * 365 / (80 * 31))
    assert math.isnan(k.loc["basic", "raroc"])  # no economic capital
    assert k.loc[TOTAL, "raroc"] == pytest.approx(20 * 0.75 * 365 / (80 * 31))
    assert k["product_coverage"].tolist() == pytest.approx([3.0, 1.0, 7 / 3])
    assert k["exit_rate"].tolist() == pytest.approx([0.5, 0.5, 0.5])  # c4, c5 left


def test_before_tiering_only_the_book_row() -> None:
    k = kpis_by_tier(context(tiers=None, previous=None))
    assert list(k.index) == [TOTAL]
    assert k.loc[TOTAL, "customers"] == 3 and math.isnan(k.loc[TOTAL, "exit_rate"])


@pytest.fixture
def satisfaction_provider():
    def compute(ctx: KpiContext) -> pd.DataFrame:
        return pd.DataFrame({"nps": [40.0, 10.0, 30.0]}, index=[*ctx.tier_order, TOTAL])

    register_kpi_provider("satisfaction", [KpiSpec("nps", "NPS", "number")], compute)
    yield
    del KPI_PROVIDERS["satisfaction"]


def test_registered_providers_add_columns(satisfaction_provider) -> None:
    k = kpis_by_tier(context())
    assert k.loc["core", "nps"] == 40.0 and "customers" in k.columns
    with pytest.raises(ValueError, match="already"):
        register_kpi_provider("satisfaction", [], lambda ctx: pd.DataFrame())
    with pytest.raises(ValueError, match="customers"):
        register_kpi_provider("other", [KpiSpec("customers", "x", "count")],
                              lambda ctx: pd.DataFrame())


def test_trend_and_before_after() -> None:
    periods = ["2024-01", "2024-02", "2024-03", "2024-04"]
    contexts = [context(p, indicators=INDICATORS.assign(dep_avg=INDICATORS.dep_avg * (i + 1)))
                for i, p in enumerate(periods)]
    trend = kpi_trend(contexts)
    assert trend["period"].unique().tolist() == periods
    total = trend[trend.tier == TOTAL].set_index("period")["deposits"]
    assert total.tolist() == [350, 700, 1050, 1400]
    ba = before_after(trend, "2024-03", window=2).set_index(["tier", "kpi"])
    row = ba.loc[(TOTAL, "deposits")]
    assert (row.before, row.after, row.change) == (525, 1225, 700)
    assert (row.periods_before, row.periods_after) == (2, 2)
