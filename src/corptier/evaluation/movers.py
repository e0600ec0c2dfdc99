"""Which indicator moved a customer: points each indicator adds to the total score, and the
indicator behind a change of tier between two scorings (the pure part of a standard compare)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from corptier.tiering.score_columns import dimension_column, points_column
from corptier.tiering.standard import Standard


def indicator_score_points(frame: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Points each indicator adds to the total score (0–100 over all indicators), by customer.

    An indicator's points are weighted by its weight in its dimension and the dimension's weight
    in the total, both re-normalised over what was scored (as `scoring` does for `exclude`); an
    indicator used in two dimensions adds both parts. Index customer id, one column per name.
    """
    dim_weights = pd.DataFrame({
        code: frame[dimension_column(code)].notna() * dim.weight
        for code, dim in standard.dimensions.items()
    })
    dim_share = dim_weights.div(dim_weights.sum(axis=1).where(lambda s: s > 0), axis=0)
    out: dict[str, Any] = {}
    for code, dim in standard.dimensions.items():
        points = pd.DataFrame({name: frame[points_column(code, name)].astype(float)
                               for name in dim.indicators})
        weights = pd.DataFrame({name: points[name].notna() * spec.weight
                                for name, spec in dim.indicators.items()})
        share = weights.div(weights.sum(axis=1).where(lambda s: s > 0), axis=0)
        part = (points * share).mul(dim_share[code], axis=0)
        for name in dim.indicators:
            out[name] = part[name] if name not in out else out[name].add(part[name],
                                                                         fill_value=0)
    result = pd.DataFrame(out)
    result.index = frame["customer_id"].to_numpy()
    return result


