"""Needs surveys on SQLite and PostgreSQL: a campaign over a hand-built closed period, an
import of answers (GBK CSV with the questionnaire's Chinese texts as headers, xlsx with the
question ids) whose reconciliation names each rejected row's file, row and field, results by
tier, segment and RM worked by hand, and the needs gap written where `recommend` reads it.
The book is tests/survey_book.py; the questionnaire the shipped annual_needs.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import reco_book
from corptier.errors import ContractError, ForbiddenError, NotFoundError, RequestError
from corptier.services import (
    add_user,
    create_campaign,
    grant_user,
    import_answers,
    list_campaigns,
    recommend_customer,
    survey_results,
)
from corptier.store import UnitOfWork
from corptier.workspace import Workspace
from survey_book import COMMENTS, NPS, SAT, TRADE, WANTED, P, write_book

HOSTILE = '=cmd|"/c calc"!A1 <script>x</script> [bold]'


def clock() -> datetime:
    return datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_book(ws)
    return ws


def test_a_campaign_targets_by_tier_segment_rm_or_list(ws: Workspace, tmp_path: Path) -> None:
    everyone = create_campaign(ws, "li", questionnaire="annual_needs", period=P, clock=clock)
    assert (everyone.targeted, everyone.questionnaire_version) == (4, "2026.1")
    basic_rm02 = create_campaign(ws, "li", questionnaire="annual_needs@2026.1", period=P,
                                 tiers=["basic"], rms=["RM02"], name=HOSTILE, clock=clock)
    assert (basic_rm02.targeted, basic_rm02.name) == (1, HOSTILE)
    listed = create_campaign(ws, "li", questionnaire="annual_needs", period=P,
                             segments=["trade_international"], customers=["C2", "C3"], clock=clock)
    assert listed.targeted == 1
    assert [c.id for c in list_campaigns(ws, P)] == [everyone.id, basic_rm02.id, listed.id]
    with UnitOfWork(ws.db) as uow:
        entry = uow.audit.for_entity("survey_campaign", str(basic_rm02.id))[0]
        assert (entry.actor, entry.after["targeted"], entry.after["target"]["tiers"]) == (
            "li", 1, ["basic"])
    with pytest.raises(RequestError, match="targets no customer"):
        create_campaign(ws, "li", questionnaire="annual_needs", period=P, rms=["RM99"])
    with pytest.raises(NotFoundError, match="2026-02 has not been closed"):
        create_campaign(ws, "li", questionnaire="annual_needs", period="2026-02")
    with pytest.raises(NotFoundError, match="no questionnaire 'nope'"):
        create_campaign(ws, "li", questionnaire="nope", period=P)
    # an answer file without the customer column or any question is refused whole
    campaign = everyone
    bad = tmp_path / "bad.csv"
    bad.write_text(f"who,{SAT}\nC1,5\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"bad\.csv: row 1: the header has no customer"):
        import_answers(ws, campaign.id, bad, "li")
    bad.write_text("客户号,满意吗\nC1,5\n", encoding="utf-8")
    with pytest.raises(ContractError, match="no column names a question"):
        import_answers(ws, campaign.id, bad, "li")
    with pytest.raises(NotFoundError, match="no survey campaign 99"):
        import_answers(ws, 99, bad, "li")


def test_import_reconciles_and_results_are_worked_by_hand(ws: Workspace,
                                                          tmp_path: Path) -> None:
    campaign = create_campaign(ws, "li", questionnaire="annual_needs", period=P, clock=clock)
    sheet = tmp_path / "调研.csv"
    rows = [["客户编号", SAT, NPS, TRADE, WANTED, COMMENTS, "备注"],
            ["C1", "5", "10", "是", "资金归集、代发工资", HOSTILE, ""],
            ["C2", "3", "6", "否", "", "", ""],
            ["C3", "6", "8", "", "", "", ""],
            ["C9", "4", "9", "", "", "", ""],
            ["", "", "", "", "", "", ""],
            ["C2", "4", "7", "", "", "", ""],
            ["C4", "4", "9", "也许", "", "", ""]]
    with open(sheet, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done = import_answers(ws, campaign.id, sheet, "li", clock=clock)
    assert (done.read, done.accepted, done.rejected) == (6, 2, 4)
    assert [str(r) for r in done.rejections] == [
        "调研.csv:4: satisfaction: a whole number from 1 to 5; got '6'",
        f"调研.csv:5: customer_id: customer C9 is not a target of campaign {campaign.id}",
        "调研.csv:7: customer_id: customer C2 has already answered (调研.csv:3)",
        "调研.csv:8: cross_border: '也许' is not a choice; use yes (是), no (否)"]
    assert done.answers == 9      # C1: 5 questions, 2 choices of the multiple; C2: 3
    assert done.quarantine is not None
    with open(done.quarantine, encoding="utf-8-sig", newline="") as handle:
        assert [(r["row"], r["field"]) for r in csv.DictReader(handle)] == [
            ("4", "satisfaction"), ("5", "customer_id"), ("7", "customer_id"),
            ("8", "cross_border")]
    # C1 stated trade (held), cash management and payroll (held): the gap is cash management
    gap = pq.read_table(done.stated_needs).to_pylist()
    assert done.stated_needs == ws.partition_file("stated_needs", P)
    assert gap == [{"customer_id": "C1", "category": "cash_management"}]

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["customer_id", "satisfaction", "recommend", "cross_border"])
    book.active.append(["C4", 4, 9.0, "yes"])
    book.save(tmp_path / "more.xlsx")
    more = import_answers(ws, campaign.id, tmp_path / "more.xlsx", "li", clock=clock)
    assert (more.read, more.accepted, more.rejected, more.gap_rows) == (1, 1, 0, 2)
    assert pq.read_table(more.stated_needs).to_pylist() == [
        {"customer_id": "C1", "category": "cash_management"},
        {"customer_id": "C4", "category": "trade"}]

    r = survey_results(ws, campaign.id)
    total = r.total
    # respondents C1 (5, 10), C2 (3, 6), C4 (4, 9): promoters 2, detractors 1 of 3
    assert (total.targeted, total.responded, total.satisfaction) == (4, 3, 4.0)
    assert (total.promoters, total.detractors, total.nps_answers) == (2, 1, 3)
    assert total.response_rate == pytest.approx(0.75)
    assert total.nps == pytest.approx(100 / 3)
    tiers = {g.key: g for g in r.by["tier"]}
    assert (tiers["basic"].targeted, tiers["basic"].responded, tiers["basic"].nps) == (2, 1, 100)
    assert (tiers["core"].satisfaction, tiers["core"].nps) == (3.0, -100)
    rms = {g.key: (g.responded, g.satisfaction) for g in r.by["rm_id"]}
    assert rms == {"RM01": (1, 5.0), "RM02": (2, 3.5)}
    segs = {g.key: g.nps for g in r.by["segment"]}
    assert segs == {"settlement_led": 100, "trade_international": 0}
    assert [(d.customer_id, d.score, d.tier, d.rm_id) for d in r.detractors] == [
        ("C2", 6, "core", "RM02")]
    assert r.needs == (("trade", 2, 1), ("cash_management", 1, 1), ("payroll", 1, 0))
    assert (r.names["tier"]["core"], r.names["segment"]["settlement_led"]) == (
        "Core", "Settlement-led")
    with UnitOfWork(ws.db) as uow:
        entries = uow.audit.for_entity("survey_import", str(campaign.id))
        assert [(e.after["read"], e.after["accepted"], e.after["rejected"]) for e in entries] \
            == [(6, 2, 4), (1, 1, 0)]


def test_with_users_an_analyst_may_not_create_a_campaign(ws: Workspace) -> None:
    add_user(ws, "boss")
    add_user(ws, "ana", "user", by="boss")
    grant_user(ws, "ana", "analyst", by="boss")
    with pytest.raises(ForbiddenError):
        create_campaign(ws, "ana", questionnaire="annual_needs", period=P)


def test_stated_needs_from_a_survey_move_a_recommendation(tmp_path: Path) -> None:
    """reco_book's A4 lacks payroll (peers 3/3), cash (2/3) and financing (2/3, lower gain):
    its top 2 are payroll and cash. Saying 是 to the financing question adds the stated-need
    bonus 0.25 to financing (0.92), which `recommend` then ranks second."""
    ws = Workspace.init(tmp_path / "ws", language="en")
    reco_book.build(ws)
    before = recommend_customer(ws, "A4")
    assert [s.category for s in before.next_best] == ["payroll", "cash_management"]
    campaign = create_campaign(ws, "li", questionnaire="annual_needs", period="2026-01",
                               customers=["A4"], clock=clock)
    sheet = tmp_path / "a4.csv"
    sheet.write_text("客户编号,satisfaction,recommend,未来一年是否有新增融资需求？\n"
                     "A4,4,8,是\n", encoding="utf-8")
    done = import_answers(ws, campaign.id, sheet, "li", clock=clock)
    assert (done.accepted, done.gap_rows) == (1, 1)
    after = recommend_customer(ws, "A4")
    assert [(s.category, s.stated) for s in after.next_best] == [
        ("payroll", False), ("financing", True)]
