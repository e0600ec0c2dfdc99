"""Breakdowns of a period's tiering by sub-branch, relationship manager, industry section and
enterprise size, as Ibis expressions the engine runs (no customer row reaches Python).

`tier_book` joins the published tiers with the indicator snapshot (money and the register
columns the snapshot carries: name, sub-branch, RM, industry section, enterprise size);
`breakdown` groups it by one dimension and tier: customers, contribution, economic capital,
customers destroying value and the value they lose, upgrades, downgrades and new customers;
`exits` counts, per group of the previous period, its customers and those gone this period.
`summarise` (pandas, on those small results) makes one row per group: tier mix, RAROC, exit
rate with its denominator, and keeps the top N by contribution with the rest as "others".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

DIMENSIONS = ("sub_branch", "rm_id", "industry_section", "enterprise_size")
REGISTER_COLUMNS = ("name", *DIMENSIONS)
UNKNOWN = "(unknown)"
OTHERS = "(others)"
MEASURES = ("customers", "contribution", "econ_capital", "destroying", "value_lost",
            "upgraded", "downgraded", "new")


def tier_book(tiers: ir.Table, indicators: ir.Table) -> ir.Table:
    """One row per published customer: tier and movement, contribution and capital (float),
    and the register's name and dimensions (UNKNOWN where the snapshot has no value)."""
    t = tiers.select("customer_id", "applied_tier", "migration")
    have = set(indicators.columns)
    snapshot = indicators.select(
        "customer_id",
        contribution=indicators.contribution.cast("float64"),
        econ_capital=indicators.econ_capital.cast("float64"),
        **{c: (indicators[c].cast("string") if c in have else ibis.null("string"))
           for c in REGISTER_COLUMNS},
    )
    joined = t.left_join(snapshot, "customer_id")
    return joined.select(
        "customer_id", "applied_tier", "migration", "contribution", "econ_capital", "name",
        *[ibis.coalesce(joined[d].nullif(""), ibis.literal(UNKNOWN)).name(d)
          for d in DIMENSIONS])


def breakdown(book: ir.Table, dimension: str) -> ir.Table:
    """Per (group, tier): the MEASURES of the customers of the group in that tier."""
    c = book.contribution
    return book.group_by([book[dimension].name("group"), book.applied_tier.name("tier")]).aggregate(
        customers=book.count(),
        contribution=c.sum(),
        econ_capital=book.econ_capital.sum(),
        destroying=(c < 0).sum(),
        value_lost=ibis.cases((c < 0, -c), else_=0.0).sum(),
        upgraded=(book.migration == "up").sum(),
        downgraded=(book.migration == "down").sum(),
        new=(book.migration == "new").sum(),
    )


def exits(previous: ir.Table, current: ir.Table, dimension: str) -> ir.Table:
    """Per group of the previous period: its customers and those absent from `current`."""
    now = current.select(present_id="customer_id")
    joined = previous.left_join(now, previous.customer_id == now.present_id)
    return joined.group_by(joined[dimension].name("group")).aggregate(
        previous_customers=joined.count(),
        exited=joined.present_id.isnull().sum(),
    )


def value_destroyers(book: ir.Table) -> ir.Table:
    """Customers with negative contribution, the largest loss first."""
    return book.filter(book.contribution < 0).order_by([book.contribution, book.customer_id])


def summarise(
    by_tier: pd.DataFrame,
    exited: pd.DataFrame,
    tier_order: Sequence[str],
    *,
    tax_rate: float,
    days: int,
    top_n: int | None = None,
) -> pd.DataFrame:
    """One row per group (largest contribution first): customers, one column per tier with
    its customers, contribution, RAROC, destroying customers and value lost, upgrades,
    downgrades, previous customers, exits and the exit rate. With `top_n`, the groups after
    the first `top_n` are summed into one OTHERS row."""
    if by_tier.empty:
        wide = pd.DataFrame(columns=["group", *MEASURES, *tier_order])
    else:
        sums = by_tier.groupby("group")[list(MEASURES)].sum()
        mix = by_tier.pivot_table(index="group", columns="tier", values="customers",
                                  aggfunc="sum", fill_value=0)
        wide = sums.join(mix.reindex(columns=list(tier_order), fill_value=0)).reset_index()
    wide = wide.merge(exited, on="group", how="outer").fillna(
        {m: 0 for m in (*MEASURES, *tier_order, "previous_customers", "exited")})
    wide = wide.sort_values(["contribution", "group"], ascending=[False, True], ignore_index=True)
    if top_n is not None:
        wide = top_groups(wide, top_n)
    return with_rates(wide, tax_rate, days)


def top_groups(wide: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The first `top_n` groups and one OTHERS row summing the rest (before the rates are
    computed, so the others' rates come from their sums); the frame as it is when at most one
    group would be left over."""
    if len(wide) <= top_n + 1:
        return wide
    rest = wide.iloc[top_n:].drop(columns="group").sum(numeric_only=True)
    return pd.concat([wide.iloc[:top_n], pd.DataFrame([{"group": OTHERS, **rest}])],
                     ignore_index=True)


def with_rates(wide: pd.DataFrame, tax_rate: float, days: int) -> pd.DataFrame:
    """RAROC (annualised like a customer's) and the exit rate from a frame's sums."""
    wide = wide.copy()
    capital = wide["econ_capital"].astype(float)
    wide["raroc"] = (wide["contribution"].astype(float) * (1 - tax_rate) * 365
                     / (capital * days)).where(capital > 0, math.nan)
    prev = wide["previous_customers"].astype(float)
    wide["exit_rate"] = (wide["exited"].astype(float) / prev).where(prev > 0, math.nan)
    return wide
