"""Finding a period's table files and bringing each into DuckDB as all-text columns.

Every reader ends in the same place: a DuckDB table `raw_<table>` with `__row` (the data row
number, 1 = first row after the header) and one VARCHAR column per contract column, holding the
values exactly as they were in the file. Validation works on that table only.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from corptier.contract.schema import TABLES, TableSpec
from corptier.errors import ContractError, Text

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
DELIMITERS = (",", "\t", "|", ";")
_CHUNK = 1 << 22
_SNIFF = 1 << 22
_HINT = Text("see docs/data-contract.md")
HEADER_SHOWN = 80


@dataclass(frozen=True)
class Layout:
    """How a table's file departs from the contract (from a mapping profile)."""

    names: dict[str, str] = field(default_factory=dict)  # source header -> contract column
    header_row: int = 1
    sheet: str | None = None
    encoding: str = "auto"
    delimiter: str | None = None

    def column_of(self, header: object, spec: TableSpec) -> str:
        """The contract column a header names (its mapped name, else its own name)."""
        name = normalise_name(header)
        if name in self.names:
            return self.names[name]
        mapped = set(self.names.values())
        return name if name in spec.column_names and name not in mapped else ""


PLAIN = Layout()


@dataclass(frozen=True)
class SourceFile:
    """The file that holds one table of the period, and how it is laid out."""

    table: str
    path: Path
    format: str
    layout: Layout = PLAIN


@dataclass
class RawTable:
    """A table read into DuckDB: where from, how, and what the header looked like."""

    source: SourceFile
    fingerprint: str
    encoding: str | None
    rows: int = 0
    header: dict[str, str] = field(default_factory=dict)  # contract column -> header as found
    missing_optional: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()


# --- finding files ----------------------------------------------------------------------------


def find_table_files(folder: Path) -> tuple[dict[str, SourceFile], list[str]]:
    """The file of every contract table in `folder`, and the names of files that were ignored.

    Fatal (ContractError): the folder is missing, a required table has no file, or a table has two.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ContractError(
            "{folder}: folder not found; give the folder holding the period's files "
            "(customers.csv, accounts.csv, ... one per table, {hint})", folder=folder, hint=_HINT)
    found: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for path in sorted(folder.iterdir()):
        name = path.stem.strip().lower()
        if path.is_file() and path.suffix.lower() in FORMATS and name in TABLES:
            _refuse_link_out(folder, path)
            found.setdefault(name, []).append(path)
        elif path.is_file() and not path.name.startswith((".", "~$")):
            ignored.append(path.name)
    _refuse_doubles(found)
    missing = [t for t in TABLES if t not in found and not TABLES[t].optional]
    if missing:
        wanted = ", ".join(f"{t}.csv" for t in missing)
        raise ContractError(
            "{folder}: missing table file(s) {wanted} (or .parquet / .xlsx); export every "
            "table of the contract, an empty table as a file with only its header row ({hint})",
            folder=folder, wanted=wanted, hint=_HINT)
    files = {t: SourceFile(t, found[t][0], FORMATS[found[t][0].suffix.lower()])
             for t in TABLES if t in found}
    return files, ignored


def _refuse_link_out(folder: Path, path: Path) -> None:
    """A table file must be in the input folder: a symbolic link that leads out of it is
    refused (it could point at any file the user may read)."""
    if path.resolve().is_relative_to(folder.resolve()):
        return
    raise ContractError(
        "{path}: the table file is a link to a file outside the input folder {folder}; "
        "copy the file itself into the folder", path=path, folder=folder)


def _refuse_doubles(found: dict[str, list[Path]]) -> None:
    for table, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise ContractError(
                "{folder}: table {table} has several files ({names}); keep exactly one",
                folder=paths[0].parent, table=table, names=names)


# --- fingerprints and encodings ---------------------------------------------------------------


def fingerprint(path: Path) -> str:
    """sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint_later(path: Path) -> Future[str]:
    """sha256 of the file computed in a background thread (hashlib releases the GIL), so it
    overlaps with DuckDB reading the same file."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
    future = pool.submit(fingerprint, path)
    pool.shutdown(wait=False)
    return future


def sniff_encoding(path: Path) -> str:
    """'utf-8', 'utf-8-sig' or 'gb18030' from the first block of a CSV.

    UTF-8 is tried first, strictly; a file that is not UTF-8 is taken as GB18030 (which includes
    GBK and GB2312) and checked when it is transcoded. A non-UTF-8 byte further on is caught
    when DuckDB reads the file (see `load_csv`). NUL bytes mean it is not a text file.
    """
    with path.open("rb") as handle:
        block = handle.read(_SNIFF)
    if not block:
        raise ContractError("{path}: the file is empty; it needs at least the header row",
                            path=path)
    if b"\x00" in block:
        raise ContractError(
            "{path}: not a text CSV file (it contains NUL bytes; perhaps a spreadsheet "
            "or UTF-16 file renamed .csv); save it as CSV UTF-8 or GBK", path=path)
    bom = block.startswith(codecs.BOM_UTF8)
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(block, final=len(block) < _SNIFF)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig" if bom else "utf-8"


def transcode_to_utf8(path: Path, target: Path, encoding: str = "gb18030") -> Path:
    """Stream a GBK/GB18030 file into UTF-8 at `target` (a BOM is dropped); ContractError naming
    the line if the bytes are not valid in that encoding either."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines_before = 0
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as out:
        for block in iter(lambda: src.read(_CHUNK), b""):
            try:
                out.write(decoder.decode(block))
            except UnicodeDecodeError as exc:
                line = lines_before + block.count(b"\n", 0, exc.start) + 1
                raise ContractError(
                    "{path}: line {line}: the file is neither UTF-8 nor GBK/GB18030 "
                    "(unsupported encoding); save it as CSV UTF-8 or GBK", path=path,
                    line=line) from None
            lines_before += block.count(b"\n")
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            raise ContractError(
                "{path}: the file ends in the middle of a character (truncated?); "
                "export it again as CSV UTF-8 or GBK", path=path) from None
    return target


