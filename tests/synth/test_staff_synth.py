"""The synthetic bank's staff data: teams headed by their most senior member, capacities with
gaps, certifications by grade with missing and expired ones, training before the history."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from corptier.contract.schema import TABLES
from corptier.periods import Period
from corptier.synth.history import History
from corptier.synth.products import GRADES
from corptier.synth.staff import certifications_table, training_table

START = Period.parse("2026-01")


def test_staff_tables_follow_the_contract_and_have_gaps_on_purpose() -> None:
    history = History(seed=5, customers=6000, start=START, months=3)
    managers = history.managers.table
    certs = certifications_table(managers, 5, START)
    training = training_table(managers, 5, START)
    assert managers.schema == TABLES["relationship_managers"].arrow_schema
    assert certs.schema == TABLES["rm_certifications"].arrow_schema
    assert training.schema == TABLES["training_records"].arrow_schema
    rms = managers.to_pylist()
    by_id = {m["rm_id"]: m for m in rms}
    for m in rms:  # a team's head is its most senior member, in the same sub-branch
        head = by_id[m["team_head"]]
        assert head["team"] == m["team"] and head["sub_branch"] == m["sub_branch"]
        assert GRADES.index(head["grade"]) >= GRADES.index(m["grade"])
        assert m["start_date"] < START.start
    assert 0 < sum(m["capacity"] is None for m in rms) < len(rms)
    month_end = START.month_end
    held = Counter(c["certification"] for c in certs.to_pylist())
    assert held["aml"] < len(rms) and 0 < held["trade_finance"] < held["credit"]
    expired = [c for c in certs.to_pylist() if c["expires"] < month_end]
    assert 0 < len(expired) < certs.num_rows / 2
    assert all(c["issued"] < START.start for c in certs.to_pylist())
    days = training.column("date").to_pylist()
    assert min(days) >= START.start - timedelta(days=399) and max(days) < START.start
    assert training.column("score").null_count > 0
    # the same seed gives the same tables
    again = History(seed=5, customers=6000, start=START, months=3).managers.table
    assert again.equals(managers) and certifications_table(again, 5, START).equals(certs)
