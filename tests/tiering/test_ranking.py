"""Who is ranked: customers of an excluded status (closed by default) take no score, rank or
pyramid slot; the others are tiered as if the excluded were not in the data."""

from __future__ import annotations

from collections import Counter

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiering_helpers import IDENTITY, by_id, memtable, rows, standard_from

from corptier.errors import StandardError
from corptier.tiering import load_default_standard, parse_standard, score_and_tier
from corptier.tiering.ranking import Ranking, ranked_customers

PYRAMID = "cutoffs: {method: pyramid, shares: {a: 0.1, b: 0.2, c: 0.3, d: 0.4}}"
DORMANT = "ranking:\n  exclude_status: [closed, dormant]\n"


def test_a_closed_customer_takes_no_pyramid_slot() -> None:
    # C1 … C10 score 10 … 100; C1 is closed, so the pyramid is filled from 9 customers:
    # ⌊0.1·9⌋ = 0 in a, ⌊0.3·9⌋ = 2 in b or better, ⌊0.6·9⌋ = 5 in c or better
    table = memtable(dep_avg=[10.0 * i for i in range(1, 11)],
                     status=["closed"] + ["active"] * 9)
    got = by_id(score_and_tier(table, standard_from(IDENTITY, PYRAMID)))
    assert "C1" not in got
    assert Counter(r["computed_tier"] for r in got.values()) == {"b": 2, "c": 3, "d": 4}
    assert [got[c]["computed_tier"] for c in ("C10", "C9", "C8", "C6", "C5", "C2")] == [
        "b", "b", "c", "c", "d", "d"]
    assert got["C10"]["rank"] == 1 and got["C2"]["rank"] == 9


def test_with_every_customer_active_the_same_ten_fill_the_pyramid_from_ten() -> None:
    table = memtable(dep_avg=[10.0 * i for i in range(1, 11)], status=["active"] * 10)
    got = by_id(score_and_tier(table, standard_from(IDENTITY, PYRAMID)))
    # ⌊0.1·10⌋ = 1, ⌊0.3·10⌋ = 3, ⌊0.6·10⌋ = 6
    assert Counter(r["computed_tier"] for r in got.values()) == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert got["C10"]["computed_tier"] == "a" and got["C1"]["rank"] == 10


def test_dormant_customers_are_left_out_only_when_the_standard_says_so() -> None:
    table = memtable(dep_avg=[80.0, 60.0, 40.0, 20.0],
                     status=["active", "dormant", "closed", None])
    by_default = by_id(score_and_tier(table, standard_from(IDENTITY, PYRAMID)))
    assert sorted(by_default) == ["C1", "C2", "C4"]  # a customer without a status is ranked
    with_dormant = by_id(score_and_tier(table, standard_from(IDENTITY, PYRAMID, DORMANT)))
    assert sorted(with_dormant) == ["C1", "C4"]
    assert with_dormant["C4"]["rank"] == 2
    everyone = standard_from(IDENTITY, PYRAMID, "ranking:\n  exclude_status: []\n")
    assert len(rows(score_and_tier(table, everyone))) == 4


def test_a_table_without_status_has_nothing_to_exclude() -> None:
    table = memtable(dep_avg=[80.0, 60.0, 40.0])
    assert len(rows(score_and_tier(table, standard_from(IDENTITY, PYRAMID)))) == 3


def test_the_default_is_closed_and_only_known_statuses_may_be_listed() -> None:
    assert load_default_standard().ranking.exclude_status == ("closed",)
    assert Ranking().exclude_status == ("closed",)
    base = standard_from(IDENTITY, PYRAMID).model_dump(mode="json")
    for bad, words in ((["active"], "dormant"), (["closed", "closed"], "listed twice")):
        with pytest.raises((StandardError, ValueError), match=words):
            parse_standard_dict({**base, "ranking": {"exclude_status": bad}})


def parse_standard_dict(doc: dict) -> object:
    import yaml

    return parse_standard(yaml.safe_dump(doc, allow_unicode=True))


STATUSES = st.sampled_from(["active", "dormant", "closed", None])


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), STATUSES), min_size=1, max_size=12),
       st.sampled_from([("closed",), ("closed", "dormant"), ()]))
def test_excluded_customers_change_nobody_else(customers: list, excluded: tuple) -> None:
    """Tiering everyone with exclusions = tiering only the ranked customers without them."""
    ids = [f"C{i:02d}" for i in range(len(customers))]
    scores = [float(s) for s, _ in customers]
    statuses = [s for _, s in customers]
    listed = "[" + ", ".join(excluded) + "]"
    std = standard_from(IDENTITY, PYRAMID, f"ranking:\n  exclude_status: {listed}\n")
    everyone = std.model_copy(update={"ranking": Ranking(exclude_status=())})
    table = ibis.memtable(pa.table({"customer_id": ids, "dep_avg": scores,
                                    "status": pa.array(statuses, pa.string())}))
    kept = [i for i, s in enumerate(statuses) if s not in excluded]
    alone = ibis.memtable(pa.table({"customer_id": [ids[i] for i in kept],
                                    "dep_avg": [scores[i] for i in kept],
                                    "status": pa.array([statuses[i] for i in kept],
                                                       pa.string())}))
    assert rows(score_and_tier(table, std)) == rows(score_and_tier(alone, everyone))
    assert rows(ranked_customers(table, std.ranking).select("customer_id")) == [
        {"customer_id": ids[i]} for i in kept]
