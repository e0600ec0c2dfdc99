"""The formula rule of every CSV corptier writes: text a spreadsheet would run gets a `'`."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from corptier.csv_safety import neutralise, neutralise_arrow, neutralise_frame, neutralise_sql

CASES = [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-C005", "'-C005"),
    ("-", "'-"),
    ("-12.5", "-12.5"),
    ("+3", "+3"),
    ("-1e-5", "-1e-5"),
    ("-.5", "-.5"),
    ("core", "core"),
    ("a=b", "a=b"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_python_value(value, expected):
    assert neutralise(value) == expected


def test_non_text_values_are_unchanged():
    assert neutralise(-12.5) == -12.5 and neutralise(None) is None and neutralise(-3) == -3


def test_sql_arrow_and_pandas_agree_with_python():
    values = [v for v, _ in CASES] + [None]
    expected = [e for _, e in CASES] + [None]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    sql = [r[0] for r in con.sql(f"SELECT {neutralise_sql('v')} FROM t ORDER BY i").fetchall()]
    assert sql == expected
    table = neutralise_arrow(pa.table({"v": values, "n": list(range(len(values)))}))
    assert table.column("v").to_pylist() == expected
    assert table.column("n").to_pylist() == list(range(len(values)))
    frame = neutralise_frame(pd.DataFrame({"v": values, "x": [-1.5] * len(values)}))
    assert [None if pd.isna(v) else v for v in frame["v"]] == expected
    assert frame["x"].tolist() == [-1.5] * len(values)
