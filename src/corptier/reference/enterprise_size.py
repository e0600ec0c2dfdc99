"""Enterprise size (大中小微型企业划型) by a versioned table, e.g. NBS 2017 (国统字〔2017〕213号).

Large, medium and small must meet every listed lower bound of their class, otherwise the firm
drops one class; a firm below small on any indicator is micro. Industries outside the table, codes
too coarse to pick a row, and missing or negative indicators give 'unclassified' with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from corptier.reference._missing import is_missing
from corptier.reference.errors import ReferenceDataError
from corptier.reference.industry import normalise_industry_code, section_by_letter
from corptier.reference.size_standard import (
    DEFAULT_STANDARD,
    INDICATOR_COLUMNS,
    SIZE_CATEGORIES,
    SIZES,
    UNCLASSIFIED,
    SizeRow,
    SizeTable,
    size_table,
)


@dataclass(frozen=True)
class SizeResult:
    """Size of one firm with the standard used, the reason and the table row it fell in."""

    size: str
    standard: str
    reason: str
    industry_key: str | None = None


def classify_enterprise_size(
    industry_code: object,
    employees: float | None = None,
    revenue_wan: float | None = None,
    assets_wan: float | None = None,
    standard: str = DEFAULT_STANDARD,
) -> SizeResult:
    """Size class of one firm (employees in 人, revenue and assets in 万元)."""
    row_index, why = _resolve(standard, industry_code)
    if row_index < 0:
        return SizeResult(UNCLASSIFIED, standard, why)
    values = {"employees": employees, "revenue": revenue_wan, "assets": assets_wan}
    size, reason = _classify_values(standard, row_index, values)
    return SizeResult(size, standard, reason, size_table(standard).rows[row_index].industry_key)


def classify_enterprise_size_frame(
    df: pd.DataFrame, standard: str = DEFAULT_STANDARD
) -> pd.DataFrame:
    """Vectorised `classify_enterprise_size` over columns industry_code, employees, revenue_wan,
    assets_wan; returns categorical columns size, reason, industry_key on the same index."""
    _require_columns(df)
    codes, uniques = pd.factorize(df["industry_code"])
    resolved = [_resolve(standard, code) for code in uniques] + [_resolve(standard, None)]
    reasons: dict[str, int] = {}  # reason text -> category code
    row_index = np.array([r for r, _ in resolved], dtype=np.int64)[codes]
    reason = np.array([_intern(reasons, why) if r < 0 else -1 for r, why in resolved])[codes]
    level = np.full(len(df), SIZE_CATEGORIES.index(UNCLASSIFIED), dtype=np.int8)
    values = {name: _numeric(df[column]) for name, column in INDICATOR_COLUMNS.items()}
    for r in np.unique(row_index[row_index >= 0]):
        at = np.flatnonzero(row_index == r)
        block = {name: column[at] for name, column in values.items()}
        level[at], reason[at] = _classify_block(standard, int(r), block, reasons)
    keys = [row.industry_key for row in size_table(standard).rows]
    columns = {
        "size": pd.Categorical.from_codes(level, pd.Index(SIZE_CATEGORIES)),
        "reason": pd.Categorical.from_codes(reason, pd.Index(list(reasons))),
        "industry_key": pd.Categorical.from_codes(row_index, pd.Index(keys)),
    }
    return pd.DataFrame(columns, index=df.index)


@lru_cache(maxsize=65_536)
def _resolve(standard: str, code: object) -> tuple[int, str]:
    """Row index for an industry code, or (-1, why the code gets no size)."""
    table = size_table(standard)
    if is_missing(code):
        return -1, "industry code is missing; not classified"
    try:
        canonical = normalise_industry_code(code)
    except ReferenceDataError as exc:
        return -1, f"{exc}; not classified"
    owners = table.owners(canonical)
    if owners.size == 1 and owners[0] >= 0:
        return int(owners[0]), ""
    return -1, _unmatched_reason(table, canonical, owners)


def _unmatched_reason(table: SizeTable, canonical: str, owners: NDArray[np.int64]) -> str:
    """Why a code has no single row: outside the table, or spanning several rows."""
    standard = table.standard.standard_id
    if (owners < 0).all():
        name = section_by_letter(canonical[0]).name_zh
        return f"industry {canonical} ({name}) is outside the {standard} size table; not classified"
    parts = [table.rows[i].industry_key for i in owners if i >= 0]
    parts += ["industries outside the table"] if (owners < 0).any() else []
    return (
        f"industry code {canonical} is too coarse for the {standard} size table: it spans "
        f"{', '.join(parts)}; give the 4-digit class; not classified"
    )


def _classify_values(
    standard: str, row_index: int, values: Mapping[str, float | None]
) -> tuple[str, str]:
    """Size and reason for one firm's indicator values in a known table row."""
    row = size_table(standard).rows[row_index]
    needed = tuple(b.indicator for b in row.bounds)
    missing = tuple(name for name in needed if is_missing(values[name]))
    if missing:
        return UNCLASSIFIED, _flag_reason(standard, row_index, missing, "missing")
    given = {name: value for name in needed if (value := values[name]) is not None}
    negative = tuple(name for name in needed if given[name] < 0)
    if negative:
        return UNCLASSIFIED, _flag_reason(standard, row_index, negative, "negative")
    size = next(
        (s for s in SIZES[:3] if all(given[b.indicator] >= b.minimum(s) for b in row.bounds)),
        "micro",
    )
    return size, _size_reason(standard, row_index, size)


