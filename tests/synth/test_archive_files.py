"""The synthetic bank's archive: guarantees in the period folders and the contacts,
interactions and survey answers beside them, deterministic for a seed, consistent with the
bank (adopters of cash management said so in the survey) and imported without a rejection."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from corptier.services import import_contacts, import_interactions, load_period
from corptier.synth import SynthSummary, synthesize
from corptier.synth.archive import ANSWERS, CONTACTS, FOLDER, INTERACTIONS, survey_period_of
from corptier.synth.products import PRODUCTS
from corptier.workspace import Workspace

CASH = {p.code for p in PRODUCTS if p.category == "cash_management"}


def _csv(bank: SynthSummary, name: str) -> list[dict]:
    return pacsv.read_csv(bank.out / FOLDER / name,
                          convert_options=pacsv.ConvertOptions(
                              column_types={"phone": "string"})).to_pylist()


def test_archive_files_are_deterministic(small_bank: SynthSummary, tmp_path: Path) -> None:
    again = synthesize(tmp_path / "again", 300, 3, seed=7)
    for name in (CONTACTS, INTERACTIONS, ANSWERS):
        assert (small_bank.out / FOLDER / name).read_bytes() == (
            again.out / FOLDER / name).read_bytes()
    for period in small_bank.periods:
        first = pq.read_table(small_bank.out / period / "guarantees.parquet")
        assert first.equals(pq.read_table(again.out / period / "guarantees.parquet"))
    other = synthesize(tmp_path / "other", 300, 3, seed=8)
    assert (other.out / FOLDER / CONTACTS).read_bytes() != (
        small_bank.out / FOLDER / CONTACTS).read_bytes()


def test_guarantees_within_groups_and_from_outside(tmp_path: Path) -> None:
    bank = synthesize(tmp_path / "bank", 2000, 1, seed=3)
    period = bank.periods[-1]
    g = pq.read_table(bank.out / period / "guarantees.parquet").to_pylist()
    customers = pq.read_table(bank.out / period / "customers.parquet",
                              columns=["customer_id", "group_id"]).to_pylist()
    group = {c["customer_id"]: c["group_id"] for c in customers}
    inner = [r for r in g if r["guarantor_id"] is not None]
    outer = [r for r in g if r["guarantor_id"] is None]
    assert inner and outer and all(r["guarantor_name"] for r in outer)
    assert all(group[r["borrower_id"]] == group[r["guarantor_id"]] is not None for r in inner)
    end = date.fromisoformat(f"{period}-01")
    assert all(r["start_date"] <= r["end_date"] and r["end_date"] >= end for r in g)
    assert set(Counter(r["type"] for r in outer)) == {"guarantee", "mortgage", "pledge"}


def test_more_interactions_for_larger_customers_and_some_gaps(small_bank: SynthSummary) -> None:
    rows = _csv(small_bank, INTERACTIONS)
    period = small_bank.periods[-1]
    revenue = {c["customer_id"]: c["annual_revenue"] or 0 for c in pq.read_table(
        small_bank.out / period / "customers.parquet",
        columns=["customer_id", "annual_revenue"]).to_pylist()}
    counts = Counter(r["customer_id"] for r in rows)
    ranked = sorted(revenue, key=lambda c: revenue[c])
    fifth = len(ranked) // 5
    low = sum(counts[c] for c in ranked[:fifth]) / fifth
    high = sum(counts[c] for c in ranked[-fifth:]) / fifth
    assert high > 2 * low
    assert 0 < sum(1 for c in revenue if counts[c] == 0) < len(revenue) / 3
    assert {r["type"] for r in rows} == {"visit", "call", "meeting", "event", "email"}
    roles = Counter(r["role"] for r in _csv(small_bank, CONTACTS))
    assert roles["法定代表人"] == len(revenue) and roles["实际控制人"] < roles["经办人"]


def test_adopters_of_cash_management_said_so(small_bank: SynthSummary) -> None:
    survey = survey_period_of(small_bank.periods)
    accounts = pq.read_table(small_bank.out / small_bank.periods[-1] / "accounts.parquet")
    cut = date.fromisoformat(f"{small_bank.periods[2]}-01")
    adopters = {a["customer_id"] for a in accounts.to_pylist()
                if a["product_code"] in CASH and a["opened_on"] >= cut}
    assert survey == small_bank.periods[1] and adopters
    answers = {r["customer_id"]: r["services_wanted"] or "" for r in _csv(small_bank, ANSWERS)}
    assert all("cash_pooling" in answers.get(c, "") for c in adopters)


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_contacts_and_interactions_import_without_a_rejection(
        small_bank: SynthSummary, tmp_path: Path, db: str,
        request: pytest.FixtureRequest) -> None:
    url = None if db == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    period = small_bank.periods[-1]
    report = load_period(ws, period, small_bank.out / period)
    assert report.tables["guarantees"].rejected == 0 and report.tables["guarantees"].accepted
    contacts = import_contacts(ws, small_bank.out / FOLDER / CONTACTS, "demo")
    interactions = import_interactions(ws, small_bank.out / FOLDER / INTERACTIONS, "demo")
    assert contacts.rejected == 0 and contacts.accepted == len(_csv(small_bank, CONTACTS))
    assert interactions.rejected == 0 and interactions.accepted > 300
