"""The book a user sees: scope, filters, search, sort and pages, read by DuckDB."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corptier.errors import ForbiddenError, NotFoundError, ParameterError
from corptier.services.access import principal
from corptier.services.book import (
    BookQuery,
    check_in_scope,
    customer_history,
    customer_loans,
    customer_products,
    customer_record,
    in_scope,
    list_customers,
    tier_history,
)
from corptier.workspace import Workspace

PERIOD = "2026-09"
RM01 = {"C001", "C002", "C005"}


@pytest.fixture
def ws(sqlite_bank, tmp_path) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace.open(sqlite_bank)


def _ids(ws: Workspace, name: str, query: BookQuery | None = None) -> list[str]:
    page = list_customers(ws, principal(ws, name), PERIOD, query)
    return [r["customer_id"] for r in page.rows]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.sampled_from(["C003", "锦江", "91510100MA6CW3K09U", "有限公司", "C00",
                                       "'; DROP TABLE x; --", "%", "_"]),
                      st.text(max_size=12)))
def test_whatever_an_rm_searches_only_their_book_comes_back(ws: Workspace, text: str) -> None:
    assert set(_ids(ws, "zhang", BookQuery(search=text))) <= RM01


def test_search_by_name_uscc_and_id(ws: Workspace) -> None:
    assert _ids(ws, "ana", BookQuery(search="锦江")) == ["C003"]
    assert _ids(ws, "ana", BookQuery(search="91510100ma6cw3k09u")) == ["C003"]
    assert _ids(ws, "ana", BookQuery(search="C004")) == ["C004"]
    assert _ids(ws, "ana", BookQuery(search="C00")) == []  # an id matches whole


def test_filters_sort_and_pages(ws: Workspace) -> None:
    everyone = _ids(ws, "ana", BookQuery(sort="customer_id"))
    assert everyone == ["C001", "C002", "C003", "C004", "C005"]
    assert _ids(ws, "ana", BookQuery(sort="customer_id", descending=True)) == everyone[::-1]
    pages = [_ids(ws, "ana", BookQuery(page=p, size=2)) for p in (1, 2, 3)]
    assert pages == [everyone[:2], everyone[2:4], everyone[4:]]
    assert _ids(ws, "ana", BookQuery(flag="risk_watch")) == ["C004"]
    assert _ids(ws, "ana", BookQuery(filters={"sub_branch": "锦江支行"})) == ["C003", "C004"]
    top = list_customers(ws, principal(ws, "ana"), PERIOD, BookQuery(sort="contribution",
                                                                     descending=True)).rows
    values = [r["contribution"] for r in top if r["contribution"] is not None]
    assert values == sorted(values, reverse=True) and len(values) >= 4


def test_bad_queries_are_refused_with_the_parameter_named(ws: Workspace) -> None:
    ana = principal(ws, "ana")
    for query, word in ((BookQuery(sort="name; DROP"), "sort"), (BookQuery(size=0), "size"),
                        (BookQuery(page=0), "page"), (BookQuery(filters={"x": "1"}), "filter")):
        with pytest.raises(ParameterError, match=word):
            list_customers(ws, ana, PERIOD, query)


def test_one_customer_and_its_details_only_within_the_scope(ws: Workspace) -> None:
    zhang, li = principal(ws, "zhang"), principal(ws, "li")
    record = customer_record(ws, zhang, "C001", PERIOD)
    assert (record["name"], record["rm_id"], record["applied_tier"]) == (
        "成都天府精密制造有限公司", "RM01", "key")
    assert [loan["loan_id"] for loan in customer_loans(ws, zhang, "C001", PERIOD)] == ["L001"]
    assert {p["category"] for p in customer_products(ws, zhang, "C001", PERIOD)} >= {
        "settlement", "payroll"}
    assert [h["period"] for h in tier_history(ws, zhang, "C001")] == [PERIOD]
    assert [h["period"] for h in customer_history(ws, zhang, "C001")] == [PERIOD]
    for call in (lambda: customer_record(ws, li, "C001", PERIOD),
                 lambda: customer_loans(ws, li, "C001", PERIOD),
                 lambda: tier_history(ws, li, "C001"),
                 lambda: check_in_scope(ws, li, "C001")):
        with pytest.raises(NotFoundError):
            call()
    assert in_scope(ws, li, ["C001", "C003", "C999"]) == {"C003"}


def test_a_role_without_a_book_reads_nothing(ws: Workspace) -> None:
    plain = principal(ws, "plain")
    with pytest.raises(ForbiddenError):
        list_customers(ws, plain, PERIOD)
    assert in_scope(ws, plain, ["C001"]) == set()


class _Recording:
    """A DuckDB connection that keeps the SQL it is given."""

    def __init__(self, con: object, log: list[str]) -> None:
        self._con, self._log = con, log

    def execute(self, sql: str, *args: object) -> object:
        self._log.append(sql)
        return self._con.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def test_a_joined_query_joins_once_and_a_plain_page_reads_the_tiers_alone(
        ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million customers the join with customers / indicators is what costs: a search or a
    sort on them runs it once (count and page read its matches), a plain page never joins."""
    from corptier.services import book

    log: list[str] = []
    enter = book._Book.__enter__

    def recording(self: book._Book) -> book._Book:
        enter(self)
        log.append(self._view_sql())
        self.con = _Recording(self.con, log)  # type: ignore[assignment]
        return self

    monkeypatch.setattr(book._Book, "__enter__", recording)
    found = list_customers(ws, principal(ws, "ana"), PERIOD,
                           BookQuery(search="锦江", sort="contribution", descending=True))
    assert [r["customer_id"] for r in found.rows] == ["C003"] and found.total == 1
    assert sum("contains(lower(name)" in sql for sql in log) == 1
    narrow = [sql for sql in log if "FROM book" in sql or "FROM matches" in sql]
    assert [sql.split(" FROM ")[0][:30] for sql in narrow[:3]] == [
        "CREATE TEMP TABLE matches AS S", "SELECT count(*)", "SELECT customer_id"]
    log.clear()
    assert list_customers(ws, principal(ws, "ana"), PERIOD, BookQuery(size=2)).total == 5
    assert not any("matches" in sql for sql in log)
    views = [sql for sql in log if "CREATE TEMP VIEW" in sql]
    assert [v.count("read_parquet(") for v in views] == [1, 3]  # the page, then its rows
