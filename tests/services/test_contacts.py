"""Contacts on SQLite and PostgreSQL: masked lists and exports, full views only for allowed
roles and always audited, optimistic locking (a stale edit or removal names who changed the
contact), one primary per role, every change audited with before/after."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive_book import write_customers
from corptier.errors import ApprovalError, ForbiddenError, NotFoundError, RequestError
from corptier.services import (
    add_contact,
    add_user,
    edit_contact,
    export_contacts,
    grant_user,
    list_contacts,
    remove_contact,
)
from corptier.store import UnitOfWork
from corptier.store.models import Contact
from corptier.workspace import Workspace

HOSTILE = '=cmd|"/c calc"!A1 <script>x</script> [bold]'


def at(hour: int) -> datetime:
    return datetime(2026, 4, 10, hour, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_customers(ws)
    return ws


def audit(ws: Workspace, entity: str, entity_id: str) -> list[tuple[str, str, dict | None,
                                                                   dict | None]]:
    with UnitOfWork(ws.db) as uow:
        return [(r.actor, r.action, r.before, r.after)
                for r in uow.audit.for_entity(entity, entity_id)]


def test_lists_and_exports_are_masked_and_full_views_are_logged(ws: Workspace,
                                                                 tmp_path: Path) -> None:
    c = add_contact(ws, "C1", "li", role="legal_representative", name=HOSTILE,
                    phone="13812345678", email="zhang@example.com", clock=lambda: at(9))
    masked = list_contacts(ws, "C1")
    assert [(m.phone, m.email, m.masked, m.name) for m in masked] == [
        ("138****5678", "z***@example.com", True, HOSTILE)]
    assert audit(ws, "customer_contacts", "C1") == []
    full = list_contacts(ws, "C1", full=True, viewer="wang", clock=lambda: at(10))
    assert (full[0].phone, full[0].email) == ("13812345678", "zhang@example.com")
    assert audit(ws, "customer_contacts", "C1") == [
        ("wang", "view_full", None, {"customer_id": "C1", "purpose": "list",
                                     "contacts": [c.id]})]
    out = tmp_path / "contacts.csv"
    assert export_contacts(ws, "C1", out) == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert (rows[0]["phone"], rows[0]["email"], rows[0]["name"]) == (
        "138****5678", "z***@example.com", "'" + HOSTILE)
    assert export_contacts(ws, "C1", tmp_path / "full.csv", full=True, viewer="wang") == 1
    assert "13812345678" in (tmp_path / "full.csv").read_text(encoding="utf-8-sig")
    assert [(a["purpose"]) for *_, a in audit(ws, "customer_contacts", "C1")] == ["list",
                                                                                 "export"]
    with pytest.raises(RequestError, match="viewer"):
        list_contacts(ws, "C1", full=True)


def test_a_stale_edit_is_refused_naming_who_changed_the_contact(ws: Workspace) -> None:
    c = add_contact(ws, "C1", "li", role="finance_head", name="王芳", phone="13900001111",
                    clock=lambda: at(9))
    edited = edit_contact(ws, c.id, 1, "wang", position="财务总监", clock=lambda: at(10))
    assert (edited.version, edited.position, edited.updated_by) == (2, "财务总监", "wang")
    with pytest.raises(ApprovalError, match=r"changed by wang at 2026-04-10 10:00 UTC "
                                            r"\(now version 2; you edited version 1\)"):
        edit_contact(ws, c.id, 1, "li", phone="13900002222", clock=lambda: at(11))
    with pytest.raises(ApprovalError, match="changed by wang"):
        remove_contact(ws, c.id, 1, "li")
    assert list_contacts(ws, "C1", full=True, viewer="li")[0].phone == "13900001111"
    removed = remove_contact(ws, c.id, 2, "li", clock=lambda: at(12))
    assert removed.name == "王芳" and list_contacts(ws, "C1") == []
    with pytest.raises(NotFoundError):
        edit_contact(ws, c.id, 2, "wang", name="x")
    history = audit(ws, "contact", str(c.id))
    assert [(a, action) for a, action, _b, _a in history] == [
        ("li", "add"), ("wang", "edit"), ("li", "remove")]
    assert history[1][2]["position"] is None and history[1][3]["position"] == "财务总监"
    assert history[1][3]["version"] == 2 and history[2][3] is None
    with UnitOfWork(ws.db) as uow:   # two editors racing at the same version: one wins
        second = uow.contacts.add(_contact())
        assert uow.contacts.update_at_version(second.id, 1, name="a")
        assert not uow.contacts.update_at_version(second.id, 1, name="b")


def _contact() -> Contact:
    now = at(13).replace(tzinfo=None)
    return Contact(customer_id="C1", role="other", name="x", phone="1234567", version=1,
                   is_primary=False, created_by="li", created_at=now, updated_by="li",
                   updated_at=now)


def test_a_new_primary_makes_the_former_one_ordinary(ws: Workspace) -> None:
    first = add_contact(ws, "C1", "li", role="operator", name="甲", phone="13800000001",
                        primary=True)
    second = add_contact(ws, "C1", "li", role="operator", name="乙", phone="13800000002",
                         primary=True)
    other = add_contact(ws, "C1", "li", role="finance_head", name="丙", phone="13800000003",
                        primary=True)
    got = {c.name: (c.primary, c.version) for c in list_contacts(ws, "C1")}
    assert got == {"甲": (False, 2), "乙": (True, 1), "丙": (True, 1)}
    assert audit(ws, "contact", str(first.id))[-1][3]["primary"] is False
    assert second.id != other.id
    with pytest.raises(NotFoundError, match="C9"):
        add_contact(ws, "C9", "li", role="other", name="x", phone="13800000009")


def test_with_users_roles_and_books_decide(ws: Workspace) -> None:
    add_user(ws, "boss")
    for name, role, rm in (("zhang", "rm", "RM02"), ("li", "rm", "RM01"),
                           ("ana", "analyst", None)):
        add_user(ws, name, "user", by="boss")
        grant_user(ws, name, role, by="boss", rm_id=rm)
    add_contact(ws, "C1", "zhang", role="treasurer", name="赵六", phone="13800000005")
    with pytest.raises(ForbiddenError, match="not in the book of li"):
        add_contact(ws, "C1", "li", role="other", name="x", phone="13800000006")
    with pytest.raises(ForbiddenError, match="not in the book of li"):
        list_contacts(ws, "C1", full=True, viewer="li")
    assert list_contacts(ws, "C1", viewer="ana")[0].phone == "138****0005"
    with pytest.raises(ForbiddenError, match="analyst may not view contacts"):
        list_contacts(ws, "C1", full=True, viewer="ana")
    with pytest.raises(RequestError):
        list_contacts(ws, "C1")
    assert list_contacts(ws, "C1", full=True, viewer="zhang")[0].phone == "13800000005"
    assert [a for a, action, *_ in audit(ws, "customer_contacts", "C1")] == ["zhang"]
