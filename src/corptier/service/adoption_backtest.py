"""The recommendations' backtest as one Ibis expression over the loaded history.

For every month t: the next best products made at t (from the data of t only) against the
categories each customer adopted in t+1 … t+H (not held at t, held at any month of the window);
precision@top of the recommendations and of the baseline that recommends, to every customer,
the categories it does not hold that most customers of the book hold (as many as the model
recommends it), and the base rate (the share of all (customer, category not held) pairs that
were adopted: the precision of a random pick).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from corptier.service.product_gap import (
    candidates,
    holdings,
    next_best,
    peer_table,
    popular_choice,
)
from corptier.service.recommendation_settings import RecommendationSettings


def period_index(period: ir.StringValue) -> ir.IntegerValue:
    """`YYYY-MM` as a month number (year × 12 + month − 1), for windows over months."""
    index: ir.IntegerValue = (period.substr(0, 4).cast("int64") * 12
                              + period.substr(5, 2).cast("int64") - 1)
    return index


def adoptions(indicators: ir.Table, categories: Sequence[str], horizon: int) -> ir.Table:
    """(customer_id, period, category, adopted): adopted is 1 when the customer holds the
    category in any month t+1 … t+`horizon` of `indicators` (every status), else 0."""
    parts = [indicators.select(customer_id=indicators.customer_id.cast("string"),
                               period=indicators.period.cast("string"),
                               category=ibis.literal(c, "string"),
                               held=(indicators[f"has_{c}"] > 0).ifelse(1, 0).cast("int64"))
             for c in categories]
    long = ibis.union(*parts, distinct=False)
    long = long.mutate(_month=period_index(long.period))
    window = ibis.window(group_by=[long.customer_id, long.category], order_by=long._month,
                         range=(1, horizon))
    adopted = long.held.max().over(window).coalesce(0).cast("int64")
    return long.mutate(adopted=adopted).drop("held", "_month")


def _scored(picks: ir.Table, adopted: ir.Table, prefix: str) -> ir.Table:
    a = adopted.rename(_ac="customer_id", _ap="period", _ak="category")
    t = picks.select("customer_id", "period", "category")
    t = t.left_join(a, [t.customer_id == a._ac, t.period == a._ap, t.category == a._ak])
    hit = t.adopted.coalesce(0)
    return t.group_by("period").aggregate(**{
        f"{prefix}recommendations": t.count().cast("int64"),
        f"{prefix}hits": hit.sum().cast("int64"),
        f"{prefix}customers": t.customer_id.nunique().cast("int64"),
    })


def backtest_table(frame: ir.Table, history: ir.Table,
                   settings: RecommendationSettings) -> ir.Table:
    """One row per month t of `frame` (customer frames of the months evaluated, see
    `customer_frame`): customers, recommendations and hits of the model (`model_…`) and of the
    popularity baseline (`popular_…`), and the pairs and adoptions of the base rate.
    `history` is the indicator snapshots of those months and the `horizon_months` after."""
    long = holdings(frame, settings.categories)
    picks = next_best(candidates(peer_table(long, settings), settings), settings.top)
    counts = picks.group_by(["customer_id", "period"]).aggregate(k=picks.count())
    baseline = popular_choice(long, counts)
    adopted = adoptions(history, settings.categories, settings.horizon_months)
    model = _scored(picks, adopted, "model_")
    popular = _scored(baseline, adopted, "popular_").rename(_pp="period")
    pairs = long.filter(long.held == 0).select("customer_id", "period", "category")
    base = _scored(pairs, adopted, "open_").rename(_bp="period")
    books = frame.group_by("period").aggregate(customers=frame.count().cast("int64"))
    out = books.left_join(model, books.period == model.period).drop("period_right")
    out = out.left_join(popular, out.period == popular._pp).drop("_pp")
    out = out.left_join(base, out.period == base._bp).drop("_bp")
    return out.select(
        "period", "customers",
        model_customers=out.model_customers.coalesce(0),
        model_recommendations=out.model_recommendations.coalesce(0),
        model_hits=out.model_hits.coalesce(0),
        popular_recommendations=out.popular_recommendations.coalesce(0),
        popular_hits=out.popular_hits.coalesce(0),
        open_pairs=out.open_recommendations.coalesce(0),
        open_adopted=out.open_hits.coalesce(0),
    ).order_by("period")
