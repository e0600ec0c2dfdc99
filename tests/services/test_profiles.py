"""Starting a mapping profile and trying it on a sample before any load."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from corptier.cli import app
from corptier.contract.profile import load_profile
from corptier.contract.schema import TABLES
from corptier.errors import ContractError, ParameterError
from corptier.services import check_profile, init_profile, synthesize_bank
from corptier.synth.export_shape import file_name

PERIOD = "2026-09"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    synthesize_bank(root, customers=15, months=1, start=PERIOD, profile="cn_core_banking")
    return root / PERIOD


def test_init_writes_a_valid_profile_and_a_template_with_both_headers(tmp_path):
    files = init_profile(tmp_path, "branch_01")
    profile = load_profile(files.profile)
    assert profile.name == "branch_01"
    assert "# A typical Chinese core-banking export" in files.profile.read_text("utf-8")
    book = load_workbook(files.template, read_only=True)
    assert book.sheetnames == list(TABLES)
    rows = list(book["customers"].iter_rows(values_only=True))
    assert rows[0][:2] == ("customer_id", "name")
    assert rows[1][:3] == ("客户编号", "客户名称", "统一社会信用代码")
    assert rows[2][0].startswith("C") and len(rows[2][2]) == 18  # an example customer
    loans = list(book["loans"].iter_rows(values_only=True))
    assert loans[1][-1] == "五级分类" and loans[2][-1] in {"1", "2", "3", "4", "5"}
    with pytest.raises(ParameterError, match="exists already"):
        init_profile(tmp_path, "branch_01")
    with pytest.raises(ParameterError, match="profile name"):
        init_profile(tmp_path, "../evil")


def test_check_shows_each_mapping_and_the_values_without_one(exports, tmp_path):
    clean = check_profile(exports, "cn_core_banking", sample_rows=40)
    assert clean.ok
    loans = next(t for t in clean.tables if t.table == "loans")
    balance = next(c for c in loans.columns if c.field == "balance")
    assert balance.source == "贷款余额"
    assert balance.mapped is not None and balance.example is not None
    assert float(balance.mapped) == pytest.approx(float(balance.example.replace(",", "")) * 1e4)

    folder = tmp_path / PERIOD
    shutil.copytree(exports, folder)
    path = folder / file_name(load_profile("cn_core_banking"), "transactions", PERIOD)
    text = path.read_bytes().decode("gbk").replace(",柜面,", ",微信,", 3)
    path.write_bytes(text.encode("gbk"))
    result = check_profile(folder, "cn_core_banking", sample_rows=40)
    assert not result.ok
    transactions = next(t for t in result.tables if t.table == "transactions")
    channel = next(c for c in transactions.columns if c.field == "channel")
    assert channel.unmapped == ("微信",) and channel.problems >= 1


def test_check_needs_a_period_and_names_missing_files(tmp_path):
    (tmp_path / "exports").mkdir()
    with pytest.raises(ParameterError, match="--period"):
        check_profile(tmp_path / "exports", "cn_core_banking")
    result = check_profile(tmp_path / "exports", "cn_core_banking", period=PERIOD)
    assert not result.ok and "no file for table customers" in (result.tables[0].error or "")


def test_cli_profile_init_and_check(exports, tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["profile", "init", "b1", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["profile", "check", str(exports), "--profile",
                              str(tmp_path / "b1.yaml"), "--rows", "20"])
    assert out.exit_code == 0, out.output
    assert "贷款余额" in out.output and "All sampled values map." in out.output
    out = runner.invoke(app, ["profile", "check", str(tmp_path), "--profile", "b1", "-p", PERIOD])
    assert out.exit_code == ContractError.exit_code
    assert "Traceback" not in out.output