# --- headers ----------------------------------------------------------------------------------


def normalise_name(name: object) -> str:
    """Header as compared with the contract: NFKC, trimmed, lower case, BOM removed."""
    text = unicodedata.normalize("NFKC", "" if name is None else str(name))
    return text.replace("\ufeff", "").strip().lower()


def match_columns(
    spec: TableSpec, header: list[str], path: Path, layout: Layout = PLAIN
) -> tuple[dict[str, int], tuple[str, ...], tuple[str, ...]]:
    """Map contract columns to header positions.

    Returns ({column: position}, missing optional columns, extra columns). A missing required
    column or a column given twice is fatal.
    """
    positions: dict[str, int] = {}
    extra: list[str] = []
    for i, raw in enumerate(header):
        name = layout.column_of(raw, spec)
        if name:
            if name in positions:
                raise ContractError(
                    "{path}: column '{column}' appears twice in the header; keep one",
                    path=path, column=shown_header(name))
            positions[name] = i
        elif normalise_name(raw):
            extra.append(str(raw).strip())
    missing = [c for c in spec.columns if c.name not in positions]
    required = [_wanted_header(c.name, layout) for c in missing
                if not c.nullable and c.default is None]
    if required:
        found = shown_header(", ".join(str(h).strip() for h in header)) or "(none)"
        raise ContractError(
            "{path}: required column(s) {columns} missing from the header "
            "(found: {found}); add them with exactly these names ({hint}, table {table})",
            path=path, columns=", ".join(required), found=found, hint=_HINT, table=spec.name)
    return positions, tuple(c.name for c in missing), tuple(extra)


def _wanted_header(column: str, layout: Layout) -> str:
    source = [h for h, c in layout.names.items() if c == column]
    return f"{source[0]} ({column})" if source else column


def shown_header(text: str, limit: int = HEADER_SHOWN) -> str:
    """At most the first `limit` characters of a header as quoted in an error (a wrong file
    must not have its contents printed)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_csv_header(
    path: Path, spec: TableSpec, layout: Layout = PLAIN
) -> tuple[list[str], str]:
    """The header row of a UTF-8 CSV and the delimiter that matches the contract best."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for _ in range(layout.header_row):
            first_line = handle.readline()
    if not first_line.strip():
        raise ContractError(
            "{path}: line {line} is empty; it must be the header row", path=path,
            line=layout.header_row)
    best = layout.delimiter or max(DELIMITERS, key=lambda d: _matches(first_line, d, spec, layout))
    header = next(csv.reader(io.StringIO(first_line), delimiter=best))
    return header, best


def _matches(line: str, delimiter: str, spec: TableSpec, layout: Layout) -> int:
    names = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return sum(bool(layout.column_of(n, spec)) for n in names)


# --- into DuckDB ------------------------------------------------------------------------------


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def raw_select(
    spec: TableSpec, positions: dict[str, int], column_of: Callable[[int], str], row_expr: str
) -> str:
    """SELECT list turning source columns into contract columns (absent ones as NULL)."""
    parts = [f"{row_expr} AS __row"]
    for col in spec.columns:
        if col.name in positions:
            parts.append(f"{column_of(positions[col.name])} AS {quote_ident(col.name)}")
        elif col.default is not None:
            parts.append(f"{quote_str(col.default)} AS {quote_ident(col.name)}")
        else:
            parts.append(f"CAST(NULL AS VARCHAR) AS {quote_ident(col.name)}")
    return ", ".join(parts)


class _NotUtf8(Exception):
    """DuckDB met bytes that are not UTF-8 beyond the sniffed block."""


def load_csv(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, work: Path,
    layout: Layout = PLAIN,
) -> RawTable:
    """CSV (UTF-8 with or without BOM, GBK/GB18030) into `raw_<table>`."""
    sha = fingerprint_later(path)
    encoding = sniff_encoding(path)
    if layout.encoding in ("gbk", "gb18030"):
        encoding = "gb18030"  # GB18030 decodes every GBK file
    raw = RawTable(SourceFile(spec.name, path, "csv", layout), "", encoding)
    if encoding != "gb18030":
        try:
            _read_csv(con, spec, path, path, raw)
        except _NotUtf8:
            if layout.encoding == "utf-8":
                raise ContractError(
                    "{path}: the profile says UTF-8, but the file has bytes that are not "
                    "UTF-8; set encoding: gbk in the profile or export the file as UTF-8",
                    path=path) from None
            raw.encoding = "gb18030"
    if raw.encoding == "gb18030":
        utf8 = transcode_to_utf8(path, work / f"{spec.name}.utf8.csv")
        _read_csv(con, spec, path, utf8, raw)
    raw.fingerprint = sha.result()
    return raw


