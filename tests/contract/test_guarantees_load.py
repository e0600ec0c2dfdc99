"""The optional guarantees table: loaded, each defect quarantined with its reason, reconciled."""

from __future__ import annotations

from decimal import Decimal

import pyarrow.parquet as pq

PERIOD = "2026-09"


def _counts(report):
    t = report.tables["guarantees"]
    return t.read, t.accepted, t.rejected


def test_clean_guarantees_load_with_types_and_outside_guarantors(rows, load, workspace):
    rows["guarantees"][2]["type"] = "抵押"  # the Chinese code is read as the contract's
    report = load(rows)
    assert _counts(report) == (3, 3, 0)
    table = pq.read_table(workspace.partition_file("guarantees", PERIOD)).to_pylist()
    by_id = {r["guarantee_id"]: r for r in table}
    assert by_id["GU003"]["type"] == "mortgage"
    assert by_id["GU001"]["guarantor_id"] is None
    assert by_id["GU001"]["guarantor_name"] == "成都融信融资担保有限公司"
    assert by_id["GU002"]["amount"] == Decimal("3000000.00")


def test_each_guarantee_defect_is_quarantined_with_its_reason(rows, load, rejects):
    g = rows["guarantees"]
    g[0]["guarantor_name"] = None  # no guarantor at all
    g[1]["guarantor_id"] = "C003"  # the borrower guarantees itself
    g[2]["end_date"] = "2023-01-01"  # ends before it starts
    g.append({**g[2], "guarantee_id": "GU004", "end_date": "2027-11-30", "type": "留置"})
    g.append({**g[3], "guarantee_id": "GU005", "type": "pledge", "guarantor_id": "C999",
              "guarantor_name": None, "amount": "0.00"})
    g.append({**g[3], "guarantee_id": "GU006", "type": "pledge", "start_date": "2026-10-02"})
    report = load(rows)
    assert _counts(report) == (6, 0, 6)
    found = rejects("guarantees")
    assert (1, "guarantor_id", "a guarantee needs a guarantor: guarantor_id (a customer of "
            "ours) or guarantor_name (a guarantor outside the bank)") in found
    assert (2, "guarantor_id", "guarantor_id 'C003' is the borrower itself") in found
    assert (3, "end_date", "end_date 2023-01-01 is before start_date 2024-12-01") in found
    assert [c for r, c, _ in found if r == 4] == ["type"]
    assert {c for r, c, _ in found if r == 5} == {"amount", "guarantor_id"}
    assert (5, "guarantor_id", "guarantor_id 'C999' not found in customers") in found
    assert [c for r, c, _ in found if r == 6] == ["start_date"]


def test_a_period_without_guarantees_loads(rows, load):
    del rows["guarantees"]
    report = load(rows)
    assert "guarantees" not in report.tables or _counts(report) == (0, 0, 0)
    assert report.tables["customers"].accepted == 5
