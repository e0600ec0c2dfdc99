"""Inclusive finance (普惠小微): small or micro firm, total credit ≤ the limit (hand-made bank)."""

from __future__ import annotations

from decimal import Decimal as D

import ibis
import pyarrow as pa
from engine_banks import STATIC, customer, ftp_rows, loan, workspace_with, write_period

from corptier.engine import compute_indicators, read_snapshot
from corptier.tiering import parse_standard, score_and_tier

P = "2026-09"


def _bank(tmp_path, **assumptions):
    ws = workspace_with(tmp_path / "pu", **assumptions)
    write_period(ws, P, {
        **STATIC,
        "ftp_rates": ftp_rows(P),
        "customers": [
            customer("S1", enterprise_size="small"),   # two loans: 6 m + 4 m = 10 m
            customer("S2", enterprise_size="micro"),   # 10,000,000.01: one cent too many
            customer("S3", enterprise_size="medium"),  # 1 m, but medium
            customer("S4", enterprise_size="micro"),   # no loan: total credit 0
            customer("S5", enterprise_size="unclassified"),
        ],
        "loans": [
            loan("L1", "S1", P, balance="6000000.00"),
            loan("L2", "S1", P, balance="4000000.00"),
            loan("L3", "S2", P, balance="10000000.01"),
            loan("L4", "S3", P),
            loan("L5", "S5", P),
        ],
    })
    compute_indicators(ws, P)
    return {r["customer_id"]: r for r in read_snapshot(ws, P).to_pylist()}


def test_small_and_micro_firms_up_to_ten_million_are_inclusive(tmp_path) -> None:
    snap = _bank(tmp_path)
    assert {c: r["total_credit"] for c, r in snap.items()} == {
        "S1": D("10000000.00"), "S2": D("10000000.01"), "S3": D("1000000.00"),
        "S4": D("0.00"), "S5": D("1000000.00"),
    }
    assert {c: r["inclusive_finance"] for c, r in snap.items()} == {
        "S1": 1, "S2": 0, "S3": 0, "S4": 1, "S5": 0,
    }


def test_thresholds_are_data(tmp_path) -> None:
    snap = _bank(tmp_path, inclusive_credit_limit=20_000_000.0,
                 inclusive_sizes=["micro", "medium"])
    assert {c: r["inclusive_finance"] for c, r in snap.items()} == {
        "S1": 0, "S2": 1, "S3": 1, "S4": 1, "S5": 0,
    }


STANDARD = """
id: puhui-test
version: "1"
effective_from: 2026-01-01
tiers:
  - {code: a, name_zh: 甲, name_en: A}
  - {code: b, name_zh: 乙, name_en: B}
  - {code: c, name_zh: 丙, name_en: C}
flags:
  - {code: inclusive, name_zh: 普惠小微, name_en: Inclusive finance}
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      dep_avg: {weight: 1, method: minmax, lo: 0, hi: 100, missing: zero}
cutoffs:
  method: absolute
  points: {a: 75, b: 50}
gates:
  caps:
    - id: puhui
      when: inclusive_finance == 1
      tier: b
      flags: [inclusive]
"""


def test_the_flag_works_in_a_gate(tmp_path) -> None:
    snap = _bank(tmp_path)
    ids = sorted(snap)
    table = ibis.memtable(pa.table({
        "customer_id": ids, "dep_avg": [90.0] * len(ids),
        "inclusive_finance": [snap[c]["inclusive_finance"] for c in ids]}))
    got = {r["customer_id"]: r for r in score_and_tier(
        table, parse_standard(STANDARD), named_lists={}).to_pyarrow().to_pylist()}
    assert [c for c in ids if got[c]["flag_inclusive"]] == ["S1", "S4"]
    assert got["S1"]["tier_after_gates"] == "b" and got["S2"]["tier_after_gates"] == "a"
