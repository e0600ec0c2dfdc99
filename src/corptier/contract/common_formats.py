"""Common ways of writing values that the default contract accepts as they are.

Core-banking exports write dates `YYYYMMDD` or `YYYY/MM/DD`, amounts with thousands
separators, digits in full width (１２３), and the yuan as `人民币`, `RMB` or `156`. Each
value is rewritten into the contract's form inside the engine (one SQL expression per column,
no Python per row) before it is checked; the quarantine still shows the value as it was.
"""

from __future__ import annotations

from corptier.contract.readers import quote_str as qs
from corptier.contract.schema import Column

FULL_WIDTH = "０１２３４５６７８９．，－＋／："
HALF_WIDTH = "0123456789.,-+/:"
GROUPED_NUMBER = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
NUMERIC = ("int", "money", "rate")
GROUPED = ("int", "money")


def half_width_sql(value: str) -> str:
    """Full-width digits and signs as their ASCII forms."""
    return f"translate({value}, {qs(FULL_WIDTH)}, {qs(HALF_WIDTH)})"


def ungrouped_sql(value: str) -> str:
    """`1,234,567.89` as `1234567.89`; a comma anywhere else is left for the check to reject."""
    return (
        f"CASE WHEN strpos({value}, ',') > 0 AND regexp_full_match({value}, "
        f"{qs(GROUPED_NUMBER)}) THEN replace({value}, ',', '') ELSE {value} END"
    )


def iso_date_sql(value: str) -> str:
    """`20260905` and `2026/09/05` as `2026-09-05` (anything else unchanged)."""
    return (
        f"CASE WHEN length({value}) = 8 AND regexp_full_match({value}, '[0-9]{{8}}') "
        f"THEN {value}[1:4] || '-' || {value}[5:6] || '-' || {value}[7:8] "
        f"WHEN length({value}) = 10 AND {value}[5] = '/' AND {value}[8] = '/' "
        f"THEN replace({value}, '/', '-') ELSE {value} END"
    )


def iso_month_sql(value: str) -> str:
    """`202609` and `2026/09` as `2026-09` (anything else unchanged)."""
    return (
        f"CASE WHEN length({value}) = 6 AND regexp_full_match({value}, '[0-9]{{6}}') "
        f"THEN {value}[1:4] || '-' || {value}[5:6] "
        f"WHEN length({value}) = 7 AND {value}[5] = '/' THEN replace({value}, '/', '-') "
        f"ELSE {value} END"
    )


def alias_sql(column: Column, value: str) -> str:
    """The contract's code for a value written another accepted way (人民币 → CNY)."""
    if not column.aliases:
        return value
    branches = " ".join(f"WHEN {qs(a)} THEN {qs(code)}" for a, code in column.aliases)
    return f"CASE {value} {branches} ELSE {value} END"


def normalised_sql(column: Column, value: str) -> str:
    """The value of `column` in the contract's form, from its trimmed text `value`."""
    dtype = column.dtype
    if dtype in NUMERIC:
        half = half_width_sql(value)
        return ungrouped_sql(half) if dtype in GROUPED else half
    if dtype == "date":
        return iso_date_sql(half_width_sql(value))
    if dtype == "month":
        return iso_month_sql(half_width_sql(value))
    if column.pattern is not None and column.aliases:
        return alias_sql(column, half_width_sql(value))
    if column.pattern is not None:
        return half_width_sql(value)
    return alias_sql(column, value)
