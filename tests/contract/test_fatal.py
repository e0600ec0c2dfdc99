"""Fatal problems stop the load with a message naming the file and what to do; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from corptier.errors import ContractError
from corptier.services import load_period
from corptier.store.db import unit_of_work
from corptier.store.models import LoadRun
from sample_data import write_sample_period

PERIOD = "2026-09"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_sample_period(tmp_path / "in", PERIOD)
    return tmp_path / "in"


def fails(workspace, folder, *fragments: str) -> str:
    with pytest.raises(ContractError) as info:
        load_period(workspace, PERIOD, folder)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message
    assert not workspace.periods("rating_scale")
    assert not list(workspace.temp_dir.glob("load-*"))
    with unit_of_work(workspace.db) as session:
        assert session.scalar(select(func.count(LoadRun.id))) == 0
    return message


def test_missing_folder(workspace, tmp_path):
    fails(workspace, tmp_path / "nowhere", str(tmp_path / "nowhere"), "folder not found")


def test_missing_table(workspace, folder):
    (folder / "loans.csv").unlink()
    (folder / "fee_income.csv").unlink()
    fails(workspace, folder, "loans.csv, fee_income.csv", "export every table")


def test_table_given_twice(workspace, folder):
    (folder / "loans.parquet").write_bytes(b"")
    fails(workspace, folder, "loans.csv and loans.parquet", "keep exactly one")


def test_missing_required_column(workspace, folder):
    path = folder / "accounts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(x for i, x in enumerate(line.split(",")) if i != 2) for line in lines]
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    fails(workspace, folder, str(path), "product_code", "add them", "table accounts")


def test_empty_file(workspace, folder):
    (folder / "products.csv").write_bytes(b"")
    fails(workspace, folder, "products.csv", "empty")


def test_binary_file_named_csv(workspace, folder):
    (folder / "products.csv").write_bytes("product_code\n".encode("utf-16"))
    fails(workspace, folder, "products.csv", "not a text CSV")


def test_unsupported_encoding(workspace, folder):
    path = folder / "relationship_managers.csv"
    path.write_bytes(b"rm_id,name,grade,sub_branch\nRM01,\xff\xfe,x,y\n")
    fails(workspace, folder, str(path), "line 2", "unsupported encoding")


def test_malformed_csv_structure(workspace, folder):
    path = folder / "products.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("X1,name,settlement,service,,extra,fields\n")
    fails(workspace, folder, str(path), "damaged", "export it again")


def test_corrupt_parquet(workspace, folder):
    (folder / "loans.csv").unlink()
    (folder / "loans.parquet").write_bytes(b"PAR1 this is not parquet")
    fails(workspace, folder, "loans.parquet", "not a readable Parquet file")


def test_corrupt_xlsx(workspace, folder):
    (folder / "fee_income.csv").unlink()
    (folder / "fee_income.xlsx").write_bytes(b"not a zip")
    fails(workspace, folder, "fee_income.xlsx", "not a readable .xlsx")


def test_fatal_problem_keeps_previous_load(workspace, folder):
    load_period(workspace, PERIOD, folder)
    before = (workspace.partition_dir("loans", PERIOD) / "part-0.parquet").read_bytes()
    (folder / "loans.csv").write_text("loan_id\nL1\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"loans\.csv"):
        load_period(workspace, PERIOD, folder)
    after = (workspace.partition_dir("loans", PERIOD) / "part-0.parquet").read_bytes()
    assert after == before
