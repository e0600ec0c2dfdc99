"""Validate one period's folder of table files into a staging area of the workspace.

Fatal problems (missing folder, table, column; unreadable file; unsupported encoding) raise
ContractError and change nothing. Row problems reject rows into quarantine. The load service
(`corptier.services.load_period`) swaps the staged tables in together with their
reconciliation in the app database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from corptier.contract.consistency import overdue_class_warnings, warnings_table
from corptier.contract.currencies import check_currencies
from corptier.contract.customers import check_customers, derive_customer_columns
from corptier.contract.guarantees import check_guarantees
from corptier.contract.mapping import explain_problems, find_profile_files, map_values
from corptier.contract.output import write_parquet
from corptier.contract.profile import Profile
from corptier.contract.quarantine import QuarantineWriter
from corptier.contract.readers import SourceFile, find_table_files, quote_ident, read_table
from corptier.contract.reconcile import LoadReport, LoadWarning, TableReport
from corptier.contract.schema import TABLES, TableSpec
from corptier.contract.staging import Staging
from corptier.contract.validation import Gettext, TableValidator, english
from corptier.i18n import Translator
from corptier.workspace import PARTITION_FILE, Workspace

Progress = Callable[[str], None]


def stage_period(
    ws: Workspace, staging: Staging, period: str, path: Path | str,
    *, progress: Progress | None = None, profile: Profile | None = None,
) -> LoadReport:
    """Validate every contract table found in `path` as period `period` into `staging` (the
    workspace is not touched until the staging is swapped in); return the reconciliation.
    With a mapping `profile`, files are found and values mapped as it says."""
    started, clock = _now(), time.perf_counter()
    if profile is None:
        files, ignored = find_table_files(Path(path))
    else:
        files, ignored = find_profile_files(Path(path), profile)
    tables = _load_tables(ws, staging, files, period, progress, profile)
    _check_currencies(ws, staging, files, period, Path(path))
    return LoadReport(
        staging.load_id, period, str(Path(path).resolve()), tables, started,
        round(time.perf_counter() - clock, 3),
        tuple(f"file {name} is not a contract table; ignored" for name in ignored),
    )


def _load_tables(
    ws: Workspace,
    staging: Staging,
    files: dict[str, SourceFile],
    period: str,
    progress: Progress | None,
    profile: Profile | None,
) -> dict[str, TableReport]:
    con = connect(ws, staging.work)
    gettext = Translator(ws.config.workspace.language)
    try:
        quarantine = QuarantineWriter(con, staging.quarantine)
        reports = {}
        for name, source in files.items():
            if progress:
                progress(name)
            reports[name] = load_table(con, source, period, staging, quarantine,
                                       LoadRules.of(ws), profile, gettext)
        return reports
    finally:
        con.close()


def _check_currencies(
    ws: Workspace, staging: Staging, files: dict[str, SourceFile], period: str, folder: Path
) -> None:
    """Stop the load when a held foreign currency has no exchange rate or FTP curve."""
    con = connect(ws, staging.work)
    try:
        check_currencies(con, staging.root, files, period, folder)
    finally:
        con.close()


def connect(ws: Workspace, work: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the workspace's limits, spilling into the staging folder."""
    engine = ws.config.engine
    return duckdb.connect(config={
        "threads": engine.threads,
        "memory_limit": engine.memory_limit,
        "temp_directory": str(work / "duckdb"),
        "preserve_insertion_order": True,
    })


@dataclass(frozen=True)
class LoadRules:
    """The configured thresholds the loader's consistency checks use."""

    default_days_overdue: int = 90
    default_class: str = "次级"

    @classmethod
    def of(cls, ws: Workspace) -> LoadRules:
        a = ws.config.assumptions
        return cls(a.default_days_overdue, a.default_class)


def load_table(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    period: str,
    staging: Staging,
    quarantine: QuarantineWriter,
    rules: LoadRules = LoadRules(),
    profile: Profile | None = None,
    gettext: Gettext = english,
) -> TableReport:
    """Read, check, write accepted rows and quarantine of one table; return its reconciliation."""
    spec = TABLES[source.table]
    raw = read_table(con, source, staging.work)
    warnings = _header_warnings(spec, raw.missing_optional, raw.extra_columns)
    shown = map_values(con, spec, profile) if profile else None
    v = TableValidator(con, spec, period, shown, gettext)
    v.check_columns()
    v.check_duplicates()
    if spec.name == "customers":
        warnings += check_customers(con, v)
    if spec.name == "guarantees":
        check_guarantees(con, v)
    v.check_references()
    v.check_self_references()
    v.finish()
    if profile is not None:
        explain_problems(con, v.problems, source, raw.header, profile, gettext)
    if spec.name == "customers":
        warnings += derive_customer_columns(con, v, period)
    folder = staging.partition(spec.name)
    accepted = write_parquet(con, _output_sql(v, spec), spec, folder)
    q_path = quarantine.write(spec, v.problems, v.shown)
    if spec.name == "loans":
        warnings += overdue_class_warnings(
            con, v, rules.default_days_overdue, rules.default_class
        )
        quarantine.write_warnings(spec, warnings_table(v), v.shown)
    rejected = v.rejected_count()
    report = TableReport(
        spec.name, str(source.path), source.format, raw.encoding, raw.fingerprint,
        raw.rows, accepted, rejected, tuple(warnings), v.problem_summary(),
        _relative(q_path, staging.quarantine, f"quarantine/{period}"),
        f"data/{spec.name}/period={period}/{PARTITION_FILE}",
    )
    for name in dict.fromkeys((v.raw, v.shown, v.checked, v.problems, warnings_table(v))):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return report


def _output_sql(v: TableValidator, spec: TableSpec) -> str:
    columns = ", ".join(f"c.{quote_ident(c)}" for c in spec.column_names)
    # a sort that includes the whole key is already total (duplicates were rejected)
    ties = [] if set(spec.key) <= set(spec.sort_by) else ["__row"]
    order = ", ".join(f"c.{quote_ident(c)}" for c in (*spec.sort_by, *ties))
    if spec.name != "customers":
        return f"{v.accepted_sql(columns)} ORDER BY {order}"
    derived = "d.industry_section, d.enterprise_size, d.size_reason"
    return (
        f"SELECT {columns}, {derived} FROM {v.checked} c JOIN derived_customers d "
        f"ON d.__row = c.__row ORDER BY {order}"
    )


def _header_warnings(
    spec: TableSpec, missing: tuple[str, ...], extra: tuple[str, ...]
) -> list[LoadWarning]:
    defaults = {c: spec.column(c).default for c in missing}
    out = [
        LoadWarning(c, "optional column missing from the file; loaded as empty")
        if defaults[c] is None else
        LoadWarning(c, f"column missing from the file; every row loaded as {defaults[c]}")
        for c in missing
    ]
    out += [LoadWarning(c, "column is not in the contract; ignored") for c in extra]
    return out


def _relative(path: Path | None, staged_root: Path, shown_root: str) -> str | None:
    return None if path is None else f"{shown_root}/{path.relative_to(staged_root)}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
