"""Size-class ladders (`cutoffs.by`): cut-offs, ranks and percentiles within segments."""

from __future__ import annotations

import textwrap

import ibis
import pyarrow as pa
import pytest
from test_apply import STRATEGIC, variant_standard
from test_standard import issues_of, line_of
from tiering_helpers import HEAD, by_id, memtable, random_indicators, rows

from corptier.report.explanation import render_explanation
from corptier.tiering import Standard, load_default_standard, parse_standard, score_and_tier
from corptier.tiering.explanations import explain, explain_published
from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.tiering.results import (
    add_results,
    hysteresis_state,
    overrides_table,
    published_history,
    published_table,
)

VALUE = """
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      dep_avg: {weight: 1, method: minmax, lo: 0, hi: 100, missing: zero}
"""

# One ladder: shares 20/20/20/40 of ten customers give ranks 1-2 a, 3-4 b, 5-6 c, 7-10 d.
PYRAMID = """
cutoffs:
  method: pyramid
  shares: {a: 0.2, b: 0.2, c: 0.2, d: 0.4}
"""

BY_SIZE = """
  by: enterprise_size
  ladders:
    micro:
      shares: {a: 0.25, b: 0.25, c: 0.25, d: 0.25}
"""

SIZES = ["large"] * 6 + ["micro"] * 4
DEPOSITS = [90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 20.0, 10.0, 5.0, 1.0]
CODES = ("a", "b", "c", "d")
IDS = [f"L{i}" for i in range(1, 7)] + [f"M{i}" for i in range(1, 5)]


def standard(*blocks: str) -> Standard:
    """A four-tier standard from YAML blocks; `by`/`ladders` blocks go under `cutoffs:`."""
    return parse_standard(HEAD + "".join(_block(b) for b in blocks))


def _block(text: str) -> str:
    block = textwrap.dedent(text)
    key = block.lstrip("\n").split(":")[0]
    return textwrap.indent(block, "  ") if key in {"by", "ladders"} else block


def book(**extra: list) -> ibis.Table:
    return memtable(customer_id=IDS, dep_avg=DEPOSITS, enterprise_size=SIZES, **extra)


def test_a_micro_firm_top_of_its_size_ladder_takes_the_top_tier() -> None:
    one = by_id(score_and_tier(book(), standard(VALUE, PYRAMID)))
    # ranked against the large firms M1 (rank 7 of 10) is in the last tier
    assert (one["M1"]["rank"], one["M1"]["raw_tier"]) == (7, "d")
    assert one["M1"]["ladder"] is None and one["M1"]["ladder_size"] == 10

    got = by_id(score_and_tier(book(), standard(VALUE, PYRAMID, BY_SIZE)))
    # micro ladder (its own shares 25 % each, n = 4): ranks 1, 2, 3, 4 → a, b, c, d
    assert [got[c]["raw_tier"] for c in ("M1", "M2", "M3", "M4")] == ["a", "b", "c", "d"]
    assert [got[c]["rank"] for c in ("M1", "M2", "M3", "M4")] == [1, 2, 3, 4]
    assert {got[c]["ladder"] for c in ("M1", "M4")} == {"micro"}
    assert got["M1"]["ladder_size"] == 4
    # large ladder (standard shares, n = 6): ⌊1.2⌋ = 1 a, ⌊2.4⌋ = 2 b or better, ⌊3.6⌋ = 3
    assert [got[f"L{i}"]["raw_tier"] for i in range(1, 7)] == ["a", "b", "c", "d", "d", "d"]
    assert got["L6"]["ladder_size"] == 6 and got["L6"]["rank"] == 6
    assert got["M1"]["computed_tier"] == "a"


def test_customers_no_condition_places_go_to_the_other_ladder() -> None:
    by_conditions = """
      by:
        big: dep_avg >= 60
        mid: dep_avg >= 10
      ladders:
        other: {shares: {a: 0.5, b: 0.5, c: 0, d: 0}}
    """
    got = by_id(score_and_tier(book(), standard(VALUE, PYRAMID, by_conditions)))
    ladders = {cid: r["ladder"] for cid, r in got.items()}
    assert ladders == {"L1": "big", "L2": "big", "L3": "big", "L4": "big", "L5": "mid",
                       "L6": "mid", "M1": "mid", "M2": "mid", "M3": "other", "M4": "other"}
    # other (n = 2, shares 50/50): M3 a, M4 b
    assert (got["M3"]["raw_tier"], got["M4"]["raw_tier"]) == ("a", "b")
    # big (n = 4): ⌊0.8⌋ = 0 a, ⌊1.6⌋ = 1, ⌊2.4⌋ = 2 → b, c, d, d
    assert [got[f"L{i}"]["raw_tier"] for i in range(1, 5)] == ["b", "c", "d", "d"]


