"""Quarantine files: every rejected row with its row number, column and reason.

`quarantine/<period>/<table>.csv`, UTF-8 with BOM (so Excel shows Chinese text), one line per
problem: `row, column, reason`, then the row's original values as they were in the file (text a
spreadsheet would run as a formula gets a leading `'`, see `corptier.csv_safety`).
Rows that were accepted with a consistency warning are listed the same way in
`quarantine/<period>/warnings/<table>.csv`.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import duckdb

from corptier.contract.readers import quote_ident as qi
from corptier.contract.readers import quote_str as qs
from corptier.contract.schema import TableSpec
from corptier.csv_safety import neutralise_sql
from corptier.private_files import make_private, private_mkdir

WARNINGS_FOLDER = "warnings"


class QuarantineWriter:
    """Writes the problems of each table of a load into one folder."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path) -> None:
        self.con, self.folder = con, Path(folder)
        private_mkdir(self.folder)

    def write(self, spec: TableSpec, problems: str, raw: str) -> Path | None:
        """Write `<table>.csv` from the problems and raw tables; None when nothing was rejected."""
        return self._write(self.folder, spec, problems, raw)

    def write_warnings(self, spec: TableSpec, warnings: str, raw: str) -> Path | None:
        """Write `warnings/<table>.csv` (accepted rows with a warning); None when there is none."""
        return self._write(self.folder / WARNINGS_FOLDER, spec, warnings, raw)

    def _write(self, folder: Path, spec: TableSpec, problems: str, raw: str) -> Path | None:
        count = self.con.sql(f"SELECT count(*) FROM {problems}").fetchall()[0][0]
        if count == 0:
            return None
        values = ", ".join(
            f"{neutralise_sql(f'r.{qi(c)}')} AS {qi(c)}" for c in spec.column_names
        )
        private_mkdir(folder)
        target = folder / f"{spec.name}.csv"
        plain = folder / f".{spec.name}.csv.tmp"
        self.con.execute(
            f"COPY (SELECT p.row AS \"row\", p.\"column\", "
            f"{neutralise_sql('p.reason')} AS reason, {values} "
            f"FROM {problems} p JOIN {raw} r ON r.__row = p.row "
            f"ORDER BY p.row, p.ord, p.reason) "
            f"TO {qs(str(plain))} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')"
        )
        with target.open("wb") as out, plain.open("rb") as src:
            out.write(codecs.BOM_UTF8)
            shutil.copyfileobj(src, out, 1 << 22)
        plain.unlink()
        return make_private(target)
