"""The audit log page: filtered by actor, action, entity and date range; exported as CSV
(UTF-8 with BOM, formula cells neutralised) by admins and auditors only; hostile values
shown as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from corptier.csv_safety import BOM
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

HOSTILE_ID = "=HYPERLINK(\"http://x\")"
NOTE = "<script>alert(1)</script>[bold]x[/bold]"


@pytest.fixture(scope="module", autouse=True)
def entries(module_ws: Workspace) -> None:
    """Two entries of an entity of their own: one with hostile text, one dated 2020."""
    with UnitOfWork(module_ws.db) as uow:
        uow.audit.record(datetime.now(UTC), "boss", "note", "test_entity", HOSTILE_ID,
                         after={"text": NOTE})
        uow.audit.record(datetime(2020, 1, 15, 8), "aud", "note", "test_entity", "old",
                         after={"text": "-2+3+cmd|' /C calc'!A0"})


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"))))


def test_the_page_filters_by_entity_actor_action_and_dates(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("risky")
    both = client.get("/audit?entity=test_entity")
    assert both.status_code == 200
    assert "<td>test_entity old</td>" in both.text
    assert both.text.count("<td>note</td>") == 2 and "<td>login</td>" not in both.text
    mine = client.get("/audit?entity=test_entity&actor=aud").text
    assert "<td>test_entity old</td>" in mine and mine.count("<td>note</td>") == 1
    old = client.get("/audit?entity=test_entity&since=2020-01-15&until=2020-01-15").text
    assert old.count("<td>note</td>") == 1 and "2020-01-15 08:00:00" in old
    assert client.get("/audit?entity=test_entity&until=2020-01-14").text.count(
        "<td>note</td>") == 0
    assert client.get("/audit?action=close").text.count("<td>close</td>") >= 1


def test_hostile_entries_are_shown_as_text(module_client_as) -> None:  # type: ignore[no-untyped-def]
    page = module_client_as("aud").get("/audit?entity=test_entity").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;[bold]x[/bold]" in page
    assert "=HYPERLINK(&#34;http://x&#34;)" in page


def test_a_malformed_day_is_one_line(module_client_as) -> None:  # type: ignore[no-untyped-def]
    answer = module_client_as("boss").get("/audit?since=2020-13-01")
    assert answer.status_code == 422
    assert "YYYY-MM-DD" in answer.text and "Traceback" not in answer.text


def test_the_export_is_the_filtered_log_neutralised_with_a_bom(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("aud")
    page = client.get("/audit?entity=test_entity&actor=boss")
    assert 'href="/audit/export.csv?actor=boss&amp;entity=test_entity"' in page.text
    answer = client.get("/audit/export.csv?actor=boss&entity=test_entity")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="audit.csv"'
    header, *rows = _rows(answer.content)
    assert header == ["seq", "at", "actor", "action", "entity", "entity_id", "before", "after"]
    assert len(rows) == 1
    assert rows[0][2:6] == ["boss", "note", "test_entity", "'" + HOSTILE_ID]
    assert '"text": "<script>' in rows[0][7]
    old = _rows(client.get("/audit/export.csv?entity=test_entity&until=2020-12-31").content)
    assert [r[5] for r in old[1:]] == ["old"]


def test_every_exported_cell_is_safe_for_a_spreadsheet(module_client_as) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(module_client_as("boss").get("/audit/export.csv").content)
    assert len(rows) > 3
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.lstrip("-").replace(".", "").isdigit()


@pytest.mark.parametrize("name", ["risky", "ana", "zhang", "branch", "plain"])
def test_only_admins_and_auditors_export(module_client_as, name: str) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as(name)
    answer = client.get("/audit/export.csv?entity=test_entity")
    assert answer.status_code == 403 and "test_entity" not in answer.text
    if name == "risky":
        page = client.get("/audit")
        assert page.status_code == 200 and "/audit/export.csv" not in page.text
