"""Excel workbooks: stream a worksheet (openpyxl read-only) into an all-text Parquet file."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.errors import ContractError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

BATCH_ROWS = 50_000


def xlsx_to_parquet(
    path: Path, table: str, target: Path, *, sheet: str | None = None, header_row: int = 1
) -> tuple[Path, list[str]]:
    """Write `__row` and text columns c0..cN of the worksheet to `target`; return the header.

    `__row` is the data row number (1 = the row under the header), so it matches the sheet's
    line number minus `header_row` even where empty rows are skipped. Rows above the header
    row (titles, notes) are skipped.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ContractError(
            "{path}: not a readable .xlsx workbook ({problem}); save it again from Excel as "
            ".xlsx", path=path, problem=exc) from None
    try:
        chosen = _pick_sheet(book, table, sheet, path)
        rows = chosen.iter_rows(values_only=True)  # type: ignore[misc]  # stub: self is Worksheet
        for _ in range(header_row - 1):
            next(rows, ())
        header = [cell_text(v) or "" for v in next(rows, ())]
        if not any(header):
            raise ContractError(
                "{path}: row {row} of the sheet must be the header row", path=path,
                row=header_row)
        _write_rows(rows, len(header), target)
    finally:
        book.close()
    return target, header


def _pick_sheet(book: Workbook, table: str, wanted: str | None, path: Path) -> ReadOnlyWorksheet:
    name = (wanted or table).strip().lower()
    for sheet in book.worksheets:
        if sheet.title.strip().lower() == name:
            return sheet
    if wanted:
        titles = ", ".join(s.title for s in book.worksheets)
        raise ContractError("{path}: no sheet named '{wanted}' (sheets: {titles})", path=path,
                            wanted=wanted, titles=titles)
    return book.worksheets[0]


def _write_rows(rows: Iterator[tuple[object, ...]], width: int, target: Path) -> None:
    schema = pa.schema(
        [pa.field("__row", pa.int64())] + [pa.field(f"c{i}", pa.string()) for i in range(width)]
    )
    with pq.ParquetWriter(target, schema) as writer:
        numbers: list[int] = []
        columns: list[list[str | None]] = [[] for _ in range(width)]
        for number, row in enumerate(rows, start=1):
            values = [cell_text(v) for v in row[:width]]
            if not any(v is not None for v in values):
                continue
            numbers.append(number)
            for i in range(width):
                columns[i].append(values[i] if i < len(values) else None)
            if len(numbers) >= BATCH_ROWS:
                writer.write_table(_batch(schema, numbers, columns))
                numbers, columns = [], [[] for _ in range(width)]
        writer.write_table(_batch(schema, numbers, columns))


def _batch(schema: pa.Schema, numbers: list[int], columns: list[list[str | None]]) -> pa.Table:
    arrays = [pa.array(numbers, pa.int64())] + [pa.array(c, pa.string()) for c in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def cell_text(value: object) -> str | None:
    """A cell as the text a CSV export would hold: ISO dates, plain decimal numbers."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return np.format_float_positional(value, trim="-")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
