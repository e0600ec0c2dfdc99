"""The eligibility and training-plan expressions agree with a plain reading of the rules on any
small book: a (RM, tier) pair is a gap exactly when it has no RM, the RM's grade is below the
tier's, or a required certification is not valid (or expires soon) on the month end; the plan
trains or renews exactly the certifications missing or expiring where the grade suffices."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import ibis
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corptier.staff import eligibility, load_staff_rules, workload
from corptier.staff import tables as rule_tables

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "corptier" / "standards" / "staff.yaml"
TIERS = ["strategic", "core", "key", "growth", "basic"]
RULES = load_staff_rules(SHIPPED, TIERS)
END = date(2026, 9, 30)
GRADES = ["初级", "中级", "高级", "资深", "见习"]  # the last: a grade the rules do not know
CERTS = [c.code for c in RULES.certifications]
EXPIRY = {"none": None, "expired": END - timedelta(days=1), "soon": END + timedelta(days=90),
          "later": END + timedelta(days=91), "today": END}
CON = ibis.duckdb.connect()

books = st.fixed_dictionaries({
    "grades": st.lists(st.sampled_from(GRADES), min_size=1, max_size=4),
    "certs": st.lists(st.tuples(st.integers(0, 3), st.sampled_from(CERTS),
                                st.sampled_from(sorted(EXPIRY))), max_size=12),
    "customers": st.lists(st.tuples(st.sampled_from(TIERS), st.integers(-1, 4)), min_size=1,
                          max_size=25),
})


def frames(book: dict) -> tuple[pa.Table, pa.Table, pa.Table]:
    rms = [f"RM{i}" for i in range(len(book["grades"]))]
    managers = pa.table({"rm_id": rms, "grade": book["grades"]})
    seen, certs = set(), []
    for i, cert, expiry in book["certs"]:
        if i < len(rms) and (rms[i], cert) not in seen:
            seen.add((rms[i], cert))
            certs.append({"rm_id": rms[i], "certification": cert, "issued": date(2024, 1, 1),
                          "expires": EXPIRY[expiry]})
    certs_table = pa.Table.from_pylist(certs, schema=pa.schema([
        ("rm_id", pa.string()), ("certification", pa.string()), ("issued", pa.date32()),
        ("expires", pa.date32())]))
    customers = pa.table({
        "customer_id": [f"C{n:03d}" for n in range(len(book["customers"]))],
        "tier": [t for t, _ in book["customers"]],
        "rm_id": [None if r < 0 else f"RM{r}" for _, r in book["customers"]]},
        schema=pa.schema([("customer_id", pa.string()), ("tier", pa.string()),
                          ("rm_id", pa.string())]))
    return managers, certs_table, customers


def expected(managers: pa.Table, certs: pa.Table, customers: pa.Table) -> dict:
    grade = dict(zip(managers["rm_id"].to_pylist(), managers["grade"].to_pylist(), strict=True))
    state: dict[str, dict[str, str]] = {}
    for c in certs.to_pylist():
        e = c["expires"]
        status = ("valid" if e is None or e > END + timedelta(days=90) else
                  "expired" if e < END else "expiring")
        state.setdefault(c["rm_id"], {})[c["certification"]] = status
    pairs: dict[tuple, list[str]] = {}
    for c in customers.to_pylist():
        rm = c["rm_id"] if c["rm_id"] in grade else None
        pairs.setdefault((rm, c["tier"]), []).append(c["customer_id"])
    gaps = {}
    for (rm, tier), ids in pairs.items():
        rule = RULES.tiers[tier]
        held = state.get(rm, {})
        required = rule.certifications if rm is not None else ()  # no RM: nothing to hold
        missing = tuple(sorted(c for c in required if held.get(c) not in ("valid", "expiring")))
        expiring = tuple(sorted(c for c in required if held.get(c) == "expiring"))
        short = rm is not None and (RULES.grade_rank(grade[rm]) or 0) < (
            RULES.grade_rank(rule.min_grade) or 0)
        if rm is None or short or missing or expiring:
            gaps[rm, tier] = (len(ids), min(ids), short, missing, expiring)
    return gaps


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books)
def test_gaps_and_plan_match_the_rules_read_plainly(book: dict) -> None:
    managers, certs, customers = frames(book)
    pairs = workload.rm_tiers(ibis.memtable(customers), ibis.memtable(managers))
    status = workload.certification_status(ibis.memtable(certs), END, RULES.expiring_days)
    gaps_expr = eligibility.pair_gaps(
        pairs, ibis.memtable(managers), ibis.memtable(rule_tables.grade_table(RULES)),
        ibis.memtable(rule_tables.tier_table(RULES, TIERS)),
        ibis.memtable(rule_tables.required_table(RULES)), status)
    gaps = CON.to_pyarrow(gaps_expr).to_pylist()
    want = expected(managers, certs, customers)
    assert {(g["rm_id"], g["tier"]): (g["customers"], g["example"], g["grade_short"],
                                       tuple(g["missing"]), tuple(g["expiring"]))
            for g in gaps} == want
    trainable = ibis.memtable(pa.Table.from_pylist(gaps, schema=CON.to_pyarrow(
        gaps_expr).schema)).filter(lambda t: ~t.grade_short)
    plan = CON.to_pyarrow(eligibility.training_plan(
        trainable, ibis.memtable(rule_tables.catalogue_table(RULES)))).to_pylist()
    need: dict[tuple, int] = {}
    for (rm, _tier), (n, _, short, missing, expiring) in want.items():
        if rm is None or short:
            continue
        for cert in missing:
            need[rm, cert, "train"] = need.get((rm, cert, "train"), 0) + n
        for cert in expiring:
            need[rm, cert, "renew"] = need.get((rm, cert, "renew"), 0) + n
    assert {(s["rm_id"], s["certification"], s["action"]): s["customers"] for s in plan} == need
    for step in plan:
        assert RULES.course(step["course"]).grants == step["certification"]
        assert step["hours"] == RULES.course(step["course"]).hours
