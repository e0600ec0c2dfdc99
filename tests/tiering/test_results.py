"""A close's results as engine columns: the previous tier and hysteresis state from the
published closes (a customer absent from the last close but in one of the K before it has
`returned` and keeps its state), overrides, migration and the published table."""

from __future__ import annotations

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from tiering_helpers import IDENTITY, memtable, rows, standard_from

from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.tiering.results import (
    add_results,
    hysteresis_state,
    overrides_table,
    published_history,
    published_table,
)

CODES = ("a", "b", "c", "d")
STANDARD = standard_from(IDENTITY, extra="hysteresis:\n  downgrade_after_periods: {a: 3}\n")
SCORE = {"a": 90.0, "b": 60.0, "c": 30.0, "d": 10.0}
"""A score in each tier's band (cut-offs 75 / 50 / 25)."""


def published(**customers: tuple[str, str | None, int, str | None]) -> ibis.Table:
    """A published table: customer → (applied tier, hysteresis tier, periods below, pending)."""
    ids = sorted(customers)
    return ibis.memtable(pa.table({
        "customer_id": ids,
        "applied_tier": [customers[c][0] for c in ids],
        "hysteresis_tier": pa.array([customers[c][1] for c in ids], pa.string()),
        "periods_below": pa.array([customers[c][2] for c in ids], pa.int64()),
        "pending_tier": pa.array([customers[c][3] for c in ids], pa.string()),
    }))


def close(closes, computed: dict[str, str], overrides=None, last: str | None = "2025-02"):
    """One close of the customers of `computed` (customer → computed tier) after `closes`."""
    history = published_history(closes)
    ids = sorted(computed)
    current = memtable(customer_id=ids, dep_avg=[SCORE[computed[c]] for c in ids])
    tiered = tier_with_hysteresis(current, STANDARD, {}, hysteresis_state(history, CODES))
    chosen = ibis.memtable(overrides_table(overrides or {}, CODES))
    return {r["customer_id"]: r
            for r in rows(add_results(tiered, history, chosen, CODES, last))}


def test_a_customer_absent_one_close_returns_with_its_state_and_tier() -> None:
    """C2 was applied a in January with a streak running (1 period below, best c), is missing
    from February and back in March computed c: it keeps January's state, so the buffer of a
    (3) is not yet spent (held 2/3, applied a) and its migration is `returned` from a.
    C1 was in February (b) and stays b; C3 was never closed: new."""
    jan = published(C1=("b", "b", 0, None), C2=("a", "a", 1, "c"))
    feb = published(C1=("b", "b", 0, None))
    got = close([("2025-02", feb), ("2025-01", jan)], {"C1": "b", "C2": "c", "C3": "c"})
    c2 = got["C2"]
    assert (c2["applied_tier"], c2["hysteresis_reason"], c2["periods_below"]) == ("a", "held", 2)
    assert (c2["migration"], c2["previous_tier"], c2["previous_period"]) == \
        ("returned", "a", "2025-01")
    assert (got["C1"]["migration"], got["C1"]["previous_period"]) == ("same", "2025-02")
    assert (got["C3"]["migration"], got["C3"]["hysteresis_reason"]) == ("new", "new")
    assert got["C3"]["previous_tier"] is None


def test_a_customer_absent_longer_than_the_window_starts_afresh() -> None:
    """Only the closes given (the previous one and the K before it) count: C2's January row is
    outside them, so it is new."""
    feb = published(C1=("b", "b", 0, None))
    got = close([("2025-02", feb)], {"C1": "b", "C2": "c"})
    assert (got["C2"]["migration"], got["C2"]["hysteresis_reason"]) == ("new", "new")


def test_the_state_carries_on_from_the_rule_not_from_an_override() -> None:
    """C1 was applied a by an override over a hysteresis tier of c: the next close starts
    from c; with the override still in force the applied tier is a, and the migration
    compares a with a."""
    feb = published(C1=("a", "c", 0, None))
    got = close([("2025-02", feb)], {"C1": "c"}, overrides={"C1": (7, "a")})
    c1 = got["C1"]
    assert (c1["hysteresis_tier"], c1["hysteresis_reason"]) == ("c", "same")
    assert (c1["applied_tier"], c1["override_id"], c1["migration"]) == ("a", 7, "same")


def test_a_tier_the_standard_no_longer_has_starts_afresh() -> None:
    feb = published(C1=("platinum", "platinum", 0, None))
    got = close([("2025-02", feb)], {"C1": "b"})
    assert (got["C1"]["migration"], got["C1"]["hysteresis_reason"]) == ("new", "new")
    assert got["C1"]["previous_tier"] == "platinum"


def test_an_override_to_an_unknown_tier_is_left_out() -> None:
    table = overrides_table({"C1": (1, "a"), "C2": (2, "platinum")}, CODES)
    assert table.to_pylist() == [{"customer_id": "C1", "override_id": 1, "override_tier": "a",
                                  "risk_exception": None}]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(CODES)), min_size=1,
                max_size=6))
