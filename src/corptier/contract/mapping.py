"""Applying a mapping profile inside the engine: files found by pattern, values mapped by SQL.

The reader brings a table in under the contract's column names but with the values as they were
written (`raw_<t>`); `map_values` keeps that as `source_<t>` (the quarantine shows it) and builds
a new `raw_<t>` where codes, units, separators and date formats are those of the contract, in
one SQL statement over the whole table: nothing runs per row in Python. A value the mapping
cannot read is passed on unchanged, so the contract's checks reject it with a precise reason.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from corptier.contract.common_formats import half_width_sql
from corptier.contract.profile import Profile
from corptier.contract.readers import (
    FORMATS,
    Layout,
    SourceFile,
    normalise_name,
    quote_ident,
    quote_str,
)
from corptier.contract.schema import TABLES, Column, TableSpec
from corptier.errors import ContractError, Joined, Text

_HINT = Text("see docs/onboarding.md")


def layout_of(profile: Profile, table: str) -> Layout:
    """What the readers need to know of a table's file under `profile`."""
    own, fmt = profile.table(table), profile.formats_of(table)
    names = {normalise_name(header): column for column, header in own.columns.items()}
    return Layout(names, own.header_row, own.sheet, str(fmt.encoding), fmt.delimiter)


def find_profile_files(folder: Path, profile: Profile) -> tuple[dict[str, SourceFile], list[str]]:
    """The file of every table in `folder` by the profile's name patterns (a table the profile
    does not list keeps its own name); files that match no table are returned as ignored.
    Fatal (ContractError): no file, or several files, match a table's pattern."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContractError("{folder}: folder not found; give the folder holding the "
                            "period's exports ({hint})", folder=folder, hint=_HINT)
    names = sorted(p.name for p in folder.iterdir()
                   if p.is_file() and not p.name.startswith((".", "~$")))
    files: dict[str, SourceFile] = {}
    used: set[str] = set()
    found = {t: _matching(names, profile.table(t).file or f"{t}.*") for t in TABLES}
    wrong = [_wrong_count(t, profile.table(t).file or f"{t}.*", f)
             for t, f in found.items() if len(f) != 1]
    if wrong:
        raise ContractError("{folder}: profile {profile}: {problems} ({hint})", folder=folder,
                            profile=profile.name, problems=Joined.of("; ", wrong), hint=_HINT)
    for table, (name,) in found.items():
        path = folder / name
        if not path.resolve().is_relative_to(folder.resolve()):
            raise ContractError("{path}: the table file is a link to a file outside the input "
                                "folder {folder}; copy the file itself into the folder",
                                path=path, folder=folder)
        files[table] = SourceFile(table, path, FORMATS[path.suffix.lower()],
                                  layout_of(profile, table))
        used.add(name)
    return files, [n for n in names if n not in used]


def _matching(names: list[str], pattern: str) -> list[str]:
    wanted = normalise_name(pattern)
    return [n for n in names if Path(n).suffix.lower() in FORMATS
            and fnmatch.fnmatchcase(normalise_name(n), wanted)]


def _wrong_count(table: str, pattern: str, found: list[str]) -> str:
    if not found:
        return Text("no file for table {table} (looking for '{pattern}'; export it, or correct "
                    "tables.{table}.file)", table=table, pattern=pattern)
    return Text("several files match '{pattern}' for table {table} ({found}); "
                "keep exactly one, or make the pattern narrower", pattern=pattern, table=table,
                found=", ".join(found[:5]))


# --- values -----------------------------------------------------------------------------------
def map_values(con: duckdb.DuckDBPyConnection, spec: TableSpec, profile: Profile) -> str | None:
    """Rewrite `raw_<t>` into the contract's codes and units; return the name of the table that
    keeps the values as written (None when the profile changes no value of this table)."""
    parts = [_column_sql(spec, profile, c) for c in spec.columns]
    if all(sql is None for sql in parts):
        return None
    raw, source = f"raw_{spec.name}", f"source_{spec.name}"
    select = ", ".join(
        f"{sql if sql is not None else quote_ident(c.name)} AS {quote_ident(c.name)}"
        for c, sql in zip(spec.columns, parts, strict=True))
    con.execute(f"ALTER TABLE {raw} RENAME TO {source}")
    con.execute(f"CREATE TEMP TABLE {raw} AS SELECT __row, {select} FROM {source}")
    return source


def _column_sql(spec: TableSpec, profile: Profile, column: Column) -> str | None:
    """The SQL of one mapped column, or None when its values are taken as they are."""
    value = f"nullif(trim({quote_ident(column.name)}), '')"
    codes = profile.table(spec.name).codes.get(column.name)
    fmt = profile.formats_of(spec.name)
    if codes:
        branches = " ".join(f"WHEN {quote_str(k.strip())} THEN {quote_str(v)}"
                            for k, v in codes.items())
        return f"CASE {value} {branches} ELSE {value} END"
    if column.dtype in ("money", "rate", "int"):
        factor = profile.unit_factor(spec.name, column.name)
        if factor == "1" and fmt.decimal == "." and fmt.thousands in (",", ""):
            return None
        return _number_sql(value, str(fmt.thousands), str(fmt.decimal), factor)
    if column.dtype in ("date", "month") and _date_format(fmt, column):
        shown = "%Y-%m-%d" if column.dtype == "date" else "%Y-%m"
        parsed = f"try_strptime({value}, {quote_str(_date_format(fmt, column))})"
        return f"coalesce(strftime({parsed}, {quote_str(shown)}), {value})"
    return None


def _date_format(fmt: object, column: Column) -> str:
    return str(getattr(fmt, "date_format" if column.dtype == "date" else "month_format") or "")


def _number_sql(value: str, thousands: str, decimal: str, factor: str) -> str:
    """A number written with these separators and in this unit, as contract text."""
    text = half_width_sql(value)
    t, d = re.escape(thousands), re.escape(decimal)
    grouped = f"[+-]?[0-9]{{1,3}}({t}[0-9]{{3}})+({d}[0-9]*)?" if thousands else ""
    plain = f"[+-]?[0-9]*({d}[0-9]*)?"
    dotted = f"replace({text}, {quote_str(decimal)}, '.')" if decimal != "." else text
    if thousands:
        ungrouped = (f"replace(replace({text}, {quote_str(thousands)}, ''), "
                     f"{quote_str(decimal)}, '.')")
        number = (f"CASE WHEN regexp_full_match({text}, {quote_str(grouped)}) THEN {ungrouped} "
                  f"WHEN regexp_full_match({text}, {quote_str(plain)}) THEN {dotted} END")
    else:
        number = f"CASE WHEN regexp_full_match({text}, {quote_str(plain)}) THEN {dotted} END"
    scaled = f"TRY_CAST({number} AS DECIMAL(38,10))"
    if factor != "1":
        scaled = f"{scaled} * CAST({quote_str(factor)} AS DECIMAL(18,8))"
    return f"coalesce(CAST({scaled} AS VARCHAR), {value})"


# --- reasons ----------------------------------------------------------------------------------
def explain_problems(
    con: duckdb.DuckDBPyConnection, problems: str, source: SourceFile, headers: dict[str, str],
    profile: Profile, gettext: Callable[[str], str],
) -> None:
    """Prefix every reason of a mapped table with the file, its line, the source column and the
    contract field; add the profile's code map to a value it has no code for."""
    _ = gettext
    line = f"__row + {source.layout.header_row}" if source.format != "parquet" else "__row"
    codes = profile.table(source.table).codes
    for column, header in headers.items():
        prefix = _(
            "{file} line {line}, column '{source}' → {field}: ").format(
            file=source.path.name, line="\x00", source=header, field=column)
        before, _sep, after = prefix.partition("\x00")
        hint = ""
        if column in codes:
            hint = _(
                " (profile {profile} has no code for this value: add it under "
                "tables.{table}.codes.{column})").format(
                profile=profile.name, table=source.table, column=column)
        extra = (f" || CASE WHEN kind IN ('allowed', 'pattern') THEN {quote_str(hint)} "
                 "ELSE '' END") if hint else ""
        con.execute(
            f"UPDATE {problems} SET reason = {quote_str(before)} || "
            f"CAST({line.replace('__row', 'row')} AS VARCHAR) || {quote_str(after)} || reason"
            f"{extra} WHERE \"column\" = {quote_str(column)}")
