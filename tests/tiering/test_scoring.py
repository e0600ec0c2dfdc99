"""Scoring methods, hand-checked: bands, percentile, min-max, log, missing values, weights."""

from __future__ import annotations

from decimal import Decimal

import ibis
import pyarrow as pa
from tiering_helpers import by_id, memtable, one_indicator, standard_from

from corptier.tiering import score_and_tier
from corptier.tiering.scoring import rounded


def points(method_yaml: str, values: list, name: str = "dep_avg", missing: str = "zero",
           column_type: pa.DataType | None = None) -> list:
    std = standard_from(one_indicator(method_yaml, name, missing))
    column = pa.array(values, column_type) if column_type else values
    result = by_id(score_and_tier(memtable(**{name: column}), std))
    return [result[f"C{i + 1}"][f"points__value__{name}"] for i in range(len(values))]


BANDS_UP = """
method: bands
bands:
  - {at: 10, points: 20}
  - {at: 20, points: 50}
  - {at: 30, points: 100}
"""


def test_ascending_bands_take_the_highest_band_reached() -> None:
    values = [5.0, 10.0, 19.99, 20.0, 30.0, 1e9]
    assert points(BANDS_UP, values) == [0, 20, 20, 50, 100, 100]


def test_descending_bands_take_the_lowest_band_reached_and_otherwise() -> None:
    spec = """
method: bands
direction: descending
bands:
  - {at: 0, points: 100}
  - {at: 30, points: 60}
  - {at: 90, points: 20}
otherwise: 5
"""
    values = [0, 1, 30, 31, 90, 91]
    assert points(spec, values, name="max_days_overdue") == [100, 60, 60, 20, 20, 5]


def test_percentile_is_percent_rank_among_known_values_with_ties_at_their_mid_rank() -> None:
    values = [10.0, 20.0, 20.0, 40.0, None]
    # the two 20s span ranks 1 and 2 of 0..3: mid-rank 1.5 / 3 = 50 points each
    assert points("method: percentile", values, missing="50") == [0, 50, 50, 100, 50]
    down = "method: percentile\ndirection: descending"
    assert points(down, values, missing="50") == [100, 50, 50, 0, 50]


def test_percentile_of_a_lone_customer_or_all_tied_is_the_middle() -> None:
    assert points("method: percentile", [7.0]) == [50]
    assert points("method: percentile", [7.0, 7.0, 7.0]) == [50, 50, 50]
    # three tied at the bottom span ranks 0..2 of 0..3: mid-rank 1 / 3
    assert points("method: percentile", [5.0, 5.0, 5.0, 9.0]) == [33.3333, 33.3333, 33.3333, 100]


def test_percentile_with_missing_zero_ranks_the_zeros_too() -> None:
    assert points("method: percentile", [None, 5.0, 10.0]) == [0, 50, 100]


def test_minmax_is_capped_both_ends() -> None:
    spec = "method: minmax\nlo: 0\nhi: 200"
    assert points(spec, [-5.0, 0.0, 50.0, 200.0, 250.0]) == [0, 0, 25, 100, 100]
    down = "method: minmax\ndirection: descending\nlo: 0\nhi: 200"
    assert points(down, [50.0, 250.0]) == [75, 0]


def test_log_scale_between_bounds() -> None:
    spec = "method: log\nlo: 10\nhi: 100000"
    assert points(spec, [1.0, 10.0, 100.0, 1000.0, 1e6, -3.0]) == [0, 0, 25, 50, 100, 0]
    down = "method: log\ndirection: descending\nlo: 10\nhi: 100000"
    assert points(down, [100.0]) == [75]


def test_decimal_money_columns_score_exactly() -> None:
    values = [Decimal("99999999.99"), Decimal("100000000.00")]
    spec = "method: bands\nbands: [{at: 100000000, points: 100}]"
    assert points(spec, values, column_type=pa.decimal128(18, 2)) == [0, 100]


def test_missing_zero_scores_the_value_zero_not_zero_points() -> None:
    spec = "method: minmax\nlo: -100\nhi: 100"
    assert points(spec, [None, 100.0]) == [50, 100]


def test_missing_points_and_nan_count_as_missing() -> None:
    spec = "method: minmax\nlo: 0\nhi: 100"
    assert points(spec, [None, float("nan"), 80.0], missing="40") == [40, 40, 80]


TWO_DIMS = """
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 0.6
    indicators:
      dep_avg: {weight: 0.5, method: minmax, lo: 0, hi: 100, missing: exclude}
      loan_avg: {weight: 0.5, method: minmax, lo: 0, hi: 100, missing: exclude}
  risk:
    name_zh: 风险
    name_en: Risk
    weight: 0.4
    indicators:
      max_days_overdue:
        weight: 1
        method: bands
        direction: descending
        bands: [{at: 0, points: 100}, {at: 30, points: 50}]
        missing: exclude
"""


def test_exclude_reweights_within_and_across_dimensions() -> None:
    std = standard_from(TWO_DIMS)
    table = memtable(
        dep_avg=[80.0, 80.0, None, None],
        loan_avg=[40.0, None, None, None],
        max_days_overdue=[10, 10, 0, None],
    )
    result = by_id(score_and_tier(table, std))
    # C1: value (80 + 40) / 2 = 60, risk 50 → 0.6 × 60 + 0.4 × 50 = 56
    assert result["C1"]["score_value"] == 60 and result["C1"]["score_risk"] == 50
    assert result["C1"]["score"] == 56
    # C2: loan excluded, value = 80 → 0.6 × 80 + 0.4 × 50 = 68
    assert result["C2"]["points__value__loan_avg"] is None
    assert result["C2"]["score_value"] == 80 and result["C2"]["score"] == 68
    # C3: value dimension excluded, risk alone → 100
    assert result["C3"]["score_value"] is None and result["C3"]["score"] == 100
    # C4: nothing known → 0
    assert result["C4"]["score"] == 0


def test_total_is_the_weighted_sum_of_dimensions_rounded_to_four_places() -> None:
    std = standard_from(TWO_DIMS.replace("missing: exclude", "missing: zero"))
    result = by_id(score_and_tier(memtable(dep_avg=[33.33333], loan_avg=[0.0],
                                           max_days_overdue=[0]), std))
    assert result["C1"]["points__value__dep_avg"] == 33.3333
    assert result["C1"]["score_value"] == 16.6667  # 16.66665 rounds half up
    # 0.6 × 16.6667 + 0.4 × 100 = 50.00002 → 50.0
    assert result["C1"]["score"] == 50.0


def test_rounding_is_half_up_by_plain_arithmetic() -> None:
    t = ibis.memtable(pa.table({"x": [0.03125, 0.09375, 0.00004, 12.0]}))
    out = t.select(r=rounded(t.x)).to_pyarrow()["r"].to_pylist()
    assert out == [0.0313, 0.0938, 0.0, 12.0]
