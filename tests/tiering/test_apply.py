"""The whole pipeline: output columns, the default standard on seeded data, DuckDB = Spark."""

from __future__ import annotations

from collections import Counter

import ibis
import pyarrow as pa
import pytest
from tiering_helpers import memtable, one_indicator, random_indicators, rows, standard_from

from corptier.errors import StandardError
from corptier.tiering import (
    Standard,
    default_standard_path,
    load_default_standard,
    output_columns,
    parse_standard,
    score_and_tier,
)
from corptier.tiering.ranking import Ranking

STRATEGIC = {"strategic": ["C000007", "C000042"]}


@pytest.fixture(scope="module")
def default_result() -> list[dict]:
    table = ibis.memtable(random_indicators(2000))
    return rows(score_and_tier(table, load_default_standard(), named_lists=STRATEGIC))


def test_output_columns_are_documented_and_one_row_per_customer(default_result) -> None:
    std = load_default_standard()
    assert list(default_result[0]) == output_columns(std, with_period=True)
    assert len(default_result) == 2000
    assert len({r["customer_id"] for r in default_result}) == 2000
    assert "points__value__dep_avg_r3" in default_result[0]
    assert {"score_value", "score_needs", "score_behaviour", "score_risk"} <= set(default_result[0])


def test_default_standard_gives_the_pyramid_and_gates_move_it(default_result) -> None:
    raw = Counter(r["raw_tier"] for r in default_result)
    assert raw == {"strategic": 20, "core": 80, "key": 300, "growth": 600, "basic": 1000}
    computed = Counter(r["computed_tier"] for r in default_result)
    assert computed["strategic"] >= 20 and computed["basic"] > 0
    assert all(0 <= r["score"] <= 100 for r in default_result)
    by_id = {r["customer_id"]: r for r in default_result}
    for cid in STRATEGIC["strategic"]:
        if not by_id[cid]["gate_substandard_loan"] and not by_id[cid]["gate_overdue_90"]:
            assert by_id[cid]["tier_after_gates"] == "strategic"


def test_flags_follow_their_rules(default_result) -> None:
    for r in default_result:
        if r["flag_potential"]:
            assert r["computed_tier"] in ("key", "growth", "basic")
        if r["gate_substandard_loan"] or r["gate_overdue_90"]:
            assert r["flag_risk_watch"] and r["computed_tier"] == "basic"
    assert any(r["flag_risk_watch"] for r in default_result)


def test_tiers_are_ordered_by_score_within_the_raw_pyramid(default_result) -> None:
    order = ["strategic", "core", "key", "growth", "basic"]
    ranked = sorted(default_result, key=lambda r: r["rank"])
    levels = [order.index(r["raw_tier"]) for r in ranked]
    assert levels == sorted(levels)
    assert [r["rank"] for r in ranked] == list(range(1, 2001))


def test_same_input_same_output() -> None:
    table = ibis.memtable(random_indicators(300, seed=11))
    std = load_default_standard()
    first = score_and_tier(table, std, named_lists=STRATEGIC).to_pyarrow()
    second = score_and_tier(table, std, named_lists=STRATEGIC).to_pyarrow()
    assert first.sort_by("customer_id").equals(second.sort_by("customer_id"))


def test_missing_indicator_columns_are_named() -> None:
    std = load_default_standard()
    table = ibis.memtable(random_indicators(5).drop_columns(["pd", "has_trade"]))
    with pytest.raises(StandardError, match=r"lacks: has_trade, pd"):
        score_and_tier(table, std, named_lists=STRATEGIC)


def test_nothing_runs_until_executed() -> None:
    std = standard_from(one_indicator("method: percentile", missing="0"))
    expr = score_and_tier(memtable(dep_avg=[1.0, 2.0]), std)
    assert isinstance(expr, ibis.expr.types.Table)
    assert expr.columns[:2] == ("customer_id", "group_id")


def variant_standard() -> Standard:
    """The default standard with quantile cut-offs and percentile-scored contribution."""
    text = default_standard_path().read_text(encoding="utf-8")
    text = text.replace(
        "  method: pyramid             # shares of the period's customers, filled by score rank\n"
        "  shares:\n    strategic: 0.01\n    core: 0.04\n    key: 0.15\n    growth: 0.30\n"
        "    basic: 0.50\n",
        "  method: quantile\n  quantiles: {strategic: 0.99, core: 0.95, key: 0.8, growth: 0.5}\n",
    )
    text = text.replace(
        "        method: log\n        lo: 10000                 # 1万\n"
        "        hi: 20000000              # 2000万\n        missing: zero\n",
        "        method: percentile\n        missing: 0\n",
    )
    std = parse_standard(text)
    assert std.cutoffs.method == "quantile"
    assert std.dimensions["value"].indicators["contribution_r12"].method == "percentile"
    return std


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:The 'future.infer_string' option")
@pytest.mark.parametrize("which", ["default", "quantile_percentile", "statuses"])
def test_spark_and_duckdb_give_identical_results(spark, which: str) -> None:
    data = random_indicators(2000, seed=2026)
    std = variant_standard() if which == "quantile_percentile" else load_default_standard()
    if which == "statuses":  # every 10th customer closed, every 7th dormant, some without status
        statuses = [None if i % 13 == 0 else "closed" if i % 10 == 0 else
                    "dormant" if i % 7 == 0 else "active" for i in range(2000)]
        data = data.append_column("status", pa.array(statuses, pa.string()))
        std = std.model_copy(update={"ranking": Ranking(exclude_status=("closed", "dormant"))})
    spark.createDataFrame(data).createOrReplaceTempView("tiering_conformance")
    con = ibis.pyspark.connect(spark)
    on_spark = con.to_pyarrow(
        score_and_tier(con.table("tiering_conformance"), std, named_lists=STRATEGIC)
    ).to_pylist()
    on_duckdb = rows(score_and_tier(ibis.memtable(data), std, named_lists=STRATEGIC))
    on_spark.sort(key=lambda r: r["customer_id"])
    # enough at the top to compare (1 % of 2000, or of the 1578 ranked, less the capped)
    assert Counter(r["computed_tier"] for r in on_duckdb)["strategic"] >= (
        10 if which == "statuses" else 20)
    # 2000 less the closed or dormant (i % 10 == 0 or i % 7 == 0: 200 + 286 − 29) that have a
    # status (not i % 13 == 0: 16 + 22 − 3 of them) = 2000 − 422
    assert len(on_spark) == len(on_duckdb) == (2000 - 422 if which == "statuses" else 2000)
    for left, right in zip(on_duckdb, on_spark, strict=True):
        assert left == right, left["customer_id"]


def test_several_periods_at_once_equal_each_period_alone() -> None:
    import pyarrow as pa

    std = load_default_standard()
    june = random_indicators(150, seed=1)
    july = random_indicators(120, seed=2)
    july = july.set_column(july.schema.get_field_index("period"), "period",
                           pa.array(["2026-07"] * 120))
    both = pa.concat_tables([june, july])
    together = score_and_tier(ibis.memtable(both), std, named_lists=STRATEGIC).to_pyarrow()
    for part in (june, july):
        alone = score_and_tier(ibis.memtable(part), std, named_lists=STRATEGIC).to_pyarrow()
        period = part["period"][0].as_py()
        mine = [r for r in together.to_pylist() if r["period"] == period]
        assert sorted(mine, key=lambda r: r["customer_id"]) == sorted(
            alone.to_pylist(), key=lambda r: r["customer_id"])
