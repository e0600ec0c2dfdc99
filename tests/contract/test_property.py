"""Any mix of good and bad rows: read = accepted + rejected, every bad row is quarantined."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corptier.services import load_period
from corptier.workspace import Workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"
DEFECTS = {
    "amount": lambda r: r.update(amount="12,5"),
    "decimals": lambda r: r.update(amount="1.001"),
    "negative": lambda r: r.update(amount="-3.00"),
    "date": lambda r: r.update(txn_date="2026-09-31"),
    "period": lambda r: r.update(txn_date="2026-08-31"),
    "account": lambda r: r.update(account_id="A404"),
    "owner": lambda r: r.update(customer_id="C005"),
    "direction": lambda r: r.update(direction="IN"),
    "missing": lambda r: r.update(channel=None),
    "duplicate": lambda r: r.update(txn_id="T0001"),
}
row_kinds = st.lists(st.sampled_from([None, None, *DEFECTS]), min_size=1, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=row_kinds)
def test_every_bad_row_is_quarantined(kinds):
    rows = sample_rows(PERIOD)
    template = rows["transactions"][0]  # T0001 on A001 of C001, stays as row 1
    bad = set()
    for i, kind in enumerate(kinds, start=2):
        row = dict(template, txn_id=f"P{i:04d}")
        if kind:
            DEFECTS[kind](row)
            bad.add(i)
        rows["transactions"].append(row)
    del rows["transactions"][1:10]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws", language="en")
        write_tables(Path(tmp) / "in", rows)
        report = load_period(ws, PERIOD, Path(tmp) / "in", accept_partial=True)
        t = report.tables["transactions"]
        assert t.read == len(kinds) + 1 == t.accepted + t.rejected
        assert t.rejected == len(bad)
        quarantined = set()
        path = ws.quarantine_dir / PERIOD / "transactions.csv"
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as handle:
                quarantined = {int(line["row"]) for line in csv.DictReader(handle)}
        assert quarantined == bad
