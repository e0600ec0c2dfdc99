"""Coercion of the evaluation functions' inputs: tier assignments and numeric arrays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from corptier.errors import ContractError

TierInput = pd.Series | pd.DataFrame


def tier_series(tiers: TierInput, tier_column: str = "applied_tier") -> pd.Series:
    """One tier code per customer, indexed by customer id.

    A Series is taken as it is (index = customer id); a DataFrame must have `customer_id` and
    `tier_column`. Customers without a tier (null) are dropped: they are not in the book.
    """
    if isinstance(tiers, pd.DataFrame):
        missing = {"customer_id", tier_column} - set(tiers.columns)
        if missing:
            raise ContractError(
                f"tier table lacks column(s) {sorted(missing)}; it has {list(tiers.columns)}"
            )
        series = tiers.set_index("customer_id")[tier_column]
    elif isinstance(tiers, pd.Series):
        series = tiers
    else:
        raise ContractError(f"expected a pandas Series or DataFrame of tiers, got {type(tiers)}")
    series = series.dropna().astype(str)
    if not series.index.is_unique:
        dup = series.index[series.index.duplicated()][:3].tolist()
        raise ContractError(f"customer ids appear more than once in a tier table, e.g. {dup}")
    return series


def check_known_tiers(series: pd.Series, tier_order: Sequence[str], what: str) -> None:
    """Raise a clear error when a tier code is not in the given order."""
    unknown = sorted(set(series.unique()) - set(tier_order))
    if unknown:
        raise ContractError(
            f"{what} has tier code(s) {unknown} that are not in the tier order {list(tier_order)}"
        )


def check_tier_order(tier_order: Iterable[str]) -> tuple[str, ...]:
    order = tuple(str(t) for t in tier_order)
    if len(order) < 1 or len(set(order)) != len(order):
        raise ValueError(f"The 'tier_order' must list distinct tier codes; got {list(order)}")
    return order


def numeric_array(values: object, name: str) -> NDArray[np.float64]:
    """A 1-D float array without NaN (nulls are dropped); Decimal money becomes float."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    if series.dtype == object:
        series = pd.to_numeric(series, errors="coerce")
    arr = series.to_numpy(dtype=float, na_value=np.nan)
    if arr.ndim != 1:
        raise ValueError(f"The {name!r} parameter must be one-dimensional")
    present: NDArray[np.float64] = arr[~np.isnan(arr)]
    return present
