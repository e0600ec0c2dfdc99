"""The archive's completeness score on a hand-made book (SQLite and PostgreSQL): each item
worked out by hand, the averages per tier, RM and sub-branch, and the rules' file checked with
its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from completeness_book import RULES, P, build_book
from corptier.crm.completeness import CompletenessError, load_completeness_rules
from corptier.errors import NotFoundError, RequestError
from corptier.services.completeness import (
    completeness_by,
    completeness_scores,
    customer_completeness,
)
from corptier.workspace import Workspace


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    return build_book(Workspace.init(tmp_path / "ws", language="en", database_url=url))


def test_each_customers_score_is_worked_out_item_by_item(ws: Workspace) -> None:
    rows = {r["customer_id"]: r for r in completeness_scores(ws).to_pylist()}
    assert {c: (r["tier"], r["items"], r["met"], r["score"], r["missing"])
            for c, r in rows.items()} == {
        # name, uscc, rating, 2 contacts, visit 10 days after 30, survey in March: 6 of 7
        "C1": ("strategic", 7, 6, 85.7, "contact:finance_head"),
        # uscc blank, contact verified after the period, visit 152 days > 90, no survey
        "C2": ("key", 6, 2, 33.3, "field:uscc; contact:legal_representative; visit; survey"),
        # basic has no visit cadence: no visit item; the survey is 14 months old
        "C3": ("basic", 5, 2, 40.0, "field:rating; contact:legal_representative; survey"),
    }
    one = customer_completeness(ws, "C2")
    assert (one.period, one.score, one.missing) == (
        P, 33.3, ("field:uscc", "contact:legal_representative", "visit", "survey"))
    with pytest.raises(NotFoundError, match="C9"):
        customer_completeness(ws, "C9")


def test_averages_per_tier_rm_and_sub_branch(ws: Workspace) -> None:
    by_rm = completeness_by(ws, "rm").set_index("rm")
    assert by_rm.loc["RM01", "customers"] == 2 and by_rm.loc["RM01", "average"] == 59.5
    assert by_rm.loc["RM02", "average"] == 40.0
    by_branch = completeness_by(ws, "sub_branch")
    assert list(by_branch["sub_branch"]) == ["锦江支行", "高新支行"]
    assert list(completeness_by(ws, "tier")["tier"]) == ["basic", "key", "strategic"]
    with pytest.raises(RequestError, match="grouping"):
        completeness_by(ws, "colour")


def test_the_rules_file_names_the_line_of_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "completeness.yaml"
    bad.write_text(RULES.replace("strategic: [legal_representative, finance_head]",
                                 "strategic: [legal_representative, cfo]"), encoding="utf-8")
    with pytest.raises(CompletenessError,
                       match=r"completeness\.yaml:6: .*unknown contact role 'cfo'"):
        load_completeness_rules(bad)
