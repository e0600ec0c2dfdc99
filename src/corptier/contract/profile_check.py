"""A profile tried on a sample of the exports before any load: how each column maps, and which
values the profile (or the contract) cannot read.

Each table's file is found as the load would find it; the first SAMPLE_ROWS data rows are read,
mapped and checked column by column in DuckDB (references between tables are not checked: a
sample of transactions would name accounts outside the sample of accounts).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from corptier.contract.mapping import find_profile_files, map_values
from corptier.contract.profile import Profile
from corptier.contract.readers import SourceFile, quote_ident, quote_str, read_table
from corptier.contract.schema import TABLES
from corptier.contract.validation import TableValidator
from corptier.errors import ContractError, Text

SAMPLE_ROWS = 1000
SHOWN_VALUES = 10


@dataclass(frozen=True)
class ColumnCheck:
    """One contract field: where it comes from, an example before and after the mapping, and
    the sampled values that fail (those of a coded column listed as unmapped)."""

    field: str
    source: str | None
    example: str | None
    mapped: str | None
    problems: int
    unmapped: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableCheck:
    """One table: its file, the rows sampled, and each field's check (or the fatal problem)."""

    table: str
    file: str | None
    rows: int = 0
    columns: tuple[ColumnCheck, ...] = ()
    ignored_headers: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ProfileCheck:
    """Every table of a period folder tried against a profile."""

    profile: str
    folder: str
    tables: tuple[TableCheck, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(t.error is None and not any(c.problems for c in t.columns)
                   for t in self.tables)


def check_sample(folder: Path, profile: Profile, period: str,
                 sample_rows: int = SAMPLE_ROWS) -> ProfileCheck:
    """Try `profile` on the first `sample_rows` rows of every table file in `folder`."""
    try:
        files, _ = find_profile_files(folder, profile)
    except ContractError as exc:
        return ProfileCheck(profile.name, str(folder), (TableCheck("*", None, error=_said(exc)),))
    with tempfile.TemporaryDirectory(prefix="corptier-check-") as work:
        con = duckdb.connect(config={"threads": 1})
        try:
            checks = tuple(_check_table(con, files[t], profile, period, Path(work), sample_rows)
                           for t in TABLES)
        finally:
            con.close()
    return ProfileCheck(profile.name, str(folder), checks)


def _said(exc: ContractError) -> str:
    """The error's message, kept sayable in the user's language."""
    return Text(exc.template, **exc.values) if exc.template else str(exc)


def _check_table(con: duckdb.DuckDBPyConnection, source: SourceFile, profile: Profile,
                 period: str, work: Path, sample_rows: int) -> TableCheck:
    spec = TABLES[source.table]
    try:
        raw = read_table(con, _sampled(source, work, sample_rows), work)
    except ContractError as exc:
        return TableCheck(spec.name, source.path.name, error=_said(exc))
    con.execute(f"DELETE FROM raw_{spec.name} WHERE __row > {int(sample_rows)}")
    shown = map_values(con, spec, profile) or f"raw_{spec.name}"
    v = TableValidator(con, spec, period, shown)
    v.check_columns()
    columns = tuple(_column(con, v, shown, c.name, raw.header.get(c.name),
                            c.name in profile.table(spec.name).codes)
                    for c in spec.columns)
    rows = con.sql(f"SELECT count(*) FROM {shown}").fetchall()[0][0]
    return TableCheck(spec.name, source.path.name, int(rows), columns, raw.extra_columns)


def _sampled(source: SourceFile, work: Path, sample_rows: int) -> SourceFile:
    """A CSV cut to its header and first rows (other formats are read whole and cut after)."""
    if source.format != "csv":
        return source
    head = work / f"{source.table}.sample{source.path.suffix}"
    keep = source.layout.header_row + sample_rows
    with source.path.open("rb") as src, head.open("wb") as out:
        for number, line in enumerate(src, start=1):
            if number > keep:
                break
            out.write(line)
    return SourceFile(source.table, head, source.format, source.layout)


def _column(con: duckdb.DuckDBPyConnection, v: TableValidator, shown: str, name: str,
            source: str | None, coded: bool) -> ColumnCheck:
    c = quote_ident(name)
    mapped = f"CASE WHEN contains(r.{c}, '.') THEN rtrim(rtrim(r.{c}, '0'), '.') ELSE r.{c} END"
    example = con.sql(
        f"SELECT s.{c}, {mapped} FROM {shown} s JOIN raw_{v.spec.name} r USING (__row) "
        f"WHERE nullif(trim(s.{c}), '') IS NOT NULL ORDER BY __row LIMIT 1").fetchall()
    problems = con.sql(f"SELECT count(*) FROM {v.problems} WHERE \"column\" = {quote_str(name)}"
                       ).fetchall()[0][0]
    unmapped: tuple[str, ...] = ()
    if coded or v.spec.column(name).allowed:
        found = con.sql(
            f"SELECT DISTINCT s.{c} FROM {v.problems} p JOIN {shown} s ON s.__row = p.row "
            f"WHERE p.\"column\" = {quote_str(name)} AND p.kind IN ('allowed', 'pattern') "
            f"ORDER BY 1 LIMIT {SHOWN_VALUES}").fetchall()
        unmapped = tuple(str(r[0]) for r in found)
    first = example[0] if example else (None, None)
    return ColumnCheck(name, source, first[0], first[1], int(problems), unmapped)
