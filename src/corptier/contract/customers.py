"""Checks and derived columns that need the reference functions: USCC, industry, size.

Each works on whole columns (numpy / pandas) or on the distinct values of a column, never on one
row at a time, and hands its verdicts back to DuckDB as Arrow tables.
"""

from __future__ import annotations

import calendar
import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

import corptier.reference as reference
from corptier.contract.readers import quote_str as qs
from corptier.contract.reconcile import LoadWarning
from corptier.contract.validation import TableValidator, ord_of, sql_text
from corptier.errors import Text
from corptier.reference.uscc import NATIONAL_REGION, PROVINCE_PREFIXES

_ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_PROVINCES = np.array(sorted(int(p) for p in PROVINCE_PREFIXES), dtype=np.int64)


def check_customers(con: duckdb.DuckDBPyConnection, v: TableValidator) -> list[LoadWarning]:
    """Reject invalid USCCs and industry codes; return the USCC warnings (not rejections)."""
    warnings = _check_uscc(con, v)
    _check_industry(con, v)
    return warnings


# --- USCC -------------------------------------------------------------------------------------


def _check_uscc(con: duckdb.DuckDBPyConnection, v: TableValidator) -> list[LoadWarning]:
    table = con.sql(
        "SELECT __row, uscc, NOT regexp_full_match(uscc, '[0-9A-Z]{18}') AS odd "
        f"FROM {v.checked} WHERE __e_uscc = 0"
    ).to_arrow_table()
    rows = table.column("__row").to_numpy()
    codes = table.column("uscc").to_numpy(zero_copy_only=False).astype(object)
    odd = table.column("odd").to_numpy(zero_copy_only=False).astype(bool)
    valid, reasons = reference.uscc_valid_mask(codes)
    bad = np.flatnonzero(~valid)
    why = [r.said_with(v.gettext) if isinstance(r, Text) else r for r in reasons[bad].tolist()]
    verdicts = pa.table({"row": rows[bad], "why": pa.array(why, pa.string())})
    con.register("uscc_bad", verdicts)
    reason = sql_text(v.gettext("USCC {value} is invalid: {why}"),
                      value="'''' || c.uscc || ''''",
                      why=f"coalesce(b.why, {qs(v.gettext('GB 32100 check failed'))})")
    con.execute(
        f"INSERT INTO {v.problems} SELECT b.row, {ord_of(v.spec, 'uscc', 1)}, 'uscc', 'uscc', "
        f"{reason} FROM uscc_bad b JOIN {v.checked} c ON c.__row = b.row"
    )
    con.unregister("uscc_bad")
    return _normalise_and_warn(con, v, rows[valid], codes[valid], odd[valid])


def _normalise_and_warn(
    con: duckdb.DuckDBPyConnection,
    v: TableValidator,
    rows: NDArray[np.int64],
    codes: NDArray[np.object_],
    odd: NDArray[np.bool_],
) -> list[LoadWarning]:
    """Store valid codes in normal form (spaces removed, upper case) and count the warnings.

    Only the few codes not already written as 18 capitals/digits go through Python.
    """
    warnings: list[LoadWarning] = []
    changed = np.flatnonzero(odd)
    if len(changed):
        codes = codes.copy()
        codes[changed] = [reference.normalise_uscc(c) for c in codes[changed]]
        fixes = pa.table({"row": rows[changed], "code": pa.array(codes[changed].tolist())})
        con.register("uscc_fix", fixes)
        con.execute(
            f"UPDATE {v.checked} SET uscc = f.code FROM uscc_fix f "
            f"WHERE {v.checked}.__row = f.row"
        )
        con.unregister("uscc_fix")
        warnings.append(LoadWarning(
            "uscc", "USCC written with spaces, lower case or full-width characters; "
            "stored normalised", len(changed)))
    org, region = uscc_warning_masks(codes)
    if org.any():
        warnings.append(LoadWarning(
            "uscc", "embedded organisation code fails its GB 11714 check (accepted)",
            int(org.sum())))
    if region.any():
        warnings.append(LoadWarning(
            "uscc", "region part does not start with a GB/T 2260 province code (accepted)",
            int(region.sum())))
    return warnings


