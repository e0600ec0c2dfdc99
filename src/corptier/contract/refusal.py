"""When a load is refused as a whole: most rows of a table are of another period, too few rows of
a table were accepted, or no customer was.

Such a load is almost always the wrong folder or a broken export, and swapping it in would
replace good data with a fraction of it; the loader keeps the previous data instead.
"""

from __future__ import annotations

from corptier.contract.reconcile import LoadReport, TableReport
from corptier.contract.schema import TABLES
from corptier.errors import Joined, Text


def period_mismatches(table: TableReport) -> int:
    """Rows of the table rejected because their month or date is not the loaded period."""
    return sum(n for problem, n in table.problems.items() if problem.endswith(": period"))


def refusal(report: LoadReport, min_accepted_share: float) -> str | None:
    """Why the load must not be swapped in (one line), or None when it may be."""
    reasons: list[str] = []
    for t in report.tables.values():
        if t.read == 0:
            continue
        wrong = period_mismatches(t)
        if wrong * 2 > t.read:
            column = TABLES[t.table].period_column
            reasons.append(Text(
                "{table}: {wrong:,} of {read:,} rows have a {column} outside the loaded "
                "period {period} (is this the folder of another month?)", table=t.table,
                wrong=wrong, read=t.read, column=column, period=report.period))
        elif t.accepted < min_accepted_share * t.read:
            reasons.append(Text(
                "{table}: only {accepted:,} of {read:,} rows accepted "
                "({share:.0%}, below the minimum share {minimum:.0%})", table=t.table,
                accepted=t.accepted, read=t.read, share=t.accepted / t.read,
                minimum=min_accepted_share))
    customers = report.tables.get("customers")
    if customers is not None and customers.accepted == 0:
        reasons.append(Text("customers: no customer accepted"))
    if not reasons:
        return None
    return Text("load of period {period} refused, the previous data are kept: {reasons}; the "
                "rejected rows are in quarantine/{period}/refused/ (a partial load can be "
                "accepted explicitly)", period=report.period, reasons=Joined.of("; ", reasons))
