"""The report's recommendations section (issue #14): the next best products summed by tier
(`recommendations_by_tier`, one engine pass) and the backtest's precision and lift up to the
period (`backtest_recommendations`), stated as measured."""

from __future__ import annotations

from typing import Any

import pandas as pd

from corptier.errors import CorptierError
from corptier.periods import Period
from corptier.services.recommendations import (
    CATEGORY_LABELS,
    backtest_recommendations,
    recommendation_settings,
    recommendations_by_tier,
)
from corptier.workspace import CUSTOMER_INDICATORS, Workspace


def recommendation_sections(ws: Workspace, period: Period) -> dict[str, Any]:
    """{recommendations, reco_backtest} of the report's Relationship: the (tier, category,
    customers, gain, label) frame (None when the period's indicators lack the settings' holdings),
    and the backtest's totals up to `period` (None when no month can be backtested)."""
    try:
        settings = recommendation_settings(ws)
    except CorptierError:
        return {"recommendations": None, "reco_backtest": None}
    wanted = {"status", settings.contribution, *(f"has_{c}" for c in settings.categories)}
    if not _has_columns(ws, period, wanted):
        return {"recommendations": None, "reco_backtest": None}
    frame = recommendations_by_tier(ws, str(period)).to_pandas()
    frame["label"] = [None if pd.isna(c) else CATEGORY_LABELS.get(c, c)
                      for c in frame["category"]]  # tiers × categories: a few rows
    try:
        test = backtest_recommendations(ws, end=str(period))
        backtest = {"top": test.top, "horizon": test.horizon, "months": len(test.months),
                    "recommendations": test.recommendations, "hits": test.hits,
                    "precision": test.precision, "popular_precision": test.popular_precision,
                    "lift": test.lift, "base_rate": test.base_rate}
    except CorptierError:
        backtest = None
    return {"recommendations": frame, "reco_backtest": backtest}


def _has_columns(ws: Workspace, period: Period, wanted: set[str]) -> bool:
    """Whether the period's indicator snapshot has every column the recommendations read."""
    import pyarrow.parquet as pq

    path = ws.partition_file(CUSTOMER_INDICATORS, period)
    return path.is_file() and wanted <= set(pq.read_schema(path).names)
