"""The report's findings: each rule's verdict and evidence on small aggregates."""

from __future__ import annotations

import itertools
import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from corptier.config import ReportThresholds
from corptier.evaluation.findings import FindingInputs, findings, pyramid, value_order

ORDER = ("strategic", "core", "key", "basic")


def kpis(customers, contribution, raroc) -> pd.DataFrame:
    return pd.DataFrame({"customers": customers, "contribution": contribution, "raroc": raroc},
                        index=list(ORDER)).astype(float)


def inputs(frame: pd.DataFrame, **kw) -> FindingInputs:
    return FindingInputs(tier_order=ORDER, kpis=frame, hurdle_rate=0.12,
                         thresholds=ReportThresholds(), **kw)


def by_code(result):
    return {f.code: f for f in result}


def test_an_inverted_tier_is_named_with_its_values() -> None:
    frame = kpis([1, 4, 15, 80], [900, 2400, 3000, 4000], [0.042, 0.056, 0.03, 0.01])
    found = by_code(findings(inputs(frame)))
    raroc = found["order_raroc"]
    assert raroc.status == "attention" and raroc.section == "kpis"
    [item] = raroc.items
    assert (item.params["lower"].value, item.params["higher"].value) == ("core", "strategic")
    assert item.params["lower_value"].value == 0.056
    assert found["order_avg_contribution"].status == "ok"  # 900, 600, 200, 50
    hurdle = found["raroc_hurdle"]
    assert hurdle.status == "attention" and hurdle.params["below"].value == 4


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=4, max_size=4))
def test_inversions_are_the_adjacent_rises(values) -> None:
    frame = kpis([10, 10, 10, 10], [v * 10 for v in values], values)
    finding = value_order(inputs(frame), "raroc", "share")
    rises = [(a, b) for a, b in itertools.pairwise(values) if b > a]
    assert len(finding.items) == len(rises)
    assert finding.status == ("attention" if rises else "ok")
    assert [(i.params["higher_value"].value, i.params["lower_value"].value)
            for i in finding.items] == rises


def test_empty_tiers_are_skipped_and_one_tier_is_not_judged() -> None:
    frame = kpis([5, 0, 0, 0], [100, 0, 0, 0], [0.2, math.nan, math.nan, math.nan])
    found = by_code(findings(inputs(frame)))
    assert found["order_raroc"].status == "unknown"
    assert found["order_avg_contribution"].status == "unknown"
    assert found["raroc_hurdle"].status == "ok"


def test_thresholds_are_data() -> None:
    frame = kpis([1, 4, 15, 80], [900, 2400, 3000, 4000], [0.3, 0.2, 0.15, 0.13])
    common = dict(customers=100, destroying_customers=25, value_lost=-5e5, unchanged_share=0.85,
                  flapping_rate=0.02, psi=0.08, rows_read=1000, rows_rejected=10)
    ok = by_code(findings(inputs(frame, **common)))
    assert {c: f.status for c, f in ok.items()} == {
        "order_avg_contribution": "ok", "order_raroc": "ok", "raroc_hurdle": "ok",
        "value_destroyers": "ok", "tier_stability": "ok", "score_psi": "ok",
        "data_quality": "ok", "pyramid": "unknown"}
    strict = ReportThresholds(max_destroying_share=0.2, min_unchanged_share=0.9, max_psi=0.05,
                              max_rejected_share=0.005)
    tight = by_code(findings(FindingInputs(tier_order=ORDER, kpis=frame, hurdle_rate=0.12,
                                           thresholds=strict, **common)))
    assert all(tight[c].status == "attention" for c in
               ("value_destroyers", "tier_stability", "score_psi", "data_quality"))
    assert tight["value_destroyers"].params["lost"].value == -5e5


def test_without_history_or_loads_the_findings_say_so() -> None:
    frame = kpis([1, 4, 15, 80], [900, 2400, 3000, 4000], [0.3, 0.2, 0.15, 0.13])
    found = by_code(findings(inputs(frame)))
    assert {found[c].status for c in ("tier_stability", "score_psi", "data_quality",
                                      "value_destroyers")} == {"unknown"}


def test_pyramid_names_the_tiers_off_target() -> None:
    frame = kpis([1, 4, 15, 80], [0, 0, 0, 0], [0, 0, 0, 0])
    targets = {"strategic": 0.01, "core": 0.04, "key": 0.25, "basic": 0.70}
    finding = pyramid(inputs(frame, target_shares=targets))
    assert finding.status == "attention"
    assert [i.params["tier"].value for i in finding.items] == ["key", "basic"]
    close = {"strategic": 0.01, "core": 0.04, "key": 0.15, "basic": 0.80}
    assert pyramid(inputs(frame, target_shares=close)).status == "ok"
