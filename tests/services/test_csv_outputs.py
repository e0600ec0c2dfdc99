"""Every CSV a service writes neutralises cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corptier.csv_safety import BOM, CSV_ENCODING
from corptier.services import close_period, export_snapshot, export_tiers, load_period
from corptier.services.calibration import write_changes_csv
from corptier.workspace import Workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"


def test_snapshot_csv(tmp_path):
    path = tmp_path / "snap.parquet"
    pq.write_table(pa.table({"customer_id": ["-C1", "C2"], "name": ["=1+1", "ok"],
                             "value": [-12.5, 3.0]}), path)
    out = export_snapshot(SimpleNamespace(customer_path=path), tmp_path / "x.csv")
    assert out.read_bytes().startswith(BOM + b'"customer_id"')
    rows = list(csv.DictReader(out.open(encoding=CSV_ENCODING)))
    assert [(r["customer_id"], r["name"], r["value"]) for r in rows] == [
        ("'-C1", "'=1+1", "-12.5"), ("C2", "ok", "3")]


def test_compare_changes_csv(tmp_path):
    changes = pd.DataFrame({"customer_id": ["@C1", "C2"], "from_tier": ["+x", "core"],
                            "score_delta": [-12.5, 1.0]})
    out = write_changes_csv(SimpleNamespace(changes=changes), tmp_path / "c.csv")
    assert out.read_bytes().startswith(BOM + b"customer_id,")
    rows = list(csv.DictReader(out.open(encoding=CSV_ENCODING)))
    assert [(r["customer_id"], r["from_tier"], r["score_delta"]) for r in rows] == [
        ("'@C1", "'+x", "-12.5"), ("C2", "core", "1.0")]


@pytest.fixture
def dash_customer(tmp_path) -> Workspace:
    """A closed period where customer C005 is written `-C005` (a valid id, and a formula)."""
    ws = Workspace.init(tmp_path / "ws", language="en")
    rows = sample_rows(PERIOD)
    for table in rows.values():
        for row in table:
            for k, v in row.items():
                if v == "C005":
                    row[k] = "-C005"
    write_tables(tmp_path / "in", rows)
    load_period(ws, PERIOD, tmp_path / "in")
    close_period(ws, PERIOD)
    return ws


def test_tiers_csv(dash_customer):
    rows = list(csv.DictReader(io.StringIO(export_tiers(dash_customer, PERIOD))))
    ids = [r["customer_id"] for r in rows]
    assert "'-C005" in ids and "C001" in ids
    assert all(not r["score"].startswith("'") for r in rows)
