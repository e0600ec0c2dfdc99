"""Propose RM assignments (`corptier staff assign --propose`): customers without an RM, with an
RM not eligible for their tier, or with an RM over capacity go to an eligible RM with room,
keeping existing assignments unless a constraint forces a move, preferring the customer's own
sub-branch and balancing the load (`corptier.staff.assignment`: a MIP solved by HiGHS).

The engine finds the customers to place and their candidate RMs (joins over the published
book); Python only hands the solver arrays. A proposal changes nothing: it starts from the
RM assignments already approved for the next period, and applying it goes through
maker-checker (`services.rm_assignments`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from corptier.periods import Period
from corptier.services.staff import BATCH_ROWS, StaffInputs
from corptier.staff import assignment, workload
from corptier.workspace import Workspace

HELD = ("valid", "expiring")


@dataclass(frozen=True)
class ProposedMove:
    """One customer the proposal gives another RM (to_rm None: no eligible RM has room)."""

    customer_id: str
    tier: str
    sub_branch: str | None
    from_rm: str | None
    to_rm: str | None
    reason: str
    """no_rm, not_eligible (grade or certifications) or over_capacity (of the current RM)."""


@dataclass(frozen=True)
class RmLoadChange:
    rm_id: str
    name: str
    sub_branch: str
    capacity: float
    load_before: float
    load_after: float


@dataclass(frozen=True)
class AssignmentProposal:
    """What the optimiser proposes for a closed period, and how good it is."""

    period: str
    rules_version: str
    considered: int
    """Customers to place: no RM, an RM not eligible, or an RM over capacity."""
    candidates: int
    """Arcs (customer, eligible RM) the solver chose from."""
    moves: tuple[ProposedMove, ...]
    kept: int
    uncovered: int
    loads: tuple[RmLoadChange, ...]
    """The RMs whose load changes."""
    objective: float
    max_utilisation_before: float
    max_utilisation_after: float
    optimal: bool
    """Proven optimal within `gap`."""
    gap: float
    status: str
    seconds: float


def propose_assignments(ws: Workspace, period: str | None = None,
                        rules_path: Path | str | None = None, *, time_limit: float = 120.0,
                        gap: float = 0.001) -> AssignmentProposal:
    """The optimal reassignment of the customers that need one (see the module doc), proven
    within the relative `gap` of the optimum or the best found in `time_limit` seconds."""
    started = time.perf_counter()
    inputs = StaffInputs.read(ws, period, rules_path)
    rules = inputs.rules
    managers = inputs.managers
    rm_ids: list[str] = managers.column("rm_id").to_pylist()
    index = {rm: i for i, rm in enumerate(rm_ids)}
    defaults = {g.name: g.capacity for g in rules.grades}
    capacity = np.array([float(c) if c is not None else float(defaults.get(g, 0))
                         for c, g in zip(managers.column("capacity").to_pylist(),
                                         managers.column("grade").to_pylist(), strict=True)])
    eligible = _eligible(inputs)
    weights = pa.table({"tier": list(rules.tiers),
                        "weight": [t.weight for t in rules.tiers.values()]})
    rm_branch = pa.table({"rm_id": rm_ids, "rm_index": list(range(len(rm_ids))),
                          "rm_branch": managers.column("sub_branch")})
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        published = con.read_parquet(ws.partition_file("tiers", inputs.period))
        customers = planned_customers(con, ws, inputs.period)
        book = workload.placed_book(published, customers, ibis.memtable(managers))
        w = ibis.memtable(weights)
        book = book.left_join(w, book.tier == w.tier).select(
            "customer_id", "tier", "rm_id", "sub_branch", weight=w.weight.fill_null(0.0))
        before = np.zeros(len(rm_ids))
        loads = con.batches(book.filter(book.rm_id.notnull()).group_by("rm_id").agg(
            load=book.weight.sum()), BATCH_ROWS).read_all()
        before[[index[r] for r in loads.column("rm_id").to_pylist()]] = loads.column(
            "load").to_numpy()
        over = [rm for rm, i in index.items() if before[i] > capacity[i] + 1e-9]
        ok = ibis.memtable(pa.table({"_rm": [p[0] for p in eligible],
                                     "_tier": [p[1] for p in eligible]},
                                    schema=pa.schema([("_rm", pa.string()),
                                                      ("_tier", pa.string())])))
        j = book.left_join(ok, (book.rm_id == ok._rm) & (book.tier == ok._tier))
        reason = ibis.cases((j.rm_id.isnull(), "no_rm"), (j._rm.isnull(), "not_eligible"),
                            (j.rm_id.isin(over or [""]), "over_capacity"), else_=None)
        movable = j.select("customer_id", "tier", "rm_id", "sub_branch", "weight",
                           reason=reason)
        movable = movable.filter(movable.reason.notnull())
        known = ibis.memtable(rm_branch).select(_id=ibis._.rm_id, _index=ibis._.rm_index)
        movable = movable.left_join(known, movable.rm_id == known._id)
        movable = movable.select("customer_id", "tier", "rm_id", "sub_branch", "weight",
                                 "reason", current=movable._index.fill_null(-1).cast("int64"))
        movable = movable.order_by("customer_id")
        moving = con.batches(movable, BATCH_ROWS).read_all()
        n = moving.num_rows
        place = ibis.memtable(moving.append_column("i", pa.array(np.arange(n), pa.int64())))
        cand = ibis.memtable(pa.table({
            "c_rm": [p[0] for p in eligible], "c_tier": [p[1] for p in eligible]},
            schema=pa.schema([("c_rm", pa.string()), ("c_tier", pa.string())])))
        branches = ibis.memtable(rm_branch)
        cand = cand.join(branches, cand.c_rm == branches.rm_id).select(
            "c_rm", "c_tier", "rm_index", "rm_branch")
        arcs = place.join(cand, place.tier == cand.c_tier)
        costs = rules.assignment
        cost = (ibis.ifelse(arcs.rm_id.notnull() & (arcs.rm_id != arcs.c_rm),
                            costs.change_rm, 0.0)
                + ibis.ifelse(arcs.rm_branch != arcs.sub_branch.fill_null(""),
                              costs.other_sub_branch, 0.0))
        arc_table = con.batches(arcs.select(customer=arcs.i, rm=arcs.rm_index,
                                            cost=cost.cast("float64")).order_by(
            ["customer", "rm"]), BATCH_ROWS).read_all()
    weight = moving.column("weight").to_numpy().astype(float)
    current = moving.column("current").to_numpy().astype(np.int64)
    fixed = before.copy()
    np.subtract.at(fixed, current[current >= 0], weight[current >= 0])
    problem = assignment.AssignmentProblem(
        weight=weight, arc_customer=arc_table.column("customer").to_numpy().astype(np.int64),
        arc_rm=arc_table.column("rm").to_numpy().astype(np.int64),
        arc_cost=arc_table.column("cost").to_numpy().astype(float), fixed_load=fixed,
        capacity=capacity, uncovered=costs.uncovered, balance=costs.balance,
        target=costs.balance_target)
    solution = assignment.solve(problem, time_limit=time_limit, gap=gap)
    after = fixed.copy()
    np.add.at(after, solution.rm[solution.rm >= 0], weight[solution.rm >= 0])
    changed = np.flatnonzero(solution.rm != current)
    names = managers.column("name").to_pylist()
    branch = managers.column("sub_branch").to_pylist()
    moves = _moves(moving, changed, solution.rm, rm_ids)
    touched = np.flatnonzero(np.abs(after - before) > 1e-9)
    with_capacity = capacity > 0
    before_max = float(np.max(before[with_capacity] / capacity[with_capacity], initial=0.0))
    return AssignmentProposal(
        str(inputs.period), rules.version, n, len(arc_table), moves,
        n - len(changed), int(np.sum(solution.rm < 0)),
        tuple(RmLoadChange(rm_ids[j], names[j], branch[j], float(capacity[j]),
                           float(before[j]), float(after[j])) for j in touched),
        solution.objective, before_max, solution.max_utilisation, solution.optimal,
        solution.gap, solution.status, time.perf_counter() - started)


def planned_customers(con: Any, ws: Workspace, period: Period) -> Any:
    """The customers of a closed `period` with the RMs already approved for the next one:
    the book a proposal on `period` plans from."""
    from corptier.services.rm_assignments import assigned_rms

    customers = con.read_parquet(ws.partition_file("customers", period))
    return workload.with_assigned_rm(customers, ibis.memtable(assigned_rms(ws, period.shift(1))))


def current_rms(ws: Workspace, period: Period, customer_ids: list[str]) -> dict[str, str | None]:
    """The RM on the roster (else None) each of `customer_ids` has in the book a proposal on
    `period` plans from (what a stored proposal's moves are checked against)."""
    from corptier.engine import connect

    inputs = StaffInputs.read(ws, str(period), None)
    with connect(ws, "duckdb") as con:
        published = con.read_parquet(ws.partition_file("tiers", period))
        book = workload.placed_book(published, planned_customers(con, ws, period),
                                    ibis.memtable(inputs.managers))
        wanted = book.filter(book.customer_id.isin(customer_ids or [""]))
        found = con.batches(wanted.select("customer_id", "rm_id"), BATCH_ROWS).read_all()
    return dict(zip(found.column("customer_id").to_pylist(), found.column("rm_id").to_pylist(),
                    strict=True))


def _eligible(inputs: StaffInputs) -> list[tuple[str, str]]:
    """(rm_id, tier) of every RM eligible for a tier: grade at least the tier's, every
    required certification valid (or expiring) on the month end (RMs × tiers: small)."""
    from corptier.engine import connect

    with connect(inputs.ws, "duckdb") as con:
        status = con.batches(inputs.status(), BATCH_ROWS).read_all()
    held: dict[str, set[str]] = {}
    for rm, cert, state in zip(status.column("rm_id").to_pylist(),
                               status.column("certification").to_pylist(),
                               status.column("status").to_pylist(), strict=True):
        if state in HELD:
            held.setdefault(rm, set()).add(cert)
    rules = inputs.rules
    pairs = []
    for rm, grade in zip(inputs.managers.column("rm_id").to_pylist(),
                         inputs.managers.column("grade").to_pylist(), strict=True):
        rank = rules.grade_rank(grade) or 0
        for code, tier in rules.tiers.items():
            if (rank >= (rules.grade_rank(tier.min_grade) or 0)
                    and set(tier.certifications) <= held.get(rm, set())):
                pairs.append((rm, code))
    return pairs


def _moves(moving: pa.Table, changed: np.ndarray, chosen: np.ndarray,
           rm_ids: list[str]) -> tuple[ProposedMove, ...]:
    picked = moving.take(pa.array(changed, pa.int64()))
    to = [rm_ids[j] if j >= 0 else None for j in chosen[changed].tolist()]
    columns = [picked.column(c).to_pylist() for c in ("customer_id", "tier", "sub_branch",
                                                      "rm_id", "reason")]
    return tuple(ProposedMove(c, t, b, f, r_to, why) for c, t, b, f, why, r_to in zip(
        *columns, to, strict=True))


