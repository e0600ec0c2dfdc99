"""`customer_relationships` on the hand-made sample bank (SQLite and PostgreSQL): the group,
guarantees given and received, and the top counterparties with the part through our bank,
all checked against sums done by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from corptier.contract.schema import TABLES
from corptier.errors import NotFoundError
from corptier.services import customer_relationships, load_period
from corptier.workspace import Workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"
EXTRA = [  # C001's extra flows: id, direction, counterparty, bank, amount
    ("T0101", "in", "C003", "XB", "100000.00"),
    ("T0102", "in", "CP9001", "ICBC", "50000.00"),
    ("T0103", "in", "CP9007", "ABC", "400000.00"),
    ("T0104", "out", "C002", "XB", "70000.00"),
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    rows = sample_rows(PERIOD)
    names = TABLES["transactions"].column_names
    rows["transactions"] += [dict(zip(names, (t, "A001", "C001", f"{PERIOD}-14", amount, d,
                                              "online", cp, bank, "trade_settlement"),
                                      strict=True)) for t, d, cp, bank, amount in EXTRA]
    write_tables(tmp_path / "in", rows)
    report = load_period(ws, PERIOD, tmp_path / "in")
    assert report.rejected == 0
    return ws


def test_top_counterparties_and_the_part_through_our_bank(ws: Workspace) -> None:
    r = customer_relationships(ws, "C001", top=2)
    # in: CP9007 400,000 (ABC); CP9001 250,000 (XB) + 50,000 (ICBC); C003 100,000 (XB)
    assert [(c.rank, c.counterparty, c.amount, c.own_bank_amount, c.transactions)
            for c in r.inflow.counterparties] == [
        (1, "CP9007", Decimal("400000.00"), Decimal("0.00"), 1),
        (2, "CP9001", Decimal("300000.00"), Decimal("250000.00"), 2)]
    assert r.inflow.amount == Decimal("800000.00")
    assert r.inflow.own_bank_amount == Decimal("350000.00")
    assert r.inflow.own_bank_share == Decimal("0.4375")
    assert [c.share for c in r.inflow.counterparties] == [Decimal("0.5000"), Decimal("0.3750")]
    assert r.inflow.counterparties[1].own_bank_share == Decimal("0.8333")
    # out: CP9002 180,000 (ICBC), C002 70,000 (XB); payroll and the fee have no counterparty
    assert [(c.counterparty, c.amount, c.customer_name) for c in r.outflow.counterparties] == [
        ("CP9002", Decimal("180000.00"), None),
        ("C002", Decimal("70000.00"), "成都天府精密物流有限公司")]
    assert r.outflow.own_bank_share == Decimal("0.2800")


def test_group_and_guarantees_given_and_received(ws: Workspace) -> None:
    r = customer_relationships(ws, "C001")
    assert r.group_id == "G01"
    assert [(m.customer_id, m.parent_id) for m in r.group] == [("C001", None), ("C002", "C001")]
    assert [(g.guarantee_id, g.party_id, g.party_name, g.amount) for g in r.guarantees_given] == [
        ("GU002", "C003", "锦江商贸有限公司", Decimal("3000000.00"))]
    assert [(g.guarantee_id, g.party_id, g.party_name, g.type)
            for g in r.guarantees_received] == [
        ("GU001", None, "成都融信融资担保有限公司", "guarantee")]
    c3 = customer_relationships(ws, "C003")
    assert [(g.guarantee_id, g.party_id, g.party_name) for g in c3.guarantees_received] == [
        ("GU002", "C001", "成都天府精密制造有限公司")]
    assert c3.group == () and c3.guarantees_given == ()


def test_a_customer_without_flows_and_an_unknown_one(ws: Workspace) -> None:
    r = customer_relationships(ws, "C005")
    assert r.inflow.counterparties == () and r.inflow.own_bank_share is None
    with pytest.raises(NotFoundError):
        customer_relationships(ws, "C404")


def test_archive_show_prints_the_relationships(ws: Workspace) -> None:
    from typer.testing import CliRunner

    from corptier.cli import app

    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(
        app, ["archive", "show", "C001", "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Corporate group: G01 (2 customers with us): C001 成都天府精密制造有限公司, C002 " in out
    assert "GU002" in out and "C003 锦江商贸有限公司" in out and "成都融信融资担保有限公司" in out
    assert ("Main payers (money in), last 12 months: 800,000.00 with named counterparties, "
            "43.8% through our bank") in out
    assert "CP9007" in out and "50.0%" in out
