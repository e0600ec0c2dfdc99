"""Checks of the guarantees table across its columns: a guarantor is named (a customer id or,
for a guarantor outside the bank, a name), is not the borrower itself, and a guarantee ends on
or after the day it starts. Each failing row is rejected with the reason, in the engine."""

from __future__ import annotations

import duckdb

from corptier.contract.validation import TableValidator, ord_of, sql_text


def check_guarantees(con: duckdb.DuckDBPyConnection, v: TableValidator) -> None:
    """Record the cross-column problems of `checked_guarantees` in its problems table."""
    _ = v.gettext
    quoted = "'''' || c.{} || ''''"
    checks = (
        ("guarantor_id", 1, "party",
         sql_text(_("a guarantee needs a guarantor: guarantor_id (a customer of ours) or "
                   "guarantor_name (a guarantor outside the bank)")),
         "c.guarantor_id IS NULL AND c.guarantor_name IS NULL "
         "AND c.__e_guarantor_id = 0 AND c.__e_guarantor_name = 0"),
        ("guarantor_id", 3, "party",
         sql_text(_("guarantor_id {value} is the borrower itself"),
                  value=quoted.format("guarantor_id")),
         "c.guarantor_id = c.borrower_id AND c.__e_guarantor_id = 0 AND c.__e_borrower_id = 0"),
        ("end_date", 1, "order",
         sql_text(_("end_date {end} is before start_date {start}"),
                  end="CAST(c.end_date AS VARCHAR)", start="CAST(c.start_date AS VARCHAR)"),
         "c.end_date < c.start_date AND c.__e_end_date = 0 AND c.__e_start_date = 0"),
    )
    for column, step, kind, reason, where in checks:
        con.execute(
            f"INSERT INTO {v.problems} SELECT c.__row, {ord_of(v.spec, column, step)}, "
            f"'{column}', '{kind}', {reason} FROM {v.checked} c WHERE {where}")