def _classify_block(
    standard: str,
    row_index: int,
    values: dict[str, NDArray[np.float64]],
    reasons: dict[str, int],
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """Size levels and reason codes for many firms in one row (numpy `_classify_values`)."""
    row = size_table(standard).rows[row_index]
    columns = [values[b.indicator] for b in row.bounds]
    meets = [
        np.logical_and.reduce([c >= b.minimum(s) for c, b in zip(columns, row.bounds, strict=True)])
        for s in SIZES[:3]
    ]
    level = np.select(meets, [0, 1, 2], default=3).astype(np.int8)
    size_reasons = [_intern(reasons, _size_reason(standard, row_index, s)) for s in SIZES]
    reason = np.array(size_reasons, dtype=np.int64)[level]
    for flag, test in (("negative", lambda c: c < 0), ("missing", np.isnan)):
        flags = [test(c) for c in columns]
        _apply_flags(standard, row_index, flags, flag, reasons, level, reason)
    return level, reason


def _apply_flags(
    standard: str,
    row_index: int,
    flags: list[NDArray[np.bool_]],
    flag: str,
    reasons: dict[str, int],
    level: NDArray[np.int8],
    reason: NDArray[np.int64],
) -> None:
    """Mark firms with a flagged indicator as unclassified, naming the flagged indicators."""
    names = [b.indicator for b in size_table(standard).rows[row_index].bounds]
    pattern = np.zeros(level.shape, dtype=np.int64)
    for j, f in enumerate(flags):
        pattern += f.astype(np.int64) << j
    for bits in np.unique(pattern[pattern > 0]):
        at = pattern == bits
        flagged = tuple(n for j, n in enumerate(names) if bits >> j & 1)
        level[at] = SIZE_CATEGORIES.index(UNCLASSIFIED)
        reason[at] = _intern(reasons, _flag_reason(standard, row_index, flagged, flag))


def _intern(catalogue: dict[str, int], text: str) -> int:
    """Category code of `text`, adding it to the catalogue when new."""
    return catalogue.setdefault(text, len(catalogue))


@lru_cache(maxsize=1024)
def _size_reason(standard: str, row_index: int, size: str) -> str:
    """Why a firm in this row is of this size, quoting the bounds that decided it."""
    row = size_table(standard).rows[row_index]
    if size == "micro":
        return f"{_label(row)}: below at least one small lower bound ({_bounds(row, 'small')})"
    text = f"{_label(row)}: meets all {size} lower bounds ({_bounds(row, size)})"
    if size == "large":
        return text
    higher = SIZES[SIZES.index(size) - 1]
    return f"{text} but not all {higher} bounds ({_bounds(row, higher)})"


@lru_cache(maxsize=1024)
def _flag_reason(standard: str, row_index: int, indicators: tuple[str, ...], flag: str) -> str:
    """Why a firm gets no size: needed indicators missing or negative."""
    row = size_table(standard).rows[row_index]
    return f"{_label(row)}: {', '.join(indicators)} {flag}, needed by {standard}; not classified"


def _label(row: SizeRow) -> str:
    """Row named for people, e.g. 'industry (工业, B(06-12)+C(13-43)+D(44-46))'."""
    return f"{row.industry_key} ({row.name_zh}, {row.scope})"


def _bounds(row: SizeRow, size: str) -> str:
    """All bounds of a size class as text."""
    return ", ".join(b.describe(size) for b in row.bounds)


def _numeric(column: pd.Series) -> NDArray[np.float64]:
    """Column as float64 with NaN for missing values."""
    return pd.to_numeric(column).to_numpy(dtype=float, na_value=np.nan)


def _require_columns(df: pd.DataFrame) -> None:
    """ReferenceDataError naming any input column the frame lacks."""
    needed = ("industry_code", *INDICATOR_COLUMNS.values())
    absent = [c for c in needed if c not in df.columns]
    if absent:
        raise ReferenceDataError(f"the frame lacks column(s) {', '.join(absent)}")
