"""Streaming writers of one period's table files: Parquet with fixed row groups, or CSV.

Rows arrive block by block; Parquet row groups are always cut every `ROW_GROUP_ROWS` rows
(not one per block), so readers get large row groups whatever the number of customers.
Writer options are fixed (zstd, dictionary on repeated columns, statistics), nothing in the
file depends on the clock or the machine. CSV is UTF-8 with a header (or GBK, or UTF-8 with a
BOM, for the dirty bank), ISO dates and plain decimals.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from corptier.contract.schema import TABLES

ROW_GROUP_ROWS = 1 << 19
TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")
"""Files the loader would read as a table (cleared from a period folder before writing)."""
_NO_DICTIONARY = {"txn_id", "amount", "avg_daily_balance", "month_end_balance", "balance"}


def string_schema(schema: pa.Schema) -> pa.Schema:
    """The same columns, all as text (what the dirty bank writes)."""
    return pa.schema([pa.field(f.name, pa.string(), nullable=True) for f in schema])


class ParquetSink:
    """One Parquet file, written in row groups of exactly ROW_GROUP_ROWS rows (last: fewer)."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS):
        self.schema, self.row_group_rows, self.rows = schema, row_group_rows, 0
        dictionary = [f.name for f in schema if f.name not in _NO_DICTIONARY]
        self._writer = pq.ParquetWriter(
            path, schema, compression="zstd", use_dictionary=dictionary, version="2.6",
            write_statistics=True,
        )
        self._pending: list[pa.Table] = []
        self._pending_rows = 0

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._pending.append(table.cast(self.schema) if table.schema != self.schema else table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        if self._pending_rows >= self.row_group_rows:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        if not self._pending:
            return
        data = pa.concat_tables(self._pending)
        size = self.row_group_rows
        full = (data.num_rows // size) * size
        for offset in range(0, full, size):
            self._writer.write_table(data.slice(offset, size), row_group_size=size)
        rest = data.slice(full)
        if final and rest.num_rows:
            self._writer.write_table(rest, row_group_size=size)
            rest = rest.slice(0, 0)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> None:
        self._flush(final=True)
        self._writer.close()


class CsvSink:
    """One CSV file with a header row, appended to table by table."""

    def __init__(self, path: Path, schema: pa.Schema, encoding: str = "utf-8"):
        self.schema, self.encoding, self.rows = schema, encoding, 0
        self._file = path.open("wb")
        if encoding == "utf-8-sig":
            self._file.write(codecs.BOM_UTF8)
        self._header = True

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0 and not self._header:
            return
        table = table.cast(self.schema) if table.schema != self.schema else table
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=self._header))
        data = buffer.getvalue()
        if self.encoding == "gbk":
            data = data.decode("utf-8").encode("gbk")
        self._file.write(data)
        self._header = False
        self.rows += table.num_rows

    def close(self) -> None:
        if self._header:
            self.write(self.schema.empty_table())
        self._file.close()


class PeriodFiles:
    """One file per contract table of a period folder, open for appending.

    Any table file already in the folder (of any format the loader reads) is removed first,
    so the folder holds exactly one file per table.
    """

    def __init__(self, folder: Path, fmt: str, text: bool = False,
                 encodings: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in self.folder.iterdir():
            if path.suffix.lower() in TABLE_SUFFIXES and path.stem.lower() in TABLES:
                path.unlink()
        self.sinks: dict[str, ParquetSink | CsvSink] = {}
        for name, spec in TABLES.items():
            schema = string_schema(spec.arrow_schema) if text else spec.arrow_schema
            path = self.folder / f"{name}.{fmt}"
            if fmt == "parquet":
                self.sinks[name] = ParquetSink(path, schema)
            else:
                self.sinks[name] = CsvSink(path, schema, (encodings or {}).get(name, "utf-8"))

    def write(self, name: str, table: pa.Table) -> None:
        self.sinks[name].write(table)

    def rows(self) -> dict[str, int]:
        return {name: sink.rows for name, sink in self.sinks.items()}

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()

    def __enter__(self) -> PeriodFiles:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
