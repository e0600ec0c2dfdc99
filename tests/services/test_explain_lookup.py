"""`explain` finds a customer by id, USCC or registered name (issue 11): a shared name lists the
candidates, an unknown customer is refused; the text names the customer, the gates by their
description, amounts with separators, the behaviour reason and P(alive) and the override's
reason, approver and end date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from corptier.errors import NotFoundError, ParameterError
from corptier.services import (
    approve_override,
    close_period,
    explain_customer,
    load_period,
    request_override,
)
from corptier.workspace import Workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"
NOW = datetime(2026, 9, 1, 9, 0)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The sample bank with C003 registered under C002's name, C001 overridden, closed."""
    root: Path = tmp_path_factory.mktemp("explain_lookup")
    rows = sample_rows(PERIOD)
    names = {r["customer_id"]: r for r in rows["customers"]}
    names["C003"]["name"] = names["C002"]["name"]
    write_tables(root / "in", rows)
    ws = Workspace.init(root / "ws", language="en")
    load_period(ws, PERIOD, root / "in")
    o = request_override(ws, "C001", "strategic", "board mandate", date(2026, 12, 31), "alice",
                         clock=lambda: NOW)
    approve_override(ws, o.id, "bob", clock=lambda: NOW)
    close_period(ws, PERIOD)
    return ws


def test_by_id_uscc_or_unique_name(twins: Workspace) -> None:
    by_id = explain_customer(twins, "C001", PERIOD)
    assert explain_customer(twins, "91510100MA6CU1A09J", PERIOD).data == by_id.data
    assert explain_customer(twins, "成都天府精密制造有限公司", PERIOD).data == by_id.data
    assert by_id.data["name"] == "成都天府精密制造有限公司"
    assert "成都天府精密制造有限公司" in by_id.text.splitlines()[0]


def test_a_shared_name_lists_the_candidates(twins: Workspace) -> None:
    with pytest.raises(ParameterError) as err:
        explain_customer(twins, "成都天府精密物流有限公司", PERIOD)
    assert "C002" in str(err.value) and "C003" in str(err.value)


def test_an_unknown_customer_is_refused(twins: Workspace) -> None:
    with pytest.raises(NotFoundError, match="C999"):
        explain_customer(twins, "C999", PERIOD)


def test_the_text_says_what_a_banker_asks(twins: Workspace) -> None:
    found = explain_customer(twins, "C001", PERIOD)
    text = found.text
    values = {i["name"]: i["value"] for d in found.data["dimensions"] for i in d["indicators"]}
    deposits = Decimal(values["dep_avg_r3"])
    assert deposits > 1_000_000 and f"{deposits:,.2f}" in text
    assert "board mandate" in text and "bob" in text and "2026-12-31" in text
    assert "P(alive)" in text or found.data["behaviour"]["p_alive"] is None
    override = found.data["override"]
    assert (override["reason"], override["approved_by"], override["valid_until"]) == \
        ("board mandate", "bob", "2026-12-31")


def test_fired_gates_are_named_by_their_description(twins: Workspace) -> None:
    for customer in ("C001", "C002", "C003", "C004", "C005"):
        found = explain_customer(twins, customer, PERIOD)
        fired = [g for g in found.data["gates"] if g["fired"]]
        line = next(x for x in found.text.splitlines() if x.startswith("Gates fired"))
        for gate in fired:
            assert (gate["description"] or gate["id"]) in line
