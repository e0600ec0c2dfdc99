"""Mapping profiles are validated like standards: each error names the file, line and field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from corptier.contract.profile import load_profile, parse_profile
from corptier.errors import ContractError

SHIPPED = Path(str(resources.files("corptier") / "standards" / "profiles" / "cn_core_banking.yaml"))


def test_the_shipped_profile_is_valid_and_reads_wan_yuan_and_percent():
    profile = load_profile(SHIPPED)
    assert profile.table("customers").columns["customer_id"] == "客户编号"
    assert profile.unit_factor("loans", "balance") == "10000"
    assert profile.unit_factor("loans", "client_rate") == "0.01"
    assert profile.unit_factor("loans", "days_overdue") == "1"
    assert profile.formats_of("customers").date_format == "%Y%m%d"
    assert profile.formats_of("customers").encoding == "gbk"


def test_a_table_overrides_the_profile_formats():
    profile = parse_profile(
        "name: x\nformats: {money_unit: 万元}\ntables:\n"
        "  loans: {money_unit: 亿元, units: {balance: 元}}\n")
    assert profile.unit_factor("loans", "avg_daily_balance") == "100000000"
    assert profile.unit_factor("loans", "balance") == "1"
    assert profile.unit_factor("balances", "avg_daily_balance") == "10000"
    assert profile.formats_of("balances").thousands == ","


@pytest.mark.parametrize(("text", "where"), [
    ("name: x\ntables:\n  loans:\n    columns: {loan_nr: 借据号}\n",
     "p.yaml:4: tables.loans.columns.loan_nr: table loans has no column loan_nr"),
    ("name: x\ntables:\n  loans:\n    codes:\n      classification: {'9': 坏账}\n",
     "p.yaml:5: tables.loans.codes.classification.9: '坏账' is not a value of classification"),
    ("name: x\ntables:\n  loans:\n    units: {days_overdue: 万元}\n",
     "p.yaml:4: tables.loans.units.days_overdue: days_overdue is neither amount nor rate"),
    ("name: x\ntables:\n  loans:\n    units: {balance: percent}\n",
     "p.yaml:4: tables.loans.units.balance: balance is an amount"),
    ("name: x\ntables:\n  laons: {}\n", "p.yaml:3: tables.laons: unknown table"),
    ("name: x\nformats:\n  date_format: YYYYMMDD\ntables: {}\n",
     "p.yaml:3: formats.date_format: a date format uses %Y"),
    ("name: x\ntables:\n  loans: {file: ../x/*.csv}\n",
     "p.yaml:3: tables.loans.file: a file pattern names a file"),
    ("name: x\ntables:\n  loans: {colums: {}}\n", "p.yaml:3: tables.loans.colums: unknown field"),
    ("a: &x {b: 1}\nc:\n  <<: *x\n", "p.yaml:3: not a plain YAML profile"),
    ("tables: {}\n", "p.yaml:1: name: required field is missing"),
])
def test_errors_name_file_line_and_field(text, where):
    with pytest.raises(ContractError) as err:
        parse_profile(text, "p.yaml")
    assert where in str(err.value)
    assert "docs/standard.md" not in str(err.value)


def test_an_unreadable_profile_is_one_clear_error(tmp_path):
    with pytest.raises(ContractError, match="cannot read the profile"):
        load_profile(tmp_path / "missing.yaml")
    (tmp_path / "gbk.yaml").write_bytes("name: 中文".encode("gbk"))
    with pytest.raises(ContractError, match="not UTF-8"):
        load_profile(tmp_path / "gbk.yaml")
