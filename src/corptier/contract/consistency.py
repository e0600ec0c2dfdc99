"""Consistency warnings: rows that are accepted but disagree with another column of the row.

A loan more than the default threshold of days past due yet classified performing (正常 or
关注) is kept (banks do have such rows) and listed in `quarantine/<period>/warnings/loans.csv`.
"""

from __future__ import annotations

import duckdb

from corptier.contract.readers import quote_str as qs
from corptier.contract.reconcile import LoadWarning
from corptier.contract.schema import LOAN_CLASSES
from corptier.contract.validation import PROBLEMS_DDL, TableValidator, ord_of, sql_text

OVERDUE_MESSAGE = "more than {days} days past due but classified {classes} (accepted)"


def performing_classes(default_class: str) -> tuple[str, ...]:
    """The classes better than the first class that means default (default 次级: 正常, 关注)."""
    return LOAN_CLASSES[: LOAN_CLASSES.index(default_class)]


def overdue_class_warnings(
    con: duckdb.DuckDBPyConnection, v: TableValidator, days: int, default_class: str
) -> list[LoadWarning]:
    """Fill `warnings_loans` with accepted loans past `days` days overdue in a performing
    class; return the warning for the load report (none when every row agrees)."""
    classes = performing_classes(default_class)
    table = warnings_table(v)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} {PROBLEMS_DDL}")
    if not classes:
        return []
    listed = ", ".join(qs(c) for c in classes)
    reason = sql_text(v.gettext(
        "days_overdue {value} is more than {days} days past due but the loan is classified "
        "{classification} (accepted)"), value="CAST(c.days_overdue AS VARCHAR)",
        days=qs(str(days)), classification="c.classification")
    con.execute(
        f"INSERT INTO {table} SELECT c.__row, {ord_of(v.spec, 'days_overdue')}, "
        f"'days_overdue', 'consistency', {reason} FROM ({v.accepted_sql()}) c "
        f"WHERE c.days_overdue > {int(days)} AND c.classification IN ({listed})"
    )
    count = int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    if count == 0:
        return []
    message = OVERDUE_MESSAGE.format(days=days, classes=" or ".join(classes))
    return [LoadWarning("days_overdue", message, count)]


def warnings_table(v: TableValidator) -> str:
    """Name of the temporary table holding a table's warnings (same columns as problems)."""
    return f"warnings_{v.spec.name}"