def test_migration_compares_the_applied_tier_with_the_previous_one(pairs) -> None:
    """For any previous and computed tiers (no buffer below a, so applied = computed unless
    a holds): up when better, down when worse, same when equal, new without a previous."""
    ids = [f"C{i}" for i in range(len(pairs))]
    feb = published(**{c: (p, p, 0, None) for c, (p, _) in zip(ids, pairs, strict=True)})
    got = close([("2025-02", feb)], {c: now for c, (_, now) in zip(ids, pairs, strict=True)})
    for c in ids:
        before, now = CODES.index(got[c]["previous_tier"]), CODES.index(got[c]["applied_tier"])
        want = "same" if now == before else ("down" if now > before else "up")
        assert got[c]["migration"] == want


def test_the_published_table_holds_the_explanations_facts() -> None:
    feb = published(C1=("b", "b", 0, None))
    history = published_history([("2025-02", feb)])
    current = memtable(customer_id=["C1"], dep_avg=[SCORE["a"]])
    tiered = tier_with_hysteresis(current, STANDARD, {}, hysteresis_state(history, CODES))
    tiered = tiered.mutate(p_alive=ibis.literal(0.5), attrition_risk=ibis.literal(0.5),
                           behaviour_state=ibis.literal("active"),
                           behaviour_reason=ibis.literal("none"))
    chosen = ibis.memtable(overrides_table({}, CODES))
    table = published_table(add_results(tiered, history, chosen, CODES, "2025-02"), STANDARD,
                            "run-1")
    [row] = table.to_pyarrow().to_pylist()
    assert (row["applied_tier"], row["migration"], row["run_id"]) == ("a", "up", "run-1")
    assert row["points__value__dep_avg"] == 90.0 and row["value__dep_avg"] == 90.0
    assert row["dim_value"] == 90.0 and row["raw_tier"] == "a"
    assert (row["hysteresis_reason"], row["previous_applied_tier"]) == ("upgrade", "b")


# --- an override above a fired immediate cap needs a risk exception (issue 15) ------------------
CAPPED = standard_from(IDENTITY, extra="""\
gates:
  caps:
    - {id: cap_b, named_list: {name: cap_b}, tier: b}
    - {id: cap_c, named_list: {name: cap_c}, tier: c}
    - {id: cap_d, named_list: {name: cap_d}, tier: d}
""")


def capped_close(caps: dict[str, str], overrides: dict) -> dict[str, dict]:
    """A first close of customers all computed a before the caps; `caps`: customer → the tier
    of the immediate cap that fires for it."""
    ids = sorted({*caps, *overrides})
    lists = {f"cap_{tier}": [c for c in ids if caps.get(c) == tier] for tier in "bcd"}
    current = memtable(customer_id=ids, dep_avg=[SCORE["a"]] * len(ids))
    history = published_history([])
    tiered = tier_with_hysteresis(current, CAPPED, lists, hysteresis_state(history, CODES))
    chosen = ibis.memtable(overrides_table(overrides, CODES))
    return {r["customer_id"]: r for r in rows(add_results(tiered, history, chosen, CODES, None))}


def test_an_override_above_a_fired_cap_applies_only_with_a_risk_exception() -> None:
    got = capped_close({"C1": "b", "C2": "b", "C3": "b", "C5": "b"}, {
        "C1": (1, "a"), "C2": (2, "a", "CRO memo"), "C3": (3, "c"), "C4": (4, "a"),
        "C5": (5, "b", "not needed")})
    assert {c: (r["applied_tier"], r["override_id"], r["override_refused"],
                r["override_risk_exception"]) for c, r in got.items()} == {
        "C1": ("b", None, 1, None),  # above the cap, no exception: the cap wins
        "C2": ("a", 2, None, "CRO memo"),  # above the cap with one: applies, names it
        "C3": ("c", 3, None, None),  # below the cap: applies
        "C4": ("a", 4, None, None),  # no cap fired
        "C5": ("b", 5, None, None),  # at the cap: no exception needed, none recorded
    }


def test_no_override_is_applied_above_a_fired_cap_without_an_exception_all_cases() -> None:
    """Every override tier × cap (none, a…d) × exception or not, in one close: the applied
    tier is the override's unless it is better than the cap and has no exception, in which
    case it is the hysteresis tier and the override is recorded as refused."""
    cases = [(o, cap, exc) for o in CODES for cap in (None, "b", "c", "d")
             for exc in (None, "ok")]
    ids = {f"C{i:02d}": case for i, case in enumerate(cases)}
    got = capped_close({c: cap for c, (_, cap, _) in ids.items() if cap},
                       {c: (i + 1, o, exc) for i, (c, (o, _, exc)) in enumerate(ids.items())})
    for i, (customer, (tier, cap, exc)) in enumerate(ids.items()):
        row = got[customer]
        above = cap is not None and CODES.index(tier) < CODES.index(cap)
        if above and exc is None:
            assert (row["applied_tier"], row["override_id"], row["override_refused"]) == (
                cap, None, i + 1), customer
        else:
            assert (row["applied_tier"], row["override_id"], row["override_refused"]) == (
                tier, i + 1, None), customer
        assert row["override_risk_exception"] == (exc if above else None), customer
        assert row["hysteresis_tier"] == (cap or "a"), customer
