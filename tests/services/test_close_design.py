"""The close's shape (issue 10): no per-customer explanation is built during a close, the
indicator snapshot and the tiering share one engine connection, and an explanation is rendered
on demand from the customer's published row."""

from __future__ import annotations

import importlib
from unittest import mock

import pyarrow.parquet as pq

import corptier.services.published as published_module
from corptier.engine.duckdb import DuckDBConnection
from corptier.services import close_period, explain_customer
from corptier.workspace import PUBLISHED_TIERS, Workspace

explain_module = importlib.import_module("corptier.tiering.explanations")


def test_a_close_renders_no_explanation_and_opens_two_connections(loaded: Workspace) -> None:
    opened = mock.Mock(wraps=DuckDBConnection.open)
    with (mock.patch.object(explain_module, "explain", wraps=explain_module.explain) as facts,
          mock.patch.object(published_module, "explain_published",
                            wraps=explain_module.explain_published) as published,
          mock.patch("corptier.report.explanation.render_explanation") as text,
          mock.patch.object(DuckDBConnection, "open", opened)):
        result = close_period(loaded, "2026-07")
        assert result.customers == 5
        assert (facts.call_count, published.call_count, text.call_count) == (0, 0, 0)
        assert opened.call_count == 2  # the tiering's, then the alerts' and service plans'
        text.return_value = "rendered"
        found = explain_customer(loaded, "C003", "2026-07")
        assert (facts.call_count, published.call_count, text.call_count) == (1, 1, 1)
    assert found.text == "rendered" and found.data["customer_id"] == "C003"


def test_the_export_holds_the_facts_not_the_text(loaded: Workspace) -> None:
    close_period(loaded, "2026-07")
    names = pq.read_schema(loaded.partition_file(PUBLISHED_TIERS, "2026-07")).names
    assert "explanation" not in names and "hysteresis" not in names
    for column in ("hysteresis_tier", "periods_below", "raw_tier", "gate_substandard_loan",
                   "points__value__dep_avg_r3", "value__dep_avg_r3", "p_alive",
                   "behaviour_reason", "previous_period"):
        assert column in names, column
