"""The template workbook of a profile: one sheet per table to show (or fill in) what each
table holds, in the bank's own column names and the contract's.

Row 1 holds the contract's field names (English), row 2 the profile's headers (Chinese; the
header row, so a filled-in sheet loads with `sheet: <table>` and `header_row: 2`), row 3 an
example row written the way the profile expects it.
"""

from __future__ import annotations

from pathlib import Path

from corptier.contract.profile import Profile
from corptier.contract.schema import TABLES
from corptier.csv_safety import neutralise

HEADER_ROW = 2


def write_template(path: Path, profile: Profile, examples: dict[str, list[str | None]]) -> Path:
    """Write the workbook to `path` (replaced atomically) and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # the default sheet is never None here
    for name, spec in TABLES.items():
        sheet = book.create_sheet(name)
        headers = profile.table(name).columns
        sheet.append(list(spec.column_names))
        sheet.append([neutralise(headers.get(c, c)) for c in spec.column_names])
        sheet.append([None if v is None else neutralise(v) for v in examples.get(name, [])])
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
        for cell in sheet[1]:
            cell.font = Font(italic=True, color="808080")
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        for i, column in enumerate(spec.column_names):
            width = max(len(column), 2 * len(headers.get(column, "")), 10) + 2
            sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = width
    partial = path.with_name(f".{path.name}.partial")
    book.save(partial)
    partial.replace(path)
    return path
