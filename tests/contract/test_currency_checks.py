"""Currencies at load: fx_rates, the FTP curve per currency, and the CNY default of old files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corptier.errors import ContractError
from corptier.services import load_period
from sample_data import sample_rows, with_usd_account, write_tables

PERIOD = "2026-09"


def _stored(ws, table: str) -> list[dict]:
    return pq.read_table(ws.partition_dir(table, PERIOD) / "part-0.parquet").to_pylist()


def test_usd_account_with_rate_and_curve_loads(workspace, tmp_path: Path):
    write_tables(tmp_path / "in", with_usd_account(sample_rows(PERIOD), PERIOD))
    report = load_period(workspace, PERIOD, tmp_path / "in")
    assert report.tables["fx_rates"].accepted == 1
    fx = _stored(workspace, "fx_rates")
    assert [(r["currency"], str(r["rate_avg"]), str(r["rate_end"])) for r in fx] == [
        ("USD", "7.100000", "7.200000")]
    curves = {(r["currency"], r["product_kind"]) for r in _stored(workspace, "ftp_rates")}
    assert ("USD", "deposit_demand") in curves and ("CNY", "loan") in curves


def test_missing_fx_rate_is_fatal_and_names_currency_month_file(workspace, tmp_path: Path):
    rows = with_usd_account(sample_rows(PERIOD), PERIOD)
    rows["fx_rates"] = []
    write_tables(tmp_path / "in", rows)
    with pytest.raises(ContractError) as err:
        load_period(workspace, PERIOD, tmp_path / "in")
    text = str(err.value)
    assert "USD" in text and PERIOD in text and "fx_rates.csv" in text
    assert not (workspace.partition_dir("accounts", PERIOD) / "part-0.parquet").exists()


def test_no_fx_file_at_all_is_fatal_for_a_usd_account(workspace, tmp_path: Path):
    rows = with_usd_account(sample_rows(PERIOD), PERIOD)
    del rows["fx_rates"]
    write_tables(tmp_path / "in", rows)
    with pytest.raises(ContractError, match=r"accounts hold USD, .*no fx_rates file.*2026-09"):
        load_period(workspace, PERIOD, tmp_path / "in")


def test_missing_ftp_curve_of_a_held_currency_is_fatal(workspace, tmp_path: Path):
    rows = with_usd_account(sample_rows(PERIOD), PERIOD)
    rows["ftp_rates"] = [r for r in rows["ftp_rates"] if r["currency"] != "USD"]
    write_tables(tmp_path / "in", rows)
    with pytest.raises(ContractError) as err:
        load_period(workspace, PERIOD, tmp_path / "in")
    text = str(err.value)
    assert "USD" in text and PERIOD in text and "ftp_rates.csv" in text
    assert "deposit_demand" in text


def test_cny_only_bank_needs_no_fx_file(workspace, tmp_path: Path):
    rows = sample_rows(PERIOD)
    del rows["fx_rates"]
    write_tables(tmp_path / "in", rows)
    report = load_period(workspace, PERIOD, tmp_path / "in")
    assert "fx_rates" not in report.tables
    assert report.tables["accounts"].accepted == 8


def test_ftp_file_without_currency_loads_as_cny_with_a_warning(workspace, tmp_path: Path):
    rows = sample_rows(PERIOD)
    rows["ftp_rates"] = [{k: v for k, v in r.items() if k != "currency"}
                         for r in rows["ftp_rates"]]
    write_tables(tmp_path / "in", rows)
    report = load_period(workspace, PERIOD, tmp_path / "in")
    ftp = report.tables["ftp_rates"]
    assert (ftp.read, ftp.accepted) == (4, 4)
    assert [str(w) for w in ftp.warnings] == [
        "currency: column missing from the file; every row loaded as CNY"]
    assert {r["currency"] for r in _stored(workspace, "ftp_rates")} == {"CNY"}
