"""Loans past due beyond the default threshold yet classified performing: accepted, warned."""

from __future__ import annotations

import csv

import pyarrow.parquet as pq

from corptier.contract.consistency import performing_classes

PERIOD = "2026-09"


def _warning_lines(workspace) -> list[tuple[str, str, str]]:
    path = workspace.quarantine_dir / PERIOD / "warnings" / "loans.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(q["row"], q["column"], q["reason"]) for q in csv.DictReader(handle)]


def test_overdue_performing_loans_are_accepted_with_a_warning(rows, load, workspace, rejects):
    rows["loans"][0]["days_overdue"] = "90"  # L001 正常: exactly 90 days is not "more than"
    rows["loans"][1]["days_overdue"] = "91"  # L002 正常
    rows["loans"][2]["days_overdue"] = "120"  # L003 关注
    report = load(rows)
    loans = report.tables["loans"]
    assert (loans.read, loans.accepted, loans.rejected) == (3, 3, 0)
    assert rejects("loans") == []
    assert [(w.column, w.message, w.count) for w in loans.warnings] == [
        ("days_overdue", "more than 90 days past due but classified 正常 or 关注 (accepted)", 2)
    ]
    assert _warning_lines(workspace) == [
        ("2", "days_overdue",
         "days_overdue 91 is more than 90 days past due but the loan is classified 正常 "
         "(accepted)"),
        ("3", "days_overdue",
         "days_overdue 120 is more than 90 days past due but the loan is classified 关注 "
         "(accepted)"),
    ]
    stored = pq.read_table(workspace.partition_dir("loans", PERIOD) / "part-0.parquet")
    assert stored.column("loan_id").to_pylist() == ["L001", "L002", "L003"]


def test_classified_defaulted_loans_raise_no_warning(rows, load, workspace):
    rows["loans"][2]["days_overdue"] = "200"
    rows["loans"][2]["classification"] = "次级"
    report = load(rows)
    assert report.tables["loans"].warnings == ()
    assert _warning_lines(workspace) == []


def test_performing_classes_follow_the_configured_default_class():
    assert performing_classes("次级") == ("正常", "关注")
    assert performing_classes("关注") == ("正常",)
