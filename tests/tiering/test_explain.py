"""The per-customer explanation: points, dimensions, gates, group rule, tier, flags, segment."""

from __future__ import annotations

import json

import ibis
from tiering_helpers import by_id, random_indicators

from corptier.tiering import explain, explain_all, load_default_standard, score_and_tier


def test_explanation_carries_every_step_and_is_json_ready() -> None:
    std = load_default_standard()
    data = random_indicators(200, seed=5)
    result = by_id(score_and_tier(ibis.memtable(data), std, named_lists={"strategic": ["C000003"]}))
    indicators = {r["customer_id"]: r for r in data.to_pylist()}
    row = result["C000003"]
    got = explain(row, std, indicators["C000003"])
    json.dumps(got, ensure_ascii=False)

    assert got["customer_id"] == "C000003"
    assert got["standard"] == {"id": "branch-default", "version": "2026.1",
                               "content_hash": std.content_hash}
    assert got["score"] == row["score"] and got["rank"] == row["rank"]
    value = got["dimensions"][0]
    assert value["code"] == "value" and value["weight"] == 0.5
    assert value["score"] == row["score_value"]
    dep = value["indicators"][0]
    assert dep["name"] == "dep_avg_r3" and dep["method"] == "log"
    assert dep["points"] == row["points__value__dep_avg_r3"]
    assert dep["value"] == str(indicators["C000003"]["dep_avg_r3"])  # money kept exact
    strategic = next(g for g in got["gates"] if g["id"] == "strategic_list")
    assert strategic == {"id": "strategic_list", "kind": "floor", "tier": "strategic",
                         "fired": True, "description": strategic["description"]}
    assert got["cutoffs"] == {"method": "pyramid", "raw_tier": row["raw_tier"]}
    assert got["computed_tier"]["code"] == row["computed_tier"]
    assert got["computed_tier"]["level"] == row["computed_level"]
    assert got["group_rule"]["max_below_group"] == 2
    assert got["needs_segment"]["code"] == row["needs_segment"]
    assert "name_zh" in got["needs_segment"]


def test_excluded_indicators_and_flags_are_shown() -> None:
    std = load_default_standard()
    data = random_indicators(300, seed=9)
    result = by_id(score_and_tier(ibis.memtable(data), std, named_lists={"strategic": []}))
    excluded = next(r for r in result.values() if r["points__behaviour__dep_cv_12"] is None)
    behaviour = explain(excluded, std)["dimensions"][2]
    dep_cv = next(i for i in behaviour["indicators"] if i["name"] == "dep_cv_12")
    assert dep_cv["excluded"] is True and dep_cv["points"] is None and "value" not in dep_cv
    watched = next(r for r in result.values() if r["flag_risk_watch"])
    assert {"code": "risk_watch", "name_zh": "风险关注", "name_en": "Risk watch"} in explain(
        watched, std)["flags"]


def test_explain_all_keys_by_customer() -> None:
    std = load_default_standard()
    result = by_id(score_and_tier(ibis.memtable(random_indicators(20)), std,
                                  named_lists={"strategic": []}))
    assert sorted(explain_all(result.values(), std)) == sorted(result)
