"""Recognising a missing scalar (None, NaN, pd.NA, NaT) the same way everywhere."""

import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, pd.NA and NaT; False for anything else, including text."""
    if value is None or isinstance(value, str):
        return value is None
    flag = pd.isna(value)  # type: ignore[call-overload]  # pandas-stubs lack the object overload
    return isinstance(flag, bool | np.bool_) and bool(flag)
