"""Values that parse but cannot be true are rejected with their row, column and reason."""

from __future__ import annotations

import pytest

EARLY = "is before 1900-01-01, the earliest plausible date"


@pytest.mark.parametrize(("value", "reason"), [
    ("0000-01-01", f"'0000-01-01' {EARLY}"),
    ("-001-01-01", f"'-001-01-01' {EARLY}"),
    ("1899-12-31", f"'1899-12-31' {EARLY}"),
    ("9999-12-31", "'9999-12-31' is after 2199-12-31, the latest plausible date"),
    ("2026-10-01", "'2026-10-01' is after the end of the loaded period 2026-09"),
])
def test_implausible_onboarding_dates(rows, load, rejects, value, reason):
    rows["customers"][4]["onboarded_on"] = value
    report = load(rows)
    assert (5, "onboarded_on", reason) in rejects("customers")
    assert report.tables["customers"].problems["onboarded_on: " + (
        "after_period" if value.startswith("2026") else "min" if value < "1900" or
        value.startswith("-") else "max")] == 1


def test_the_last_day_of_the_period_and_a_distant_maturity_are_accepted(rows, load, rejects):
    rows["customers"][4]["onboarded_on"] = "2026-09-30"
    rows["customers"][4]["founded_on"] = "1900-01-01"
    rows["loans"][0]["maturity_date"] = "2099-12-31"
    report = load(rows)
    assert report.rejected == 0, rejects("customers") + rejects("loans")


@pytest.mark.parametrize("column", ["founded_on", "opened_on", "start_date", "closed_on"])
def test_other_dates_that_cannot_be_after_the_period(rows, load, rejects, column):
    table = {"founded_on": "customers", "opened_on": "accounts", "start_date": "loans",
             "closed_on": "accounts"}[column]
    rows[table][0][column] = "2027-01-01"
    load(rows)
    assert (1, column, "'2027-01-01' is after the end of the loaded period 2026-09") in rejects(
        table)


@pytest.mark.parametrize(("value", "accepted"), [
    ("1e-400", False),
    ("0.1e-399", False),
    ("1234567890123456.785", False),
    ("123456789012345.678", False),
    ("1234567890123456.780", True),
    ("1e3", True),
    ("0e5", True),
])
def test_amounts_that_would_be_rounded_are_rejected(rows, load, rejects, value, accepted):
    rows["balances"][0]["avg_daily_balance"] = value
    report = load(rows)
    if accepted:
        assert report.tables["balances"].rejected == 0, rejects("balances")
    else:
        assert (1, "avg_daily_balance", f"'{value}' has more than 2 decimal places") in rejects(
            "balances")


def test_an_underflowing_whole_number_is_rejected(rows, load, rejects):
    rows["customers"][0]["employees"] = "1e-400"
    load(rows)
    assert [r for r in rejects("customers") if r[1] == "employees"] == [
        (1, "employees", "'1e-400' has more than 0 decimal places")]
