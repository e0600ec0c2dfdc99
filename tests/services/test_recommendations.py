"""Product recommendations on a tiny hand-built book (tests/reco_book.py, worked by hand): the
gap and next best products of a customer and of the book, the reasons in both languages, stated
needs, and the backtest's precision, baseline, lift and base rate; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corptier.errors import NotFoundError, StandardError
from corptier.services import (
    backtest_recommendations,
    recommend_book,
    recommend_customer,
    recommendation_settings,
)
from corptier.workspace import Workspace
from reco_book import build

K = 1000.0


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                 marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The book of January closed, February to April loaded (shared by the module)."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_module_schema_url")
    workspace = Workspace.init(tmp_path_factory.mktemp("reco") / "ws", language="en",
                               database_url=url)
    build(workspace, history=True)
    return workspace


def picks(items: tuple) -> list[tuple[str, float | None, int | None, float | None]]:
    return [(s.category, None if s.adoption is None else round(s.adoption, 4), s.peers,
             s.expected_gain) for s in items]


def test_a_customer_gets_its_gap_ranked_by_the_peers_adoption_then_the_gain(
        ws: Workspace) -> None:
    r = recommend_customer(ws, "A4")
    assert (r.period, r.run_id, r.settings_id) == ("2026-01", "run-2026-01", "test_reco")
    assert r.held == ()
    assert picks(r.gap) == [("payroll", 1.0, 3, 700 * K), ("cash_management", 0.6667, 3, 600 * K),
                            ("financing", 0.6667, 3, 300 * K)]
    assert [s.category for s in r.next_best] == ["payroll", "cash_management"]  # top: 2
    assert r.next_best[1].peer_group == ("needs_segment", "industry_section", "enterprise_size")
    assert r.next_best[1].reason == (
        "67% of 3 similar customers (Manufacturing, Medium enterprises, Settlement-led) hold "
        "Cash management; median contribution, last 12 months +600k yuan")


def test_without_peers_in_its_own_group_a_customer_falls_back_to_a_coarser_one(
        ws: Workspace) -> None:
    r = recommend_customer(ws, "B1", lang="zh-CN")
    assert r.held == ("payroll",)
    assert picks(r.next_best) == [("cash_management", 0.5, 4, 800 * K),
                                  ("financing", 0.5, 4, 650 * K)]
    assert r.next_best[0].peer_group == ("needs_segment",)
    assert r.next_best[0].reason == ("4 家同类客户（结算主导型）中 50% 持有现金管理；"
                                     "近12个月综合贡献中位数 +80万元")


def test_the_book_gets_one_row_per_recommendation(ws: Workspace) -> None:
    book = recommend_book(ws, "2026-01")
    assert (book.customers, book.customers_with_recommendations) == (5, 4)
    rows = [(r["customer_id"], r["rank"], r["category"])
            for r in book.table.select(["customer_id", "rank", "category"]).to_pylist()]
    assert rows == [("A2", 1, "cash_management"), ("A3", 1, "financing"),
                    ("A4", 1, "payroll"), ("A4", 2, "cash_management"),
                    ("B1", 1, "cash_management"), ("B1", 2, "financing")]


def test_a_stated_need_joins_in_from_the_stated_needs_table(ws: Workspace) -> None:
    path = ws.partition_file("stated_needs", "2026-01")
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"customer_id": ["B1", "B1"], "category": ["financing", "payroll"]}),
                   path)
    try:
        r = recommend_customer(ws, "B1")
    finally:
        path.unlink()
    first = r.next_best[0]
    assert (first.category, first.stated, first.score) == ("financing", True, 0.75)
    assert first.reason.endswith("; stated as a need in the needs survey")
    assert [s.category for s in r.gap] == ["financing", "cash_management"]  # payroll is held


def test_the_backtest_scores_the_picks_against_the_next_months(ws: Workspace) -> None:
    result = backtest_recommendations(ws)
    assert result.skipped == ("2026-02", "2026-03", "2026-04")  # not closed
    (month,) = result.months
    # model: A2 cash ✓, A3 financing ✗ (adopted in April, after the window), A4 payroll ✗ and
    # cash ✓, B1 cash ✗ and financing ✓; the most popular (payroll, then financing and cash in
    # the settings' order): A2 cash ✓, A3 financing ✗, A4 payroll ✗ financing ✗, B1 financing ✓
    assert (month.customers, month.recommendations, month.hits) == (5, 6, 3)
    assert (month.popular_recommendations, month.popular_hits) == (6, 2)
    assert (month.open_pairs, month.adopted) == (7, 3)
    assert result.precision == 0.5 and result.popular_precision == pytest.approx(1 / 3)
    assert result.lift == pytest.approx(1.5) and result.base_rate == pytest.approx(3 / 7)
    assert result.as_dict()["lift"] == pytest.approx(1.5)


def test_unknown_customers_open_periods_and_bad_settings_are_clear_errors(
        ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="customer Z9 is not among"):
        recommend_customer(ws, "Z9")
    with pytest.raises(NotFoundError, match="2026-02 has not been closed"):
        recommend_customer(ws, "A4", "2026-02")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\ncategories: [financing]\npeer_groups: [[]]\n"
                   "min_peers: 0\nmin_adoption: 0.5\n", encoding="utf-8")
    with pytest.raises(StandardError, match=r"bad.yaml:5: min_peers: Input should be greater"):
        recommendation_settings(ws, bad)
    with pytest.raises(NotFoundError, match="no month can be backtested"):
        backtest_recommendations(ws, start="2026-02")
