"""Quarantine files never hand a spreadsheet a formula, and keep negative numbers as numbers."""

from __future__ import annotations


def test_quarantine_values_and_reasons_are_neutralised(rows, load, quarantine):
    rows["transactions"][0]["counterparty"] = '=HYPERLINK("http://evil","x")'
    rows["transactions"][0]["amount"] = "-12.5"  # below the minimum: rejected, a number
    rows["transactions"][1]["channel"] = "@SUM(A1)"
    load(rows)
    lines = {int(q["row"]): q for q in quarantine("transactions")}
    assert lines[1]["counterparty"] == '\'=HYPERLINK("http://evil","x")'
    assert lines[1]["amount"] == "-12.5"
    assert lines[2]["channel"] == "'@SUM(A1)"
    assert lines[2]["reason"].startswith("'@SUM(A1)' is not one of")
