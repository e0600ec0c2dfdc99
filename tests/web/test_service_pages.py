"""The customer 360's archive, contacts, interactions, service plan and recommendations panels,
the workbench's service tasks and the service dashboard: scoped like the book (another RM's
customer is 404 and nothing of it shows), forms with CSRF, full contact views audited,
hostile text shown escaped. One bank and one client per user for the whole module."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from corptier.services import add_contact, list_interactions, list_service_tasks
from corptier.services.access import principal
from corptier.services.audit_log import audit_entries
from corptier.web import create_app
from corptier.workspace import Workspace
from web_bank import log_in, settings

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0 [bold]x[/bold]"
SECRET = {"contact": "秘密联系人王五", "phone": "13987654321", "summary": "李经理的机密走访纪要"}
"""What RM02's customer C003 holds; RM01's user `zhang` must never see any of it."""


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """One copy of the closed bank per module (SQLite), or the shared PostgreSQL one; the tests
    assert changes they make, not absolute counts. C003 (RM02) gets a contact and a call."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("service-pages") / "ws"
        shutil.copytree(request.getfixturevalue("sqlite_bank"), target)
        bank = Workspace.open(target)
    else:
        bank = Workspace.open(request.getfixturevalue("postgres_bank"))
    add_contact(bank, "C003", "li", role="finance_head", name=SECRET["contact"],
                phone=SECRET["phone"])
    from corptier.services import log_interaction

    log_interaction(bank, "li", customer_id="C003", on="2026-09-20", type="call",
                    summary=SECRET["summary"])
    return bank


@pytest.fixture(scope="module")
def client_as(ws: Workspace) -> Iterator[Callable[[str], TestClient]]:
    app = create_app(ws, settings())
    clients: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in clients:
            clients[name] = log_in(TestClient(app), name)
        return clients[name]

    yield client


def _no_secret(text: str) -> None:
    for value in (*SECRET.values(), "139****4321"):
        assert value not in text


def _audited(ws: Workspace, action: str, entity_id: str) -> list[object]:
    boss = principal(ws, "boss")
    return [e for e in audit_entries(ws, boss, action=action) if e.entity_id == entity_id]


