"""Master-data history as SCD type 2 rows: the engine expression on hand-built periods (gaps,
a customer that left, a null that stays null) and, for any sequence, versions that cover the
periods seen exactly once with a change or a gap between neighbours."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.crm.master_history import FIELDS, Change, changes, master_versions

PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04"]


@pytest.fixture(scope="module")
def con():  # type: ignore[no-untyped-def]
    backend = ibis.duckdb.connect()
    yield backend
    backend.disconnect()


def _table(rows: list[tuple[str, str, dict[str, str | None]]]) -> ibis.Table:
    data: dict[str, list[str | None]] = {"customer_id": [], "period": []}
    for f in FIELDS:
        data[f] = []
    for customer, period, values in rows:
        data["customer_id"].append(customer)
        data["period"].append(period)
        for f in FIELDS:
            data[f].append(values.get(f, "x"))
    return ibis.memtable(data, schema={k: "string" for k in data})


def _versions(con, rows, periods=PERIODS):  # type: ignore[no-untyped-def]
    frame = con.execute(master_versions(_table(rows), periods))
    return [(r["customer_id"], r["valid_from"], r["valid_to"], r["last_period"],
             bool(r["current"]), r["rm_id"]) for r in frame.to_dict("records")]


def test_a_change_a_gap_and_a_departure_make_versions(con) -> None:  # type: ignore[no-untyped-def]
    rows = [("A", "2026-01", {"rm_id": "R1"}), ("A", "2026-02", {"rm_id": "R1"}),
            ("A", "2026-03", {"rm_id": "R2"}), ("A", "2026-04", {"rm_id": "R2"}),
            ("B", "2026-01", {"rm_id": None}), ("B", "2026-03", {"rm_id": None}),
            ("B", "2026-04", {"rm_id": None}),
            ("C", "2026-02", {"rm_id": "R3"})]
    got = [(c, f, None if t != t else t, last, cur, None if rm != rm else rm)
           for c, f, t, last, cur, rm in _versions(con, rows)]
    assert got == [
        ("A", "2026-01", "2026-03", "2026-02", False, "R1"),
        ("A", "2026-03", None, "2026-04", True, "R2"),
        ("B", "2026-01", "2026-02", "2026-01", False, None),   # missing in 2026-02
        ("B", "2026-03", None, "2026-04", True, None),          # null == null: one version
        ("C", "2026-02", "2026-03", "2026-02", False, "R3"),   # left the book
    ]


def test_changes_name_each_field_that_moved() -> None:
    versions = [{**dict.fromkeys(FIELDS, "x"), "rating": "A", "rm_id": "RM01",
                 "valid_from": "2026-01"},
                {**dict.fromkeys(FIELDS, "x"), "rating": "BBB", "rm_id": "RM02",
                 "valid_from": "2026-03"},
                {**dict.fromkeys(FIELDS, "x"), "rating": "BBB", "rm_id": "RM02",
                 "group_id": None, "valid_from": "2026-05"}]
    assert changes(versions) == [Change("2026-03", "rating", "A", "BBB"),
                                 Change("2026-03", "rm_id", "RM01", "RM02"),
                                 Change("2026-05", "group_id", "x", None)]


SHARED = ibis.duckdb.connect()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["R1", "R2", None, "absent"]), min_size=4, max_size=4))
def test_versions_cover_the_periods_seen_once(values: list[str | None]) -> None:
    """`values[i]` is the RM in period i, or "absent" when the customer is not loaded then."""
    seen = [(p, v) for p, v in zip(PERIODS, values, strict=True) if v != "absent"]
    got = _versions(SHARED, [("A", p, {"rm_id": v}) for p, v in seen])
    spans = [[p for p in PERIODS if start <= p <= last] for _c, start, _t, last, _cur, _rm in got]
    assert [p for span in spans for p in span] == [p for p, _ in seen]
    assert [g[4] for g in got].count(True) == (1 if values[-1] != "absent" else 0)
    for i in range(len(got) - 1):
        gap = PERIODS.index(spans[i + 1][0]) > PERIODS.index(spans[i][-1]) + 1
        rm_a, rm_b = (None if g[5] != g[5] else g[5] for g in (got[i], got[i + 1]))
        assert gap or rm_a != rm_b
