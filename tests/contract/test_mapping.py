"""A bank's own exports, read through a mapping profile inside the engine: the same data as the
canonical files, and quarantine reasons that name the file, line, source column and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_profile import SHIPPED

from corptier.contract.mapping import find_profile_files
from corptier.contract.profile import load_profile, parse_profile
from corptier.errors import ContractError
from corptier.services import init_workspace, load_period, synthesize_bank
from corptier.synth.export_shape import file_name

PERIOD = "2026-09"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> tuple[Path, Path]:
    """The same small synthetic month as canonical Parquet and as the shipped profile's
    GBK export."""
    root = tmp_path_factory.mktemp("exports")
    synthesize_bank(root / "canonical", customers=25, months=1, start=PERIOD)
    synthesize_bank(root / "shaped", customers=25, months=1, start=PERIOD, profile=SHIPPED)
    return root / "canonical" / PERIOD, root / "shaped" / PERIOD


def _data(ws) -> dict[str, bytes]:
    return {str(p.relative_to(ws.data_dir)): p.read_bytes()
            for p in sorted(ws.data_dir.rglob("*.parquet"))}


def test_the_profiled_export_loads_exactly_as_the_canonical_files(exports, tmp_path):
    canonical, shaped = exports
    customers = shaped / file_name(load_profile(SHIPPED), "customers", PERIOD)
    text = customers.read_bytes().decode("gbk")
    assert text.startswith("客户编号,客户名称,统一社会信用代码")
    assert ',"1,' in text or '"2,' in text  # 万元 with thousands separators
    a, b = init_workspace(tmp_path / "a"), init_workspace(tmp_path / "b")
    plain = load_period(a, PERIOD, canonical)
    mapped = load_period(b, PERIOD, shaped, profile=SHIPPED)
    assert mapped.rejected == 0 and mapped.read == plain.read
    assert mapped.tables["customers"].encoding == "gb18030"
    assert _data(a) == _data(b)


def _edit_gbk(path: Path, row: int, header: str, value: str) -> None:
    lines = list(csv.reader(path.read_bytes().decode("gbk").splitlines()))
    lines[row][lines[0].index(header)] = value
    with path.open("w", encoding="gbk", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(lines)


def test_quarantine_names_file_line_source_column_and_field(exports, tmp_path):
    import shutil

    _, shaped = exports
    folder = tmp_path / "in"
    shutil.copytree(shaped, folder)
    profile = load_profile(SHIPPED)
    loans = folder / file_name(profile, "loans", PERIOD)
    _edit_gbk(loans, 1, "五级分类", "9")
    _edit_gbk(loans, 2, "贷款余额", "12,34.5")
    ws = init_workspace(tmp_path / "ws")  # zh-CN
    load_period(ws, PERIOD, folder, profile=SHIPPED, accept_partial=True)
    q = (ws.quarantine_dir / PERIOD / "loans.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(q.splitlines()))
    reasons = {r["column"]: r["reason"] for r in rows}
    assert reasons["classification"].startswith(
        f"{loans.name} 第 2 行，列“五级分类” → classification："
        "'9' 不在允许的取值中：正常, 关注, 次级")
    assert "tables.loans.codes.classification" in reasons["classification"]
    assert reasons["balance"] == (f"{loans.name} 第 3 行，列“贷款余额” → balance："
                                  "'12,34.5' 不是数字（请用阿拉伯数字和小数点，如 1234.56）")
    assert {r["classification"] for r in rows if r["column"] == "classification"} == {"9"}


def test_files_are_found_by_pattern_and_a_missing_one_is_named(exports, tmp_path):
    _, shaped = exports
    files, ignored = find_profile_files(shaped, load_profile(SHIPPED))
    assert files["loans"].path.name == "贷款借据_20260930.csv" and ignored == []
    profile = parse_profile("name: p\ntables:\n  loans: {file: 借据*.csv}\n")
    with pytest.raises(ContractError) as err:
        find_profile_files(shaped, profile)
    assert "profile p: no file for table rating_scale (looking for 'rating_scale.*'" in str(
        err.value)
    assert "no file for table loans (looking for '借据*.csv'; export it, or correct " \
           "tables.loans.file)" in str(err.value)


def test_header_names_the_source_column_when_missing(exports, tmp_path):
    import shutil

    _, shaped = exports
    folder = tmp_path / "in"
    shutil.copytree(shaped, folder)
    loans = folder / file_name(load_profile(SHIPPED), "loans", PERIOD)
    loans.write_bytes(loans.read_bytes().replace("借据号".encode("gbk"), "借据编号".encode("gbk")))
    with pytest.raises(ContractError, match=r"借据号 \(loan_id\)"):
        load_period(init_workspace(tmp_path / "ws"), PERIOD, folder, profile=SHIPPED)
