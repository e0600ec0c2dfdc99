"""CSV cells that a spreadsheet would run as a formula are written with a leading `'` (OWASP),
and every CSV file starts with the UTF-8 byte order mark, so Excel on a Chinese Windows machine
reads the names as UTF-8 and not as GBK.

A cell starting with `=`, `+`, `-`, `@`, TAB or CR is a formula to Excel and LibreOffice
(`=HYPERLINK(...)`, `-2+3+cmd|' /C calc'!A0`). Every CSV corptier writes passes its text cells
through one of the functions below; a plain number such as `-12.5` or `+3` stays a number.
The same rule is given for Python values, DuckDB SQL, Arrow tables and pandas frames so each
writer applies it where its data already is (no loop over rows in Python).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

CSV_ENCODING = "utf-8-sig"
"""Python's name for UTF-8 written with the byte order mark (and read with or without it)."""
BOM = "\ufeff".encode()

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_START_CLASS = r"[=+\-@\t\r]"
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(NUMBER)


def neutralise(value: Any) -> Any:
    """The value, with `'` in front if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_sql(expr: str) -> str:
    """DuckDB SQL of the same rule for a VARCHAR expression (NULL stays NULL)."""
    return (
        f"CASE WHEN regexp_matches({expr}, '^{_START_CLASS}') "
        f"AND NOT regexp_full_match({expr}, '{NUMBER}') THEN '''' || {expr} ELSE {expr} END"
    )


def neutralise_arrow(table: pa.Table) -> pa.Table:
    """Every string column of an Arrow table with the rule applied; other columns as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = table.column(i)
        risky = pc.and_(
            pc.match_substring_regex(column, f"^{_START_CLASS}"),
            pc.invert(pc.match_substring_regex(column, f"^{NUMBER}$")),
        )
        quoted = pc.binary_join_element_wise(pa.scalar("'", field.type), column, "")
        table = table.set_column(i, field, pc.if_else(risky, quoted, column))
    return table


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a DataFrame with the rule applied to its text cells (numbers stay numbers)."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            text = column.astype("string")
            risky = (
                text.str.match(f"^{_START_CLASS}", na=False)
                & ~text.str.fullmatch(NUMBER, na=False)
            )
            out[name] = column.where(~risky, "'" + text)
    return out