def _read_csv(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, readable: Path, raw: RawTable
) -> None:
    layout = raw.source.layout
    header, delimiter = read_csv_header(readable, spec, layout)
    positions, raw.missing_optional, raw.extra_columns = match_columns(
        spec, header, path, layout)
    raw.header = {c: str(header[i]).strip() for c, i in positions.items()}
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    source = (
        f"read_csv({quote_str(str(readable))}, header = true, auto_detect = false, "
        f"delim = {quote_str(delimiter)}, quote = '\"', escape = '\"', columns = {columns}, "
        f"skip = {layout.header_row - 1}, "
        "strict_mode = true, null_padding = false, parallel = true)"
    )
    select = raw_select(spec, positions, lambda i: f"c{i}", "row_number() OVER ()")
    _create_raw(con, spec, f"SELECT {select} FROM {source}", raw)


def load_parquet(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, work: Path,
    layout: Layout = PLAIN,
) -> RawTable:
    """Parquet (any column types) into `raw_<table>` as text."""
    sha = fingerprint(path)
    source = f"read_parquet({quote_str(str(path))})"
    try:
        described = con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        raise ContractError(
            "{path}: not a readable Parquet file ({problem}); export it again", path=path,
            problem=_first_line(exc)) from None
    header = [d[0] for d in described]
    types = [str(d[1]).upper() for d in described]
    positions, missing, extra = match_columns(spec, header, path, layout)
    select = raw_select(
        spec, positions, lambda i: _as_text(quote_ident(header[i]), types[i]),
        "row_number() OVER ()",
    )
    source_file = SourceFile(spec.name, path, "parquet", layout)
    raw = RawTable(source_file, sha, None, 0, {}, missing, extra)
    raw.header = {c: header[i] for c, i in positions.items()}
    _create_raw(con, spec, f"SELECT {select} FROM {source}", raw)
    return raw


def load_xlsx(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, work: Path,
    layout: Layout = PLAIN,
) -> RawTable:
    """A worksheet of an .xlsx into `raw_<table>`: the profile's sheet, else the one named after
    the table, else the first."""
    from corptier.contract.xlsx import xlsx_to_parquet

    sha = fingerprint(path)
    staged, header = xlsx_to_parquet(path, spec.name, work / f"{spec.name}.xlsx.parquet",
                                     sheet=layout.sheet, header_row=layout.header_row)
    positions, missing, extra = match_columns(spec, header, path, layout)
    select = raw_select(spec, positions, lambda i: f"c{i}", "__row")
    source = f"read_parquet({quote_str(str(staged))})"
    raw = RawTable(SourceFile(spec.name, path, "xlsx", layout), sha, None, 0, {}, missing, extra)
    raw.header = {c: str(header[i]).strip() for c, i in positions.items()}
    _create_raw(con, spec, f"SELECT {select} FROM {source}", raw)
    return raw


LOADERS = {"csv": load_csv, "parquet": load_parquet, "xlsx": load_xlsx}


def read_table(
    con: duckdb.DuckDBPyConnection, source: SourceFile, work: Path
) -> RawTable:
    """Read one table file into DuckDB table `raw_<table>`; ContractError on anything fatal."""
    spec = TABLES[source.table]
    try:
        return LOADERS[source.format](con, spec, source.path, work, source.layout)
    except OSError as exc:
        raise ContractError(
            "{path}: cannot be read ({reason}); check it exists and is readable",
            path=source.path, reason=exc.strerror or exc) from None


def _create_raw(con: duckdb.DuckDBPyConnection, spec: TableSpec, sql: str, raw: RawTable) -> None:
    name = f"raw_{spec.name}"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    except duckdb.Error as exc:
        if "Invalid unicode" in str(exc) and raw.source.format == "csv":
            raise _NotUtf8 from None
        raise ContractError(
            "{path}: the file is damaged or not a proper {format} table ({problem}); export it "
            "again", path=raw.source.path, format=raw.source.format.upper(),
            problem=_first_line(exc)) from None
    raw.rows = con.sql(f"SELECT count(*) FROM {name}").fetchall()[0][0]


def _as_text(ident: str, dtype: str) -> str:
    """A Parquet column as text; midnight timestamps become plain dates."""
    if dtype.startswith("TIMESTAMP"):
        return (
            f"CASE WHEN CAST({ident} AS TIME) = TIME '00:00:00' "
            f"THEN CAST(CAST({ident} AS DATE) AS VARCHAR) ELSE CAST({ident} AS VARCHAR) END"
        )
    return f"CAST({ident} AS VARCHAR)"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    line = " ".join(t.strip() for t in text[:2] if t.strip())
    return line[:300]
