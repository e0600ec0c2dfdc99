"""`import_contacts` on SQLite and PostgreSQL: a GBK file with Chinese headers, every bad row
rejected naming its row and field (quarantined), read = accepted + rejected, nothing added
twice, one primary per role, one audit entry."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive_book import write_customers
from corptier.errors import ContractError
from corptier.services import add_contact, import_contacts, list_contacts
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

HOSTILE = '=cmd|"/c calc"!A1 <script>x</script> [bold]'
HEADER = ["客户编号", "角色", "姓名", "手机", "邮箱", "职务", "核实日期", "主要联系人"]


def APR_10() -> datetime:
    return datetime(2026, 4, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_customers(ws)
    return ws


def _write(path: Path, rows: list[list[str]], encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def test_import_reconciles_and_quarantines_each_bad_row(ws: Workspace, tmp_path: Path) -> None:
    add_contact(ws, "C1", "li", role="法定代表人", name="张伟", phone="13812345678",
                primary=True, clock=APR_10)
    path = _write(tmp_path / "联系人.csv", [
        ["C1", "财务负责人", "王芳", "13900001111", "", "财务总监", "2026-03-01", "是"],  # 2
        ["C2", "经办人", HOSTILE, "", "op@example.com", "", "", ""],                       # 3
        ["C1", "法定代表人", "张伟", "13812345678", "", "", "", ""],     # 4: already kept
        ["C1", "法定代表人", "李强", "13800000000", "", "", "", "1"],    # 5: second primary
        ["C3", "经办人", "赵敏", "13700000000", "", "", "", ""],         # 6: not in 2026-03
        ["C2", "厨师", "钱多", "13600000000", "", "", "", ""],           # 7: unknown role
        ["C2", "经办人", "孙丽", "", "", "", "", ""],                    # 8: no phone/e-mail
        ["C2", "经办人", "周杰", "12ab", "", "", "", ""],                # 9: bad phone
        ["C2", "经办人", "吴昊", "13500000000", "", "", "2099-01-01", ""],  # 10: future
        ["C2", "经办人", "孙丽", "13400000000", "", "", "", ""],         # 11: ok now
        ["C2", "经办人", "孙丽", "13400000000", "", "", "", ""],         # 12: twice in file
    ])
    done = import_contacts(ws, path, "li", clock=APR_10)
    assert (done.read, done.accepted, done.rejected) == (11, 3, 8)
    assert [(r.row, r.field) for r in done.rejections] == [
        (4, "customer_id"), (5, "primary"), (6, "customer_id"), (7, "role"), (8, "phone"),
        (9, "phone"), (10, "verified_on"), (12, "customer_id")]
    assert "already recorded (contact 1)" in done.rejections[0].reason
    assert "already has a primary legal_representative (contact 1)" in done.rejections[1].reason
    assert "not among the customers of the latest loaded period" in done.rejections[2].reason
    assert "already recorded (row 11)" in done.rejections[7].reason
    c1 = list_contacts(ws, "C1")
    assert [(c.role, c.name, c.primary, str(c.verified_on)) for c in c1] == [
        ("finance_head", "王芳", True, "2026-03-01"), ("legal_representative", "张伟", True,
                                                     "None")]
    assert {c.name for c in list_contacts(ws, "C2")} == {HOSTILE, "孙丽"}
    assert done.quarantine is not None
    quarantined = done.quarantine.read_text(encoding="utf-8-sig")
    assert "联系人.csv,7,role," in quarantined
    with UnitOfWork(ws.db) as uow:
        entries = uow.audit.for_entity("contact_import", "联系人.csv")
    assert len(entries) == 1 and entries[0].after["accepted"] == 3


def test_a_file_without_the_name_column_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,role,phone\nC1,经办人,13900000000\n", encoding="utf-8")
    with pytest.raises(ContractError, match="no column for name"):
        import_contacts(ws, path, "li", clock=APR_10)
