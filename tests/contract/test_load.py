"""Clean loads in every format and encoding: same Parquet bytes, reconciled, recorded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from corptier.cli import app
from corptier.contract.output import output_schema
from corptier.contract.schema import TABLES
from corptier.errors import ContractError
from corptier.services import load_period
from corptier.store.db import unit_of_work
from corptier.store.models import AuditLog, LoadRun
from sample_data import sample_rows, write_sample_period, write_tables

PERIOD = "2026-09"


def output_bytes(ws) -> dict[str, bytes]:
    return {t: (ws.partition_dir(t, PERIOD) / "part-0.parquet").read_bytes() for t in TABLES}


def test_clean_period_loads_every_row(workspace, tmp_path):
    write_sample_period(tmp_path / "in", PERIOD)
    report = load_period(workspace, PERIOD, tmp_path / "in")
    expected = {t: len(r) for t, r in sample_rows(PERIOD).items()}
    assert {t: (r.read, r.accepted, r.rejected) for t, r in report.tables.items()} == {
        t: (n, n, 0) for t, n in expected.items()
    }
    assert list(report.tables) == list(TABLES)
    assert not any((workspace.quarantine_dir / PERIOD).iterdir())
    for table in TABLES:
        stored = pq.read_table(workspace.partition_dir(table, PERIOD) / "part-0.parquet")
        assert stored.schema.remove_metadata() == output_schema(TABLES[table])
        assert stored.num_rows == expected[table]


def test_outputs_are_sorted_and_customers_derived(workspace, tmp_path):
    write_sample_period(tmp_path / "in", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "in")
    tx = pq.read_table(workspace.partition_dir("transactions", PERIOD) / "part-0.parquet")
    keys = list(zip(*(tx.column(c).to_pylist() for c in TABLES["transactions"].sort_by),
                    strict=True))
    assert keys == sorted(keys)
    customers = pq.read_table(workspace.partition_dir("customers", PERIOD) / "part-0.parquet")
    derived = {r["customer_id"]: (r["industry_section"], r["enterprise_size"])
               for r in customers.to_pylist()}
    assert derived == {
        "C001": ("C", "large"), "C002": ("G", "small"), "C003": ("F", "medium"),
        "C004": ("E", "micro"), "C005": ("H", "unclassified"),
    }
    reason = customers.column("size_reason").to_pylist()[0]
    assert "employees ≥ 1000" in reason


def test_reconciliation_recorded_in_app_database(workspace, tmp_path):
    paths = write_sample_period(tmp_path / "in", PERIOD)
    report = load_period(workspace, PERIOD, tmp_path / "in")
    with unit_of_work(workspace.db) as session:
        runs = session.scalars(select(LoadRun).order_by(LoadRun.id)).all()
        audit = session.scalars(select(AuditLog)).all()
    assert [r.table_name for r in runs] == list(TABLES)
    run = runs[list(TABLES).index("customers")]
    assert (run.load_id, run.period, run.rows_read, run.rows_accepted, run.rows_rejected) == (
        report.load_id, PERIOD, 5, 5, 0
    )
    assert run.fingerprint == hashlib.sha256(paths["customers"].read_bytes()).hexdigest()
    assert [(a.action, a.entity_id) for a in audit] == [("load_period", PERIOD)]


@pytest.mark.parametrize(
    ("fmt", "encoding"),
    [("csv", "utf-8-sig"), ("csv", "gbk"), ("csv", "gb18030"), ("parquet", ""), ("xlsx", "")],
)
def test_every_format_and_encoding_gives_the_same_bytes(workspace, tmp_path, fmt, encoding):
    write_sample_period(tmp_path / "utf8", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "utf8")
    reference = output_bytes(workspace)
    write_sample_period(tmp_path / "other", PERIOD, fmt=fmt, encoding=encoding or "utf-8")
    report = load_period(workspace, PERIOD, tmp_path / "other")
    assert report.rejected == 0
    assert output_bytes(workspace) == reference
    if fmt == "csv":
        assert report.tables["customers"].encoding == (
            "utf-8-sig" if encoding == "utf-8-sig" else "gb18030"
        )


def test_gb18030_characters_outside_gbk(workspace, tmp_path, quarantine):
    rows = sample_rows(PERIOD)
    rows["customers"][0]["name"] = "成都㐀精密制造有限公司"  # U+3400 is in GB18030 only
    rows["customers"][1]["employees"] = "很多"
    write_tables(tmp_path / "in", rows, encoding="gb18030")
    report = load_period(workspace, PERIOD, tmp_path / "in")
    stored = pq.read_table(workspace.partition_dir("customers", PERIOD) / "part-0.parquet")
    assert stored.column("name").to_pylist()[0] == "成都㐀精密制造有限公司"
    assert report.tables["customers"].rejected == 1
    (line,) = quarantine("customers")
    assert line["employees"] == "很多"  # quarantine is UTF-8 whatever the input was


def test_xlsx_numbers_and_dates_are_read_as_values(workspace, tmp_path, quarantine):
    rows = sample_rows(PERIOD)
    rows["transactions"][0]["amount"] = "0.1"
    rows["transactions"][1]["txn_date"] = "2026-09-31"  # stays text in the workbook
    write_tables(tmp_path / "in", rows, fmt="xlsx")
    report = load_period(workspace, PERIOD, tmp_path / "in")
    assert report.tables["transactions"].rejected == 1
    (line,) = quarantine("transactions")
    assert (line["row"], line["column"]) == ("2", "txn_date")


def test_reload_is_idempotent(workspace, tmp_path):
    write_sample_period(tmp_path / "in", PERIOD)
    first = load_period(workspace, PERIOD, tmp_path / "in")
    before = output_bytes(workspace)
    second = load_period(workspace, PERIOD, tmp_path / "in")
    assert output_bytes(workspace) == before
    assert first.load_id != second.load_id
    assert first.to_dict()["customers"]["fingerprint"] == second.to_dict()["customers"][
        "fingerprint"
    ]
    assert not list(workspace.temp_dir.glob("load-*"))


def test_header_names_are_matched_loosely_and_delimiter_detected(workspace, tmp_path):
    folder = tmp_path / "in"
    write_sample_period(folder, PERIOD)
    path = folder / "rating_scale.csv"
    text = path.read_text(encoding="utf-8").replace(",", ";")
    path.write_text(text.replace("rating;rank", " Rating ;RANK"), encoding="utf-8")
    report = load_period(workspace, PERIOD, folder)
    assert report.tables["rating_scale"].accepted == 7


def test_cli_prints_reconciliation_and_json(workspace, tmp_path):
    rows = sample_rows(PERIOD)
    rows["transactions"][0]["amount"] = "x"
    write_tables(tmp_path / "in", rows)
    runner = CliRunner()
    args = ["load", "--period", PERIOD, "--workspace", str(workspace.root), str(tmp_path / "in")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    printed = "".join(result.stdout.split())  # long paths wrap at the console's width
    assert "Transactions" in printed and "/quarantine/2026-09" in printed
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == set(TABLES)
    assert {k: data["transactions"][k] for k in ("read", "accepted", "rejected")} == {
        "read": 10, "accepted": 9, "rejected": 1,
    }


def test_cli_fatal_problem_is_one_line_and_non_zero(workspace, tmp_path):
    write_sample_period(tmp_path / "in", PERIOD)
    Path(tmp_path / "in" / "loans.csv").unlink()
    result = CliRunner().invoke(
        app, ["load", "-p", PERIOD, "-w", str(workspace.root), str(tmp_path / "in")]
    )
    assert result.exit_code == ContractError.exit_code
    assert "loans.csv" in result.output


def test_empty_table_and_parquet_timestamps(workspace, tmp_path):
    import datetime as dt

    import pyarrow as pa

    rows = sample_rows(PERIOD)
    rows["fee_income"] = []
    write_tables(tmp_path / "in", rows)
    (tmp_path / "in" / "accounts.csv").unlink()
    accounts = pa.table({
        "account_id": [r["account_id"] for r in rows["accounts"]],
        "customer_id": [r["customer_id"] for r in rows["accounts"]],
        "product_code": [r["product_code"] for r in rows["accounts"]],
        "opened_on": [dt.datetime.fromisoformat(r["opened_on"]) for r in rows["accounts"]],
        "closed_on": pa.array([None] * len(rows["accounts"]), pa.timestamp("us")),
        "currency": ["CNY"] * len(rows["accounts"]),
    })
    pq.write_table(accounts, tmp_path / "in" / "accounts.parquet")
    report = load_period(workspace, PERIOD, tmp_path / "in")
    assert (report.tables["fee_income"].read, report.tables["fee_income"].accepted) == (0, 0)
    assert report.tables["accounts"].rejected == 0
    stored = pq.read_table(workspace.partition_dir("fee_income", PERIOD) / "part-0.parquet")
    assert stored.num_rows == 0
    assert stored.schema.remove_metadata() == output_schema(TABLES["fee_income"])


def test_the_optional_facilities_table_may_be_left_out(workspace, tmp_path):
    rows = sample_rows(PERIOD)
    write_sample_period(tmp_path / "with", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "with")
    stored = pq.read_table(workspace.partition_dir("facilities", PERIOD) / "part-0.parquet")
    assert stored.column("facility_id").to_pylist() == ["F001", "F002"]
    del rows["facilities"]
    write_tables(tmp_path / "without", rows)
    report = load_period(workspace, PERIOD, tmp_path / "without")
    assert "facilities" not in report.tables
    assert report.tables["fee_income"].accepted == 6
    # the re-load replaced the period's data: no facility of the first load is left
    assert not (workspace.partition_dir("facilities", PERIOD) / "part-0.parquet").exists()
