"""The Data pages: loads with their reconciliation, closes and runs, and quarantine rows
paged on the server, limited to the reader's scope (an RM never sees another book's rows),
hostile values shown as text, unknown tables, kinds and pages refused with one line."""

from __future__ import annotations

import re

import pytest

from corptier.workspace import Workspace
from web_bank import write_quarantine

HOSTILE = "<script>alert(1)</script>[bold]x[/bold]"


@pytest.fixture(scope="module", autouse=True)
def quarantine(module_ws: Workspace) -> None:
    """2026-09: 60 rejected loan rows of C001 (RM01, 高新支行) and 60 of C003 (RM02, 锦江支行),
    hostile values among them; one rejected product row (no customer id)."""
    rows = [{"row": str(i + 2), "column": "balance", "reason": "not a number",
             "customer_id": "C001" if i % 2 else "C003", "loan_id": f"L{i:03d}",
             "balance": "=cmd|' /C calc'!A0" if i == 1 else HOSTILE if i == 3 else "x"}
            for i in range(120)]
    write_quarantine(module_ws, "2026-09", "loans", rows)
    write_quarantine(module_ws, "2026-09", "products", [
        {"row": "2", "column": "category", "reason": "unknown category", "product_code": "P9",
         "name": "秘密产品"}])


def _cells(html: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", html)


def test_the_data_page_shows_each_load_reconciled_and_the_runs(module_client_as) -> None:  # type: ignore[no-untyped-def]
    page = module_client_as("ana").get("/data")
    assert page.status_code == 200
    for period in ("2026-08", "2026-09"):
        assert f"<td rowspan=\"15\">{period}</td>" in page.text
    assert "<td>customers.csv</td>" in page.text and "✓" in page.text
    assert "<td>system</td>" not in page.text  # the loader sits in a rowspan cell
    assert re.search(r'rowspan="15">system</td>', page.text)
    assert "已发布" in page.text and "branch-default 2026.1" in page.text
    run = re.search(r"<td>([0-9a-f]{32})</td>", page.text)
    assert run, "the published run id is listed"
    assert "<td>boss</td>" in page.text  # who closed it
    assert 'href="/data/2026-09/quarantine/loans?kind=rejected"' in page.text


def test_a_bank_wide_reader_pages_through_every_quarantine_row(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("aud")
    first = client.get("/data/2026-09/quarantine/loans")
    assert first.status_code == 200
    assert "共 120 行" in first.text and "1 / 3" in first.text
    assert first.text.count("<td>not a number</td>") == 50
    last = client.get("/data/2026-09/quarantine/loans?page=3")
    assert last.text.count("<td>not a number</td>") == 20
    assert "<td>L119</td>" in last.text and "<td>L000</td>" not in last.text
    assert client.get("/data/2026-09/quarantine/loans?page=4").text.count(
        "<td>not a number</td>") == 0


def test_hostile_values_are_shown_as_text(module_client_as) -> None:  # type: ignore[no-untyped-def]
    page = module_client_as("boss").get("/data/2026-09/quarantine/loans")
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;[bold]x[/bold]" in page.text
    assert "<td>&#39;=cmd|&#39; /C calc&#39;!A0</td>" in page.text


@pytest.mark.parametrize(("name", "mine", "other"), [
    ("zhang", "C001", "C003"), ("li", "C003", "C001"), ("head", "C001", "C003"),
    ("branch", "C003", "C001")])
def test_a_scoped_reader_sees_only_the_quarantine_rows_of_their_book(
        module_client_as, name: str, mine: str, other: str) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as(name)
    pages = [client.get(f"/data/2026-09/quarantine/loans?page={n}").text for n in (1, 2, 3)]
    assert "共 60 行" in pages[0] and "1 / 2" in pages[0]
    assert "仅显示您名下客户的行" in pages[0]
    cells = [c for text in pages for c in _cells(text)]
    assert cells.count(mine) == 60
    assert other not in cells


def test_rows_without_a_customer_are_shown_to_bank_wide_readers_only(module_client_as) -> None:  # type: ignore[no-untyped-def]
    hidden = module_client_as("zhang").get("/data/2026-09/quarantine/products")
    assert hidden.status_code == 200
    assert "秘密产品" not in hidden.text and "仅向全行视角的角色显示" in hidden.text
    shown = module_client_as("risky").get("/data/2026-09/quarantine/products")
    assert "<td>秘密产品</td>" in shown.text and "<td>unknown category</td>" in shown.text


@pytest.mark.parametrize(("url", "status"), [
    ("/data/2026-09/quarantine/no_such_table", 404),
    ("/data/2026-09/quarantine/customers", 404),
    ("/data/2026-09/quarantine/loans?kind=../../db", 422),
    ("/data/2026-13/quarantine/loans", 422),
    ("/data/2026-09/quarantine/loans?page=0", 422),
    ("/data/..%2F..%2Fcorptier.toml/quarantine/loans", 404),
])
def test_unknown_tables_kinds_and_pages_get_one_line(module_client_as, url: str,
                                                     status: int) -> None:  # type: ignore[no-untyped-def]
    answer = module_client_as("boss").get(url)
    assert answer.status_code == status, (answer.status_code, answer.text[-600:])
    assert "Traceback" not in answer.text and "[workspace]" not in answer.text


def test_the_plain_user_is_refused(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("plain")
    assert client.get("/data").status_code == 403
    answer = client.get("/data/2026-09/quarantine/loans")
    assert answer.status_code == 403 and "C001" not in answer.text


def test_the_pages_speak_english_after_the_switch(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("ana")
    assert "关账与运行" in client.get("/data").text
    client.post("/language", data={"lang": "en", "next": "/data", "csrf_token": client.csrf})
    try:
        page = client.get("/data").text
        assert "Closes and runs" in page and "Reconciled" in page and "关账与运行" not in page
        rows = client.get("/data/2026-09/quarantine/loans").text
        assert "120 rows" in rows and "<th>Reason</th>" in rows
        assert 'href="/reports"' in page  # an analyst reads the reports
    finally:  # the user's language is kept in the (shared) app database
        client.post("/language", data={"lang": "zh-CN", "next": "/",
                                       "csrf_token": client.csrf})
