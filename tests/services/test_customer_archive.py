"""`customer_archive` on hand-built customers partitions (SQLite and PostgreSQL): the profile,
the SCD type 2 versions and the changes, and the counts of contacts and interactions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive_book import write_customers
from corptier.errors import NotFoundError
from corptier.services import (
    add_contact,
    customer_archive,
    log_interaction,
    master_data_history,
    master_history_table,
)
from corptier.services.archive import MasterChange
from corptier.workspace import Workspace


def APR_10() -> datetime:
    return datetime(2026, 4, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_customers(ws)
    return ws


def test_the_archive_shows_the_timeline_and_the_counts(ws: Workspace) -> None:
    add_contact(ws, "C1", "li", role="法定代表人", name="张伟", phone="13812345678",
                verified_on="2026-03-01", primary=True, clock=APR_10)
    add_contact(ws, "C1", "li", role="operator", name="刘洋", email="liu@example.com",
                clock=APR_10)
    log_interaction(ws, "li", customer_id="C1", on="2026-03-20", type="visit",
                    next_step="送方案", next_step_due="2026-04-30", clock=APR_10)
    log_interaction(ws, "li", customer_id="C1", on="2026-04-01", type="call", clock=APR_10)
    found = customer_archive(ws, "C1", clock=APR_10)
    assert found.profile["rm_id"] == "RM02" and found.profile["rating"] == "BBB"
    assert found.periods == ("2026-01", "2026-02", "2026-03")
    assert [(v.valid_from, v.valid_to, v.last_period, v.current) for v in found.versions] == [
        ("2026-01", "2026-03", "2026-02", False), ("2026-03", None, "2026-03", True)]
    assert found.changes == (MasterChange("2026-03", "rating", "A", "BBB"),
                             MasterChange("2026-03", "rm_id", "RM01", "RM02"),
                             MasterChange("2026-03", "sub_branch", "高新支行", "锦江支行"))
    assert (found.contacts, found.verified_contacts, found.primary_contact) == (2, 1, "张伟")
    assert (found.last_visit, found.visits_12m, found.upcoming_next_steps) == (
        date(2026, 3, 20), 1, 1)


@pytest.fixture(scope="module")
def history_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The history reads Parquet only (no database): one SQLite workspace for those tests."""
    ws = Workspace.init(tmp_path_factory.mktemp("history") / "ws", language="en")
    write_customers(ws)
    return ws


def test_a_gap_and_a_departed_customer(history_ws: Workspace) -> None:
    ws = history_ws
    c2 = customer_archive(ws, "C2", clock=APR_10)
    assert [(v.valid_from, v.valid_to) for v in c2.versions] == [
        ("2026-01", "2026-02"), ("2026-03", None)]
    assert c2.changes == () and c2.periods == ("2026-01", "2026-03")
    c3 = customer_archive(ws, "C3", clock=APR_10)
    assert not c3.in_latest_period and c3.versions[-1].last_period == "2026-02"
    with pytest.raises(NotFoundError, match="C9"):
        customer_archive(ws, "C9")


def test_the_whole_book_history_in_one_query(history_ws: Workspace, tmp_path: Path) -> None:
    ws = history_ws
    rows = master_history_table(ws).to_pylist()
    assert [(r["customer_id"], r["valid_from"], r["valid_to"], r["rm_id"]) for r in rows] == [
        ("C1", "2026-01", "2026-03", "RM01"), ("C1", "2026-03", None, "RM02"),
        ("C2", "2026-01", "2026-02", "RM02"), ("C2", "2026-03", None, "RM02"),
        ("C3", "2026-01", "2026-03", "RM01")]
    assert [v.valid_from for v in master_data_history(ws, "C1")] == ["2026-01", "2026-03"]
    empty = Workspace.init(tmp_path / "empty", language="en")
    assert master_data_history(empty, "C1") == [] and master_history_table(empty).num_rows == 0


def test_with_users_only_the_book_is_read(ws: Workspace) -> None:
    from corptier.errors import ForbiddenError, RequestError
    from corptier.services import add_user, grant_user

    add_user(ws, "boss")
    add_user(ws, "li", "user", by="boss")
    grant_user(ws, "li", "rm", by="boss", rm_id="RM01")
    with pytest.raises(ForbiddenError, match="C1 is not in the book of li"):
        customer_archive(ws, "C1", viewer="li")    # RM02's since 2026-03
    with pytest.raises(RequestError, match="viewer"):
        customer_archive(ws, "C1")
    assert customer_archive(ws, "C1", viewer="boss", clock=APR_10).profile["rm_id"] == "RM02"