def test_a_missing_size_ranks_in_the_other_ladder() -> None:
    sizes = [*SIZES[:-1], None]
    got = by_id(score_and_tier(memtable(customer_id=IDS, dep_avg=DEPOSITS, enterprise_size=sizes),
                               standard(VALUE, PYRAMID, BY_SIZE)))
    assert (got["M4"]["ladder"], got["M4"]["ladder_size"], got["M4"]["rank"]) == ("other", 1, 1)
    # micro now has 3: ⌊0.75⌋ = 0 a, ⌊1.5⌋ = 1 b, ⌊2.25⌋ = 2 c → b, c, d
    assert [got[c]["raw_tier"] for c in ("M1", "M2", "M3")] == ["b", "c", "d"]


def test_percentile_points_are_taken_within_the_ladder_by_default() -> None:
    percentile = VALUE.replace("method: minmax, lo: 0, hi: 100", "method: percentile")
    within = by_id(score_and_tier(book(), standard(percentile, PYRAMID, BY_SIZE)))
    # micro: 4 values, mid-rank percentile below / (n − 1): 3/3, 2/3, 1/3, 0
    assert [within[c]["score"] for c in ("M1", "M2", "M3", "M4")] == [100.0, 66.6667, 33.3333,
                                                                      0.0]
    assert within["L2"]["score"] == 80.0  # 4 of 5 large below it
    overall = by_id(score_and_tier(book(), standard(
        percentile, PYRAMID, BY_SIZE + "  score_within_ladder: false\n")))
    assert overall["M1"]["score"] == 33.3333  # 3 of the 9 others below it
    assert overall["M1"]["raw_tier"] == "a"  # still top of its ladder


def test_a_ladder_weighs_the_dimensions_its_own_way() -> None:
    two = """
    dimensions:
      value:
        name_zh: 价值
        name_en: Value
        weight: 0.5
        indicators:
          dep_avg: {weight: 1, method: minmax, lo: 0, hi: 100, missing: zero}
      credit:
        name_zh: 信贷
        name_en: Credit
        weight: 0.5
        indicators:
          loan_avg: {weight: 1, method: minmax, lo: 0, hi: 100, missing: zero}
    """
    ladders = """
      by: enterprise_size
      ladders:
        micro:
          weights: {value: 1, credit: 0}
    """
    loans = [80.0] * 10
    got = by_id(score_and_tier(book(loan_avg=loans), standard(two, PYRAMID, ladders)))
    assert got["M1"]["score"] == 20.0  # 1 × 20 + 0 × 80
    assert got["L6"]["score"] == 60.0  # 0.5 × 40 + 0.5 × 80


def test_the_default_standard_keeps_one_ladder_and_its_hash() -> None:
    std = load_default_standard()
    assert std.cutoffs.by is None
    assert "by" not in std.model_dump(mode="json")["cutoffs"]
    assert std.content_hash == DEFAULT_HASH


DEFAULT_HASH = "5261b7aab74ed97a7c14f96c422b3a63d59500c7f7178456251c857b26710931"
"""The default standard's hash (group risk, the BG/NBD dropout floor): ladders must not move it;
a change of the default standard itself updates it here."""


def test_by_counts_in_the_indicators_used() -> None:
    assert "enterprise_size" in standard(VALUE, PYRAMID, BY_SIZE).indicators_used()
    cond = standard(VALUE, PYRAMID, "  by: {big: loan_avg >= 60}\n")
    assert "loan_avg" in cond.indicators_used()


@pytest.mark.parametrize(("block", "needle", "message"), [
    ("  by: enterprise_size\n  ladders:\n    tiny: {shares: {a: 1, b: 0, c: 0, d: 0}}\n",
     "tiny", "unknown ladder 'tiny'"),
    ("  by: enterprise_sise\n", "enterprise_sise", "unknown indicator 'enterprise_sise'"),
    ("  by: enterprise_size\n  ladders:\n    micro: {weights: {valu: 1}}\n", "{valu:",
     "unknown dimension 'valu'"),
    ("  by: enterprise_size\n  ladders:\n    micro: {weights: {value: 0.5}}\n", "micro",
     "dimension weights must add up to 1"),
    ("  by: enterprise_size\n  ladders:\n    micro: {shares: {a: 0.5, b: 0.2, c: 0.2, d: 0.2}}"
     "\n", "micro", "shares must add up to 1 exactly; they add up to 1.1"),
    ("  by: enterprise_size\n  ladders:\n    micro: {points: {a: 50, b: 40, c: 30}}\n", "micro",
     "the pyramid method takes 'shares', not 'points'"),
    ("  ladders:\n    micro: {shares: {a: 1, b: 0, c: 0, d: 0}}\n", "ladders",
     "'ladders' needs 'by'"),
])
def test_ladder_mistakes_name_the_file_line_and_field(block: str, needle: str,
                                                      message: str) -> None:
    text = HEAD + textwrap.dedent(VALUE) + textwrap.dedent(PYRAMID) + block
    issues = issues_of(text)
    assert len(issues) == 1, issues
    assert message in issues[0].message
    assert issues[0].file == "s.yaml"
    assert issues[0].line is not None
    assert abs(issues[0].line - line_of(text, needle)) <= 1
    assert issues[0].field.startswith("cutoffs")


