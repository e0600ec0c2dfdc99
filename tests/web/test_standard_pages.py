"""The standards pages: the active standard as tables, a candidate uploaded (errors with their
lines, hostile labels escaped), compared and backtested, proposed by one user and approved or
rejected by another; the audit log names the web users."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from corptier.config import CONFIG_FILE, load_config
from corptier.services.standard_adoption import list_proposals
from corptier.services.standards import activate_standard
from corptier.workspace import Workspace

EVEN = """  shares:
    strategic: 0.2
    core: 0.2
    key: 0.2
    growth: 0.2
    basic: 0.2
"""


def _yaml(bank: Workspace, version: str, *, even: bool = False, tier_zh: str | None = None,
          broken: bool = False) -> bytes:
    text = (bank.standards_dir / "default.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', f'version: "{version}"')
    if even:
        text = re.sub(r"  shares:\n(    \w+: [0-9.]+\n)+", EVEN, text, count=1)
    if tier_zh:
        text = text.replace("name_zh: 核心客户", f'name_zh: "{tier_zh}"')
    if broken:
        text = text.replace("    core: 0.04", "    core: lots")
    return text.encode("utf-8")


def _upload(client, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/standards/candidates", data={"csrf_token": client.csrf},
                       files={"file": ("candidate.yaml", content, "application/x-yaml")},
                       follow_redirects=False)


def _audit(bank: Workspace, entity: str, entity_id: str) -> list[tuple[str, str]]:
    with bank.db.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT actor, action FROM audit_log WHERE entity = :e AND entity_id = :id "
            "ORDER BY seq"), {"e": entity, "id": entity_id})]


def test_the_active_standard_reads_as_tables_in_chinese(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("zhang").get("/standards")
    assert page.status_code == 200
    for text in ("现行标准", "战略客户", "核心客户", "维度与指标", "分层阈值", "金字塔占比",
                 "pyramid", "deposits_1yi", "采用历史"):
        assert text in page.text, text
    assert 'action="/standards/candidates"' not in page.text  # an RM does not upload
    assert 'action="/standards/candidates"' in client_as("ana").get("/standards").text


def test_an_invalid_upload_lists_its_lines_and_keeps_nothing(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    content = _yaml(bank, "2027.9", broken=True)
    line = next(i for i, row in enumerate(content.decode().splitlines(), 1)
                if row == "    core: lots")
    answer = _upload(client_as("ana"), content)
    assert answer.status_code == 422 and "标准无效" in answer.text
    assert f'<td class="num">{line}</td>' in answer.text
    assert "Traceback" not in answer.text
    kept = bank.standards_dir / "candidates"
    assert not kept.exists() or not list(kept.glob("*.yaml"))
    empty = _upload(client_as("ana"), b"")
    assert empty.status_code == 422 and "请选择要上传的标准文件" in empty.text


def test_a_hostile_label_is_shown_as_text(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    ana = client_as("ana")
    sent = _upload(ana, _yaml(bank, "2027.8", tier_zh="<script>alert(1)</script>=cmd"))
    assert sent.status_code == 303
    page = ana.get(sent.headers["location"])
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;=cmd" in page.text
    assert "<script>alert" not in page.text


@pytest.mark.parametrize("bank", ["sqlite"], indirect=True)  # a read path: the engine's work
def test_compare_and_backtest_a_candidate_on_published_periods(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    ana = client_as("ana")
    where = _upload(ana, _yaml(bank, "2027.7", even=True)).headers["location"]
    compared = ana.get(where, params={"period": "2026-09"})
    assert compared.status_code == 200, compared.text[:500]
    text = compared.text
    assert "迁移 A → B" in text and "各层客户数" in text
    counts = re.findall(r'<tr><td>[^<]+</td><td class="num">(\d+)</td><td class="num">(\d+)'
                        r'</td></tr>', text)
    assert len(counts) == 5 and sum(int(a) for a, _ in counts) == sum(int(b) for _, b in counts)
    assert [int(b) for _, b in counts] != [int(a) for a, _ in counts]  # even shares move some
    movers = re.search(r"层级变化的客户（(\d+)", text)
    assert movers and int(movers.group(1)) > 0
    assert re.search(r"<td>C00\d</td>", text)
    missing = ana.get(where, params={"period": "2031-01"})
    assert missing.status_code == 200 and 'class="error"' in missing.text
    backtest = ana.get(f"{where}/backtest")
    assert backtest.status_code == 200 and "2026-08 → 2026-09" in backtest.text
    assert client_as("zhang").get(where).status_code == 403  # movers are bank-wide
    assert client_as("ana").get("/standards/candidates/../../etc").status_code == 404


def test_propose_then_another_user_approves_and_the_audit_names_them(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    ana, risky = client_as("ana"), client_as("risky")
    key = _upload(ana, _yaml(bank, "2027.6")).headers["location"].rsplit("/", 1)[1]
    sent = ana.post(f"/standards/candidates/{key}/propose", data={
        "period": "2026-10", "reason": "年度复核 <b>x</b>", "csrf_token": ana.csrf},
        follow_redirects=False)
    assert sent.status_code == 303
    [made] = [p for p in list_proposals(bank, "pending") if p.version == "2027.6"]
    queue = risky.get("/standards").text
    assert f'action="/standards/proposals/{made.id}/approve"' in queue
    assert "年度复核 &lt;b&gt;x&lt;/b&gt;" in queue
    assert ana.post(f"/standards/proposals/{made.id}/approve",
                    data={"csrf_token": ana.csrf}).status_code == 403  # analysts do not decide
    assert risky.post(f"/standards/proposals/{made.id}/approve",
                      data={"note": "ok"}).status_code == 403  # no CSRF token
    before = load_config(bank.root / CONFIG_FILE).tiering.standard
    try:
        done = risky.post(f"/standards/proposals/{made.id}/approve",
                          data={"note": "同意", "csrf_token": risky.csrf},
                          follow_redirects=False)
        assert done.status_code == 303
        active = load_config(bank.root / CONFIG_FILE).tiering.standard
        assert active == made.file_name
        assert "2027.6" in risky.get("/standards").text
        assert _audit(bank, "standard_proposal", str(made.id)) == [
            ("ana", "propose"), ("risky", "approve")]
        assert ("risky", "adopt") in _audit(bank, "standard", made.standard_id)
        again = risky.post(f"/standards/proposals/{made.id}/reject",
                           data={"csrf_token": risky.csrf})
        assert again.status_code == 409 and "只有待审批的提议可以审批" in again.text
    finally:
        activate_standard(bank, before)


def test_the_maker_cannot_decide_and_another_user_rejects(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    risky, boss = client_as("risky"), client_as("boss")
    key = _upload(risky, _yaml(bank, "2027.5")).headers["location"].rsplit("/", 1)[1]
    risky.post(f"/standards/candidates/{key}/propose", data={
        "period": "2026-10", "reason": "试行", "csrf_token": risky.csrf})
    [made] = [p for p in list_proposals(bank, "pending") if p.version == "2027.5"]
    assert f'action="/standards/proposals/{made.id}/approve"' not in risky.get("/standards").text
    own = risky.post(f"/standards/proposals/{made.id}/approve",
                     data={"csrf_token": risky.csrf})
    assert own.status_code == 409 and "不能自行审批" in own.text
    before = load_config(bank.root / CONFIG_FILE).tiering.standard
    rejected = boss.post(f"/standards/proposals/{made.id}/reject",
                         data={"csrf_token": boss.csrf}, follow_redirects=False)
    assert rejected.status_code == 303
    assert load_config(bank.root / CONFIG_FILE).tiering.standard == before
    assert _audit(bank, "standard_proposal", str(made.id)) == [
        ("risky", "propose"), ("boss", "reject")]
    bad = risky.post(f"/standards/candidates/{key}/propose", data={
        "period": "2026-13", "reason": "x", "csrf_token": risky.csrf})
    assert bad.status_code in (400, 422) and "Traceback" not in bad.text


def test_the_page_switches_to_english(client_as) -> None:  # type: ignore[no-untyped-def]
    aud = client_as("aud")
    switched = aud.post("/language", data={"lang": "en", "next": "/standards",
                                           "csrf_token": aud.csrf}, follow_redirects=False)
    assert switched.status_code == 303
    try:
        page = aud.get("/standards").text
        assert "Active standard" in page and "Strategic" in page and "现行标准" not in page
        assert 'action="/standards/candidates"' not in page  # the auditor changes nothing
    finally:
        aud.post("/language", data={"lang": "zh-CN", "csrf_token": aud.csrf})