def uscc_warning_masks(
    codes: NDArray[np.object_],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """For valid, normalised codes: (organisation-code check fails, region prefix unknown)."""
    if len(codes) == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    points = np.asarray(codes, dtype="U18").view(np.uint32).reshape(-1, 18).astype(np.int64)
    values = np.where(points >= 65, points - 55, points - 48)
    total = (values[:, 8:16] * _ORG_WEIGHTS).sum(axis=1)
    check = 11 - total % 11
    expected = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + 48))
    org_bad = points[:, 16] != expected
    prefix = (points[:, 2] - 48) * 10 + (points[:, 3] - 48)
    national = (points[:, 2:8] == np.array([ord(c) for c in NATIONAL_REGION])).all(axis=1)
    region_bad = ~np.isin(prefix, _PROVINCES) & ~national
    return org_bad, region_bad


# --- industry ---------------------------------------------------------------------------------


def _industry_verdicts(codes: list[str]) -> pa.Table:
    """Section letter or the error, for each distinct industry code."""
    sections: list[str | None] = []
    errors: list[str | None] = []
    for code in codes:
        try:
            sections.append(reference.industry_section(code).letter)
            errors.append(None)
        except reference.ReferenceDataError as exc:
            sections.append(None)
            errors.append(str(exc))
    return pa.table({"code": pa.array(codes, pa.string()),
                     "section": pa.array(sections, pa.string()),
                     "error": pa.array(errors, pa.string())})


def _check_industry(con: duckdb.DuckDBPyConnection, v: TableValidator) -> None:
    codes = [r[0] for r in con.sql(
        f"SELECT DISTINCT industry_code FROM {v.checked} WHERE __e_industry_code = 0 ORDER BY 1"
    ).fetchall()]
    con.register("industry_verdicts", _industry_verdicts(codes))
    con.execute("CREATE OR REPLACE TEMP TABLE industry_sections AS "
                "SELECT * FROM industry_verdicts")
    con.unregister("industry_verdicts")
    con.execute(
        f"INSERT INTO {v.problems} SELECT c.__row, {ord_of(v.spec, 'industry_code', 1)}, "
        "'industry_code', 'industry', i.error "
        f"FROM {v.checked} c JOIN industry_sections i ON c.industry_code = i.code "
        "WHERE i.error IS NOT NULL"
    )


# --- derived columns --------------------------------------------------------------------------


def size_standard_for(period: str) -> tuple[str, LoadWarning | None]:
    """The enterprise-size standard in force at the end of the period."""
    year, month = (int(p) for p in period.split("-"))
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        return reference.size_standard_on(end), None
    except reference.ReferenceDataError as exc:
        note = f"{exc}; used {reference.DEFAULT_STANDARD}"
        return reference.DEFAULT_STANDARD, LoadWarning("enterprise_size", note, 1)


def derive_customer_columns(
    con: duckdb.DuckDBPyConnection, v: TableValidator, period: str
) -> list[LoadWarning]:
    """Table `derived_customers`(__row, industry_section, enterprise_size, size_reason) for the
    accepted customers (revenue and assets converted from yuan to 万元)."""
    frame = con.sql(v.accepted_sql(
        "c.__row, c.industry_code, CAST(c.employees AS DOUBLE) AS employees, "
        "CAST(c.annual_revenue AS DOUBLE) / 10000 AS revenue_wan, "
        "CAST(c.total_assets AS DOUBLE) / 10000 AS assets_wan"
    )).df()
    standard, warning = size_standard_for(period)
    sizes = reference.classify_enterprise_size_frame(frame, standard=standard)
    derived = pa.table({
        "__row": pa.array(frame["__row"].to_numpy(), pa.int64()),
        "enterprise_size": pa.array(sizes["size"].astype(str).tolist(), pa.string()),
        "size_reason": pa.array(sizes["reason"].astype(str).tolist(), pa.string()),
    })
    con.register("derived_sizes", derived)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE derived_customers AS "
        "SELECT d.__row, i.section AS industry_section, d.enterprise_size, d.size_reason "
        f"FROM derived_sizes d JOIN {v.checked} c ON c.__row = d.__row "
        "LEFT JOIN industry_sections i ON c.industry_code = i.code"
    )
    con.unregister("derived_sizes")
    return [warning] if warning else []
