"""Overrides, expiry and held downgrades across a chain of five real closes.

The computed tier of each customer is set by hand each month through two named lists (a floor
gate per list; every score is below the absolute cut-offs, so a customer on no list is bronze),
so every expected value below is derived by hand from the rule in tiering/hysteresis.py, not by
the code under test. Tiers: gold (rank 0, N = 3), silver (rank 1, N = 2), bronze (rank 2).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from corptier import services as sv
from corptier.workspace import Workspace
from list_standard import list_standard
from sample_data import write_sample_period

STANDARD = list_standard("chain", """\
  floors:
    - {id: gold_list, named_list: {name: gold}, tier: gold}
    - {id: silver_list, named_list: {name: silver}, tier: silver}
""")

# The computed tier each month (list membership); customers on no list are bronze.
LISTS = {
    "2026-07": {"gold": ["C001", "C002"], "silver": ["C003"]},
    "2026-08": {"gold": ["C002"], "silver": ["C001", "C003", "C005"]},
    "2026-09": {"gold": [], "silver": ["C001", "C003"]},
    "2026-10": {"gold": ["C002"], "silver": ["C003"]},
    "2026-11": {"gold": ["C005"], "silver": ["C003"]},
}

# Hand-derived, per month and customer: (applied tier, hysteresis tier, reason, periods below,
# pending tier, override applied?). Overrides: C003 → gold approved before July, valid until
# 2026-08-31 (applies July and August, expired in September); C004 → silver approved before
# August, revoked before October (applies August and September); C004 → gold rejected (never).
EXPECTED = {
    "2026-07": {
        "C001": ("gold", "gold", "new", 0, None, False),
        "C002": ("gold", "gold", "new", 0, None, False),
        "C003": ("gold", "silver", "new", 0, None, True),
        "C004": ("bronze", "bronze", "new", 0, None, False),
        "C005": ("bronze", "bronze", "new", 0, None, False),
    },
    "2026-08": {
        # C001 gold → computed silver: 1 of 3 below, held
        "C001": ("gold", "gold", "held", 1, "silver", False),
        "C002": ("gold", "gold", "same", 0, None, False),
        # the state carries the rule's silver, not July's override gold: "same", not "held"
        "C003": ("gold", "silver", "same", 0, None, True),
        "C004": ("silver", "bronze", "same", 0, None, True),
        "C005": ("silver", "silver", "upgrade", 0, None, False),
    },
    "2026-09": {
        "C001": ("gold", "gold", "held", 2, "silver", False),
        # gold → bronze: 1 of 3, held
        "C002": ("gold", "gold", "held", 1, "bronze", False),
        # the override expired on 2026-08-31: the rule's tier applies, no held gold
        "C003": ("silver", "silver", "same", 0, None, False),
        "C004": ("silver", "bronze", "same", 0, None, True),
        # silver → bronze: 1 of 2, held
        "C005": ("silver", "silver", "held", 1, "bronze", False),
    },
    "2026-10": {
        # 3 of 3 below: the downgrade applies, to the best tier of the streak (silver), not
        # to this month's bronze
        "C001": ("silver", "silver", "downgrade", 0, None, False),
        "C002": ("gold", "gold", "recovered", 0, None, False),
        "C003": ("silver", "silver", "same", 0, None, False),
        # revoked before this close: bronze again
        "C004": ("bronze", "bronze", "same", 0, None, False),
        # 2 of 2 below: down to bronze
        "C005": ("bronze", "bronze", "downgrade", 0, None, False),
    },
    "2026-11": {
        # silver → bronze: 1 of 2, held (the new tier's buffer)
        "C001": ("silver", "silver", "held", 1, "bronze", False),
        "C002": ("gold", "gold", "held", 1, "bronze", False),
        "C003": ("silver", "silver", "same", 0, None, False),
        "C004": ("bronze", "bronze", "same", 0, None, False),
        "C005": ("gold", "gold", "upgrade", 0, None, False),
    },
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _set_lists(ws: Workspace, period: str) -> None:
    folder = ws.root / "standards" / "lists"
    folder.mkdir(parents=True, exist_ok=True)
    for name, ids in LISTS[period].items():
        (folder / f"{name}.csv").write_text("customer_id\n" + "".join(f"{c}\n" for c in ids),
                                            encoding="utf-8")


def _observed(ws: Workspace, period: str) -> dict[str, tuple]:
    table = sv.read_published(ws, period, [
        "customer_id", "applied_tier", "hysteresis_tier", "hysteresis_reason", "periods_below",
        "pending_tier", "override_id"]).table.to_pylist()
    return {r["customer_id"]: (r["applied_tier"], r["hysteresis_tier"], r["hysteresis_reason"],
                               r["periods_below"], r["pending_tier"],
                               r["override_id"] is not None) for r in table}


@pytest.mark.slow
def test_overrides_expiry_and_held_downgrades_over_five_closes(loaded: Workspace,
                                                               tmp_path: Path) -> None:
    ws = loaded
    for period in ("2026-10", "2026-11"):
        folder = tmp_path / "in" / period
        write_sample_period(folder, period)
        sv.load_period(ws, period, folder)
    standard = tmp_path / "chain.yaml"
    standard.write_text(STANDARD, encoding="utf-8")
    clock = Clock(datetime(2026, 6, 20, 9, 0, tzinfo=UTC))
    c003 = sv.request_override(ws, "C003", "gold", "group mandate", date(2026, 8, 31), "alice",
                               standard_path=standard, clock=clock)
    sv.approve_override(ws, c003.id, "bob", clock=clock)
    rejected = sv.request_override(ws, "C004", "gold", "no case", date(2026, 12, 31), "alice",
                                   standard_path=standard, clock=clock)
    sv.reject_override(ws, rejected.id, "bob", clock=clock)

    for period in LISTS:
        if period == "2026-08":
            clock.now = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)
            c004 = sv.request_override(ws, "C004", "silver", "new payroll mandate",
                                       date(2026, 12, 31), "carol", standard_path=standard,
                                       clock=clock)
            sv.approve_override(ws, c004.id, "bob", clock=clock)
        if period == "2026-10":
            clock.now = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
            sv.revoke_override(ws, c004.id, "bob", note="mandate lost", clock=clock)
        _set_lists(ws, period)
        sv.close_period(ws, period, standard_path=standard)
        assert _observed(ws, period) == EXPECTED[period], period