def test_the_360_page_shows_the_new_panels_with_contacts_masked(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    add_contact(ws, "C001", "zhang", role="legal_representative", name="张法人",
                phone="13812345678", email="boss@example.com", primary=True)
    page = client_as("zhang").get("/customers/C001")
    assert page.status_code == 200
    for heading in ("主数据变更", "联系人", "走访与沟通", "服务计划", "下一最佳产品"):
        assert heading in page.text, heading
    assert "张法人" in page.text and "138****5678" in page.text
    assert "13812345678" not in page.text and "boss@example.com" not in page.text
    assert 'hx-get="/customers/C001/recommendations?period=2026-09"' in page.text
    assert 'action="/customers/C001/contacts/full"' in page.text
    assert 'action="/customers/C001/interactions"' in page.text
    assert 'id="relationships"' in page.text and "GU002" in page.text   # C001 guarantees C003
    assert "成都融信融资担保有限公司" in page.text and "CP9001" in page.text
    assert re.search(r'action="/customers/C001/tasks/\d+/done"', page.text)
    reader = client_as("ana").get("/customers/C001")  # reads, neither unmasks nor edits
    assert reader.status_code == 200 and "138****5678" in reader.text
    for action in ("/contacts/full", "/interactions\"", "/done\""):
        assert action not in reader.text


def test_the_recommendations_panel_loads_apart_and_is_scoped(client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = client_as("zhang")
    panel = zhang.get("/customers/C001/recommendations", params={"period": "2026-09"},
                      headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text
    assert 'class="recommendations"' in panel.text and "<table>" in panel.text
    page = zhang.get("/customers/C001/recommendations")  # without htmx: a page of its own
    assert "<html" in page.text and "下一最佳产品" in page.text
    not_closed = zhang.get("/customers/C001/recommendations", params={"period": "2026-08"},
                           headers={"HX-Request": "true"})
    assert not_closed.status_code == 200 and 'class="muted"' in not_closed.text
    refused = zhang.get("/customers/C003/recommendations", headers={"HX-Request": "true"})
    assert refused.status_code == 404
    _no_secret(refused.text)


def test_contacts_in_full_only_for_allowed_roles_and_every_view_audited(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    add_contact(ws, "C002", "zhang", role="treasurer", name="出纳小陈", phone="13700001111")
    zhang = client_as("zhang")
    before = len(_audited(ws, "view_full", "C002"))
    assert zhang.post("/customers/C002/contacts/full", data={}).status_code == 403  # no CSRF
    shown = zhang.post("/customers/C002/contacts/full", data={"csrf_token": zhang.csrf})
    assert shown.status_code == 200 and "13700001111" in shown.text
    assert len(_audited(ws, "view_full", "C002")) == before + 1
    for name in ("ana", "aud", "risky"):
        client = client_as(name)
        denied = client.post("/customers/C002/contacts/full", data={"csrf_token": client.csrf})
        assert denied.status_code == 403 and "13700001111" not in denied.text
    head = client_as("head")  # RM01's team head sees RM01's book in full
    assert "13700001111" in head.post("/customers/C002/contacts/full",
                                      data={"csrf_token": head.csrf}).text
    assert len(_audited(ws, "view_full", "C002")) == before + 2


def test_an_interaction_is_logged_latest_first_and_hostile_text_is_escaped(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = client_as("zhang")
    count = len(list_interactions(ws, "C005", viewer="boss"))
    form = {"csrf_token": zhang.csrf, "on": "2026-09-10", "type": "meeting",
            "summary": "较早的会谈", "needs": ["cash_management", "trade"]}
    assert zhang.post("/customers/C005/interactions", data=form,
                      follow_redirects=False).status_code == 303
    form = {**form, "on": "2026-09-25", "type": "call", "summary": HOSTILE, "purpose": HOSTILE}
    assert zhang.post("/customers/C005/interactions", data=form,
                      follow_redirects=False).status_code == 303
    logged = list_interactions(ws, "C005", viewer="boss")
    assert logged[0].summary == HOSTILE and logged[0].created_by == "zhang"
    due = next(t for t in list_service_tasks(ws, customer_id="C001") if t.kind == "visit")
    zhang.post("/customers/C001/interactions", data={"csrf_token": zhang.csrf, "type": "visit",
                                                     "on": "2026-10-08", "summary": "走访"})
    visit = list_interactions(ws, "C001", viewer="boss")[0]  # it completed the due visit
    assert visit.task_id == due.id and [
        (t.status, t.done_by) for t in list_service_tasks(ws, customer_id="C001",
                                                          status="all") if t.id == due.id
    ] == [("done", "zhang")]
    assert set(logged[1].needs) == {"trade", "cash_management"}
    page = client_as("zhang").get("/customers/C005").text
    panel = page.split('id="interactions"', 1)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel and "<script>alert(1)" not in page
    assert panel.index("&lt;script&gt;") < panel.index("较早的会谈")  # latest first
    assert "现金管理" in panel
    bad = zhang.post("/customers/C005/interactions",
                     data={"csrf_token": zhang.csrf, "on": "2026-09-10", "type": "party"})
    assert bad.status_code == 422
    assert len(list_interactions(ws, "C005", viewer="boss")) == count + 2
    no_csrf = zhang.post("/customers/C005/interactions", data={"on": "2026-09-10",
                                                                "type": "call"})
    assert no_csrf.status_code == 403
    auditor = client_as("aud")
    assert auditor.post("/customers/C005/interactions",
                        data={**form, "csrf_token": auditor.csrf}).status_code == 403
    assert len(list_interactions(ws, "C005", viewer="boss")) == count + 2


def test_another_rms_customer_is_not_found_on_every_new_page_and_action(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = client_as("zhang")
    theirs = list_service_tasks(ws, customer_id="C003")[0].id
    mine = list_service_tasks(ws, customer_id="C001")[0].id
    asks = [
        zhang.get("/customers/C003"),
        zhang.post("/customers/C003/contacts/full", data={"csrf_token": zhang.csrf}),
        zhang.post("/customers/C003/interactions", data={
            "csrf_token": zhang.csrf, "on": "2026-09-10", "type": "call", "summary": "x"}),
        zhang.post(f"/customers/C003/tasks/{theirs}/done", data={"csrf_token": zhang.csrf}),
        zhang.post(f"/customers/C001/tasks/{theirs}/done", data={"csrf_token": zhang.csrf}),
    ]
    for answer in asks:
        assert answer.status_code == 404, answer.request.url
        _no_secret(answer.text)
    assert "x" not in [i.summary for i in list_interactions(ws, "C003", viewer="boss")]
    assert list_service_tasks(ws, customer_id="C003", status="all")[0].status == "open"
    workbench = zhang.get("/workbench").text
    assert "C003" not in workbench and "C004" not in workbench and "C001" in workbench
    _no_secret(workbench)
    li = client_as("li")  # and the other way round
    assert li.post(f"/customers/C001/tasks/{mine}/done",
                   data={"csrf_token": li.csrf}).status_code == 404
    assert "C003" in li.get("/workbench").text
    page = li.get("/customers/C003").text  # li does see their own customer's archive
    assert SECRET["summary"] in page and "139****4321" in page and SECRET["phone"] not in page


def test_a_task_is_done_from_the_workbench_and_audited(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    zhang = client_as("zhang")
    task = list_service_tasks(ws, customer_id="C002")[0]
    assert f'action="/customers/C002/tasks/{task.id}/done"' in zhang.get("/workbench").text
    done = zhang.post(f"/customers/C002/tasks/{task.id}/done",
                      data={"csrf_token": zhang.csrf, "next": "/workbench", "note": HOSTILE},
                      follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/workbench")
    after = next(t for t in list_service_tasks(ws, customer_id="C002", status="all")
                 if t.id == task.id)
    assert (after.status, after.done_by, after.note) == ("done", "zhang", HOSTILE)
    assert [e.actor for e in _audited(ws, "complete", str(task.id))] == ["zhang"]
    page = zhang.get("/customers/C002").text  # the plan lists open tasks only
    assert f"/tasks/{task.id}/done" not in page and "<script>alert(1)" not in page
    again = zhang.post(f"/customers/C002/tasks/{task.id}/done", data={"csrf_token": zhang.csrf})
    assert again.status_code == 409 or again.status_code == 422
    away = zhang.post(f"/customers/C002/tasks/{task.id}/done",
                      data={"csrf_token": zhang.csrf, "next": "https://evil.example/"},
                      follow_redirects=False)
    assert away.status_code in (409, 422)
    analyst = client_as("ana")
    assert analyst.post(f"/customers/C002/tasks/{task.id}/done",
                        data={"csrf_token": analyst.csrf}).status_code == 403


def test_the_service_dashboard_shows_delivery_kpis_to_bank_wide_readers(ws, client_as) -> None:  # type: ignore[no-untyped-def]
    due = [t for t in list_service_tasks(ws, status="all") if t.due_date.strftime("%Y-%m")
           == "2026-12"]
    assert due, "the sample plans have tasks due in 2026-12"
    page = client_as("ana").get("/service", params={"period": "2026-12"})
    assert page.status_code == 200 and "服务落实" in page.text
    by_rm = page.text.split("按客户经理", 1)[1].split("按支行", 1)[0]
    for rm_id in {t.rm_id for t in due if t.rm_id}:
        tasks = sum(1 for t in due if t.rm_id == rm_id)
        assert re.search(rf"<td>{rm_id}</td><td class=\"num\">{tasks}</td>", by_rm), rm_id
    assert 'href="/service"' in page.text
    for name in ("zhang", "head", "branch"):
        denied = client_as(name).get("/service")
        assert denied.status_code == 403
        assert 'href="/workbench"' in denied.text and 'href="/service"' not in denied.text
