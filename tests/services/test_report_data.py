"""What the report reads from the workspace."""

from __future__ import annotations

import pandas as pd
import pytest

from corptier.errors import NotFoundError
from corptier.services.report_data import build_report_data, quarantine_summary


def test_report_data_of_the_last_period(report_ws) -> None:
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1])
    assert data.lang == "zh-CN"  # the workspace language
    assert data.tier_order == ("strategic", "core", "key", "growth", "basic")
    assert data.kpis.loc["all", "customers"] == len(data.tiers)
    assert data.previous is not None and data.previous.period == periods[-2]
    assert data.year_ago is not None and data.year_ago.period == periods[-13]
    assert data.trend["period"].nunique() == 12
    assert data.psi_previous is not None and data.psi_previous.n_cur == len(data.tiers)
    assert data.stability is not None and len(data.stability.steps) == 11
    assert data.adoption["adopted_period"] == periods[2]
    assert set(data.before_after["tier"]) >= {"all", "core"}
    assert data.quarantine.rejected == 4
    assert data.quarantine.warned == 1  # accepted, listed apart from the rejections
    assert data.quarantine.warnings["table"].tolist() == ["loans"]
    assert data.quarantine.load_runs["rows_rejected"].tolist() == [2]
    assert data.run["standard_id"] == "default"
    assert "name" in data.tiers.columns and "contribution" in data.tiers.columns


def test_a_period_without_published_tiers_is_not_found(report_ws) -> None:
    ws, periods = report_ws
    with pytest.raises(NotFoundError, match="period 2024-01 has not been closed"):
        build_report_data(ws, periods[0])


def test_quarantine_summary_counts_by_table_column_reason(tmp_path) -> None:
    pd.DataFrame({"row": [2, 3, 3], "column": ["uscc", "uscc", "name"],
                  "reason": ["bad check", "bad check", "missing"], "uscc": ["x", "y", "y"]}
                 ).to_csv(tmp_path / "customers.csv", index=False, encoding="utf-8-sig")
    out = quarantine_summary(tmp_path)
    assert out.to_dict("records") == [
        {"table": "customers", "column": "uscc", "reason": "bad check", "rows": 2},
        {"table": "customers", "column": "name", "reason": "missing", "rows": 1},
    ]
    assert quarantine_summary(tmp_path / "absent").empty


def test_the_first_tiered_period_renders_without_history(report_ws) -> None:
    from corptier.i18n import Translator
    from corptier.report.charts import build_charts
    from corptier.report.html import render_html

    ws, periods = report_ws
    data = build_report_data(ws, periods[2], "en")
    assert data.previous is None and data.year_ago is None and data.stability is None
    charts = build_charts(data, Translator("en"))
    assert {"pyramid", "lorenz"} <= set(charts) and "migration" not in charts
    html = render_html(data, charts)
    assert "No earlier published period to compare with." in html
    assert "All customers" in html


def test_tier_names_come_from_the_run_standard(report_ws) -> None:
    from corptier.i18n import Translator
    from corptier.report.html import kpi_table
    from corptier.tiering import load_default_standard

    strategic = load_default_standard().tier("strategic")
    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "zh-CN")
    assert data.tier_labels["strategic"] == strategic.name_zh
    table = kpi_table(data, Translator("zh-CN", data.tier_labels))
    assert table.rows[0].cells[0] == strategic.name_zh
    english = build_report_data(ws, periods[-1], "en")
    assert english.tier_labels["strategic"] == strategic.name_en


def test_per_tier_kpis_come_from_the_engine_and_match_the_frames(report_ws) -> None:
    from corptier.evaluation.kpis import KpiContext, kpis_by_tier

    ws, periods = report_ws
    data = build_report_data(ws, periods[-1], "en")
    frames = {p: (pd.read_parquet(ws.partition_dir("tiers", p)),
                  pd.read_parquet(ws.partition_dir("indicators_customer", p)))
              for p in periods[-2:]}
    (prev, _), (tiers, indicators) = frames[periods[-2]], frames[periods[-1]]
    by_frames = kpis_by_tier(KpiContext(
        period=periods[-1], indicators=indicators, tiers=tiers[["customer_id", "applied_tier"]],
        previous=prev[["customer_id", "applied_tier"]], tier_order=data.tier_order,
        tax_rate=ws.config.assumptions.tax_rate))
    pd.testing.assert_frame_equal(data.kpis, by_frames, check_dtype=False, rtol=1e-9)
    last = data.trend[data.trend["period"] == periods[-1]].set_index("tier")
    assert last["contribution"].to_dict() == pytest.approx(by_frames["contribution"].to_dict())
