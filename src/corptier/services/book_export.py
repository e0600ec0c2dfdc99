"""The customer list a user sees, exported to Excel: streamed from DuckDB into xlsxwriter's
constant-memory mode, every text cell written as text (a cell is never a formula)."""

from __future__ import annotations

import io
from typing import Any

from corptier.i18n import N_, Translator
from corptier.services.access import Principal
from corptier.services.book import LIST_COLUMNS, BookQuery, iter_customers
from corptier.workspace import Workspace

HEADERS = {
    "customer_id": N_("Customer id"), "name": N_("Name"), "uscc": N_("USCC"),
    "applied_tier": N_("Applied tier"), "computed_tier": N_("Computed tier"),
    "score": N_("Score"), "flags": N_("Flags"), "migration": N_("Migration"),
    "previous_tier": N_("Previous tier"), "needs_segment": N_("Needs segment"),
    "behaviour_state": N_("Behaviour state"), "rm_id": N_("Relationship manager"),
    "sub_branch": N_("Sub-branch"), "industry_section": N_("Industry section"),
    "enterprise_size": N_("Enterprise size"), "group_id": N_("Group"),
    "contribution": N_("Contribution"), "dep_avg": N_("Deposits (avg. daily)"),
    "loan_avg": N_("Loans (avg. daily)"),
}


def export_customers_xlsx(ws: Workspace, who: Principal, period: str,
                          query: BookQuery | None, lang: str) -> tuple[bytes, str]:
    """The workbook bytes and the period of the export (only customers `who` sees)."""
    import xlsxwriter

    t = Translator(lang)
    period, rows = iter_customers(ws, who, period, query)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                        "tmpdir": str(ws.temp_dir)})
    sheet = book.add_worksheet(period)
    for col, name in enumerate(LIST_COLUMNS):
        sheet.write_string(0, col, t(HEADERS[name]))
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _cell(sheet, r, col, value)
    book.close()
    return buffer.getvalue(), period


def _cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value))
