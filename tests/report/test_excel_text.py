"""The workbook writes user text as typed strings, so a formula in the data is never run."""

from __future__ import annotations

import openpyxl

from corptier.report.excel import Col, _Book


def test_formula_text_is_stored_as_a_string(tmp_path):
    path = tmp_path / "b.xlsx"
    book = _Book(path)
    ws = book.sheet("t", [Col("a"), Col("b", "money")])
    book.cell(ws, 1, 0, '=HYPERLINK("http://evil","x")')
    book.cell(ws, 1, 1, -12.5, "money")
    book.wb.close()
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(2, 1).value == '=HYPERLINK("http://evil","x")'
    assert (sheet.cell(2, 2).data_type, sheet.cell(2, 2).value) == ("n", -12.5)
