"""The sums behind the core KPIs of a period, as Ibis expressions the engine runs.

`tier_sums` groups a period's customers by applied tier (one `all` group before tiering):
customers, Σ deposits, Σ loans, Σ contribution, Σ economic capital and the sum and count of
product coverage. `exit_counts` groups the previous period's customers by their tier: how many
there were and how many are gone now. `corptier.evaluation.kpis.core_kpis` turns these few rows
into the KPIs exactly as it does from the customer frames.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.evaluation.kpis import TOTAL

MONEY = {"deposits": "dep_avg", "loans": "loan_avg", "contribution": "contribution",
         "econ_capital": "econ_capital"}


def tier_sums(indicators: ir.Table, tiers: ir.Table | None) -> ir.Table:
    """Per tier (`all` when `tiers` is None): customers and the sums of the core KPIs."""
    have = set(indicators.columns)
    values = indicators.select(
        "customer_id",
        **{name: (indicators[col].cast("float64") if col in have else ibis.null("float64"))
           for name, col in MONEY.items()},
        coverage=(indicators.product_coverage.cast("float64") if "product_coverage" in have
                  else ibis.null("float64")),
    )
    if tiers is None:
        base = values.mutate(tier=ibis.literal(TOTAL))
    else:
        base = tiers.select("customer_id", tier=tiers.applied_tier).left_join(
            values, "customer_id")
    return base.group_by("tier").aggregate(
        customers=base.count(),
        **{name: base[name].sum() for name in MONEY},
        coverage_sum=base.coverage.sum(),
        coverage_n=base.coverage.count(),
    )


def exit_counts(previous: ir.Table, current: ir.Table) -> ir.Table:
    """Per tier of the previous period (`all` when it was not tiered): its customers and those
    absent from `current` (any table with customer_id)."""
    now = current.select(present_id="customer_id").distinct()
    tier = (previous.applied_tier if "applied_tier" in previous.columns
            else ibis.literal(TOTAL))
    prev = previous.select("customer_id", tier=tier)
    joined = prev.left_join(now, prev.customer_id == now.present_id)
    return joined.group_by("tier").aggregate(
        previous_customers=joined.count(),
        exited=joined.present_id.isnull().sum(),
    )