def test_the_explanation_names_the_ladder() -> None:
    std = standard(VALUE, PYRAMID, BY_SIZE)
    row = by_id(score_and_tier(book(), std))["M1"]
    expl = explain(row, std)
    assert expl["ladder"] == {"code": "micro", "size": 4, "by": "enterprise_size"}
    expl.update(period="2026-01", run_id="r", hysteresis={"reason": "first", "periods_below": 0},
                applied_tier="a", migration="new", previous_tier=None)
    assert "ranked 1 of 4 in ladder micro" in render_explanation(expl, "en")
    assert "在分层梯队 micro 中排名第 1 名（共 4 名）" in render_explanation(expl, "zh-CN")


def ladder_variant() -> Standard:
    """The quantile/percentile variant of the default standard, ranked within size ladders,
    micro firms with their own quantiles and dimension weights."""
    doc = variant_standard().model_dump(mode="json")
    doc["cutoffs"].update(by="enterprise_size", ladders={"micro": {
        "quantiles": {"strategic": 0.95, "core": 0.85, "key": 0.6, "growth": 0.3},
        "weights": {"value": 0.3, "needs": 0.3, "behaviour": 0.4, "risk": 0},
    }})
    return Standard.model_validate(doc)


def sized(n: int) -> pa.Table:
    data = random_indicators(n, seed=2026)
    cycle = ["large", "medium", "small", "micro", "micro", None]
    return data.append_column("enterprise_size", pa.array(
        [cycle[i % len(cycle)] for i in range(n)], pa.string()))


def test_ladders_rank_each_size_class_on_its_own_on_a_book() -> None:
    got = rows(score_and_tier(ibis.memtable(sized(600)), ladder_variant(), named_lists=STRATEGIC))
    sizes = {r["ladder"]: r["ladder_size"] for r in got}
    # 600 customers cycling large, medium, small, micro, micro, none: 100 each, micro 200
    assert sizes == {"large": 100, "medium": 100, "small": 100, "micro": 200, "other": 100}
    for ladder in sizes:
        ranks = sorted(r["rank"] for r in got if r["ladder"] == ladder)
        assert ranks == list(range(1, sizes[ladder] + 1))
    # micro quantile 0.95 of 200: the strategic cut-off is the score ranked ⌊0.05 · 200⌋ = 10
    micro = sorted((r for r in got if r["ladder"] == "micro"), key=lambda r: r["rank"])
    assert all(r["raw_tier"] == "strategic" for r in micro if r["score"] >= micro[9]["score"])
    assert all(r["raw_tier"] != "strategic" for r in micro if r["score"] < micro[9]["score"])


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:The 'future.infer_string' option")
def test_spark_and_duckdb_give_the_same_ladders(spark) -> None:
    data, std = sized(600), ladder_variant()
    spark.createDataFrame(data).createOrReplaceTempView("ladder_conformance")
    con = ibis.pyspark.connect(spark)
    on_spark = con.to_pyarrow(
        score_and_tier(con.table("ladder_conformance"), std, named_lists=STRATEGIC)).to_pylist()
    on_spark.sort(key=lambda r: r["customer_id"])
    on_duckdb = rows(score_and_tier(ibis.memtable(data), std, named_lists=STRATEGIC))
    assert len(on_spark) == len(on_duckdb) == 600
    for left, right in zip(on_duckdb, on_spark, strict=True):
        assert left == right, left["customer_id"]


def test_the_published_table_names_the_ladder_and_the_explanation_reads_it() -> None:
    std = standard(VALUE, PYRAMID, BY_SIZE)
    history = published_history([])
    tiered = tier_with_hysteresis(book(), std, {}, hysteresis_state(history, CODES))
    tiered = tiered.mutate(p_alive=ibis.literal(0.5), attrition_risk=ibis.literal(0.5),
                           behaviour_state=ibis.literal("active"),
                           behaviour_reason=ibis.literal("none"))
    chosen = ibis.memtable(overrides_table({}, CODES))
    table = published_table(add_results(tiered, history, chosen, CODES, None), std, "run-1")
    got = {r["customer_id"]: r for r in table.to_pyarrow().to_pylist()}
    assert (got["M1"]["ladder"], got["M1"]["ladder_size"], got["M1"]["rank"]) == ("micro", 4, 1)
    assert (got["L1"]["ladder"], got["L1"]["ladder_size"]) == ("large", 6)
    assert got["M1"]["applied_tier"] == "a"
    expl = explain_published(got["M1"], std, None)
    assert expl["ladder"] == {"code": "micro", "size": 4, "by": "enterprise_size"}
    assert "ranked 1 of 4 in ladder micro" in render_explanation(
        {**expl, "period": "2026-01", "run_id": "run-1"}, "en")
