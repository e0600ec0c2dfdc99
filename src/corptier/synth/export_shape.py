"""The synthetic bank in the shape of a bank's own exports, as a mapping profile describes them.

    shape_period(Path("canonical/2026-09"), Path("out/2026-09"), profile, "2026-09")

Each contract table (Parquet) is written as the profile's CSV: its file name (the `*` of the
pattern becomes the month-end date, e.g. 对公客户信息_20260930.csv), its headers, its codes, its
units (万元 with six decimals, so nothing is rounded), date formats, thousands separators and
encoding (GBK). One DuckDB statement per table: nothing runs per row in Python.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import duckdb

from corptier.contract.profile import Formats, Profile
from corptier.contract.readers import quote_ident as qi
from corptier.contract.readers import quote_str as qs
from corptier.contract.schema import TABLES, Column, TableSpec
from corptier.errors import ParameterError
from corptier.periods import Period

SCALES = {"money": 2, "rate": 6}
_CHUNK = 1 << 22


def shape_period(source: Path, target: Path, profile: Profile, period: str) -> dict[str, Path]:
    """Write every table of the canonical period folder `source` into `target` as the profile's
    export files; return the file written for each table."""
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2})
    try:
        return {name: _write_table(con, spec, source, target, profile, period)
                for name, spec in TABLES.items()}
    finally:
        con.close()


def file_name(profile: Profile, table: str, period: str) -> str:
    """The export's file name of a table in a period (the pattern's `*` is the month end)."""
    pattern = profile.table(table).file or f"{table}.csv"
    if any(c in pattern for c in "?[]") or not pattern.lower().endswith(".csv"):
        raise ParameterError(
            f"profile {profile.name}: tables.{table}.file '{pattern}' cannot be written by the "
            "synthetic bank (it writes .csv files whose pattern has at most '*' in it)")
    return pattern.replace("*", Period(period).month_end.strftime("%Y%m%d"))


def _write_table(con: duckdb.DuckDBPyConnection, spec: TableSpec, source: Path, target: Path,
                 profile: Profile, period: str) -> Path:
    fmt = profile.formats_of(spec.name)
    headers = profile.table(spec.name).columns
    select = ", ".join(
        f"{_value_sql(spec, c, profile, fmt)} AS {qi(headers.get(c.name, c.name))}"
        for c in spec.columns)
    path = target / file_name(profile, spec.name, period)
    utf8 = path.with_name(f".{path.name}.utf8")
    parquet = qs(str(source / f"{spec.name}.parquet"))
    con.execute(
        f"COPY (SELECT {select} FROM read_parquet({parquet})) TO {qs(str(utf8))} "
        f"(FORMAT csv, HEADER true, DELIMITER {qs(fmt.delimiter or ',')}, QUOTE '\"')")
    _encode(utf8, path, str(fmt.encoding))
    return path


def _value_sql(spec: TableSpec, column: Column, profile: Profile, fmt: Formats) -> str:
    v = qi(column.name)
    codes = profile.table(spec.name).codes.get(column.name)
    if codes:
        back: dict[str, str] = {}
        for written, code in codes.items():
            back.setdefault(code, written)
        branches = " ".join(f"WHEN {qs(c)} THEN {qs(w)}" for c, w in back.items())
        return f"CASE CAST({v} AS VARCHAR) {branches} ELSE CAST({v} AS VARCHAR) END"
    if column.dtype in SCALES:
        return _number_sql(v, column, profile.unit_factor(spec.name, column.name), fmt)
    if column.dtype == "date" and fmt.date_format:
        return f"strftime({v}, {qs(fmt.date_format)})"
    if column.dtype == "month" and fmt.month_format:
        return f"strftime(CAST({v} || '-01' AS DATE), {qs(fmt.month_format)})"
    return f"CAST({v} AS VARCHAR)"


def _number_sql(v: str, column: Column, factor: str, fmt: Formats) -> str:
    """The amount in the profile's unit with every digit kept, grouped as the profile says."""
    scale = SCALES[column.dtype] + Decimal(factor).adjusted()
    inverse = Decimal(1) / Decimal(factor)
    text = (f"CAST(CAST(CAST({v} AS DECIMAL(38,10)) * CAST({qs(format(inverse, 'f'))} AS "
            f"DECIMAL(38,12)) AS DECIMAL(38,{max(scale, 0)})) AS VARCHAR)")
    thousands, decimal = fmt.thousands or "", fmt.decimal or "."
    if not thousands and decimal == ".":
        return text
    whole = f"ltrim(split_part({text}, '.', 1), '-')"
    grouped = f"replace(format('{{:,}}', CAST({whole} AS HUGEINT)), ',', {qs(thousands)})"
    sign = f"CASE WHEN {text} LIKE '-%' THEN '-' ELSE '' END"
    fraction = f"split_part({text}, '.', 2)"
    joined = (f"{sign} || {grouped} || CASE WHEN {fraction} = '' THEN '' "
              f"ELSE {qs(decimal)} || {fraction} END")
    return f"CASE WHEN {v} IS NULL THEN NULL ELSE {joined} END"


def _encode(utf8: Path, target: Path, encoding: str) -> None:
    """Re-encode the UTF-8 file DuckDB wrote into the export's encoding, block by block."""
    if encoding in ("auto", "utf-8"):
        utf8.replace(target)
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    with utf8.open("rb") as src, target.open("wb") as out:
        for block in iter(lambda: src.read(_CHUNK), b""):
            out.write(decoder.decode(block).encode(encoding))
        out.write(decoder.decode(b"", final=True).encode(encoding))
    utf8.unlink()
