"""The RM assignment optimiser as a mixed-integer program solved by HiGHS
(`scipy.optimize.milp`).

Customers to place (no RM, an RM not eligible for their tier, or an RM over capacity) each go
to one candidate RM — an RM eligible for the customer's tier — or stay uncovered:

    minimise   Σ cost_a·x_a  +  uncovered·Σ s_i  +  balance·Σ e_j
    subject to Σ_{a of i} x_a + s_i = 1                       every customer i placed once
               Σ_{a to j} w_i·x_a ≤ max(0, capacity_j − fixed_j)   capacity of every RM j (hard)
               (fixed_j + Σ_{a to j} w_i·x_a) / capacity_j − e_j ≤ target
                                                  e_j = RM j's utilisation above the target
               x_a, s_i ∈ {0, 1},  e_j ≥ 0

An arc a = (customer i, RM j) exists only where j is eligible for i's tier (eligibility is
hard); its cost adds the penalty of changing an existing RM and of another sub-branch. w_i is
the tier weight, fixed_j the load of the customers j keeps. The arcs are built by the engine
(`corptier.services.staff`); this module only sees arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AssignmentProblem:
    """Customers 0..n-1, RMs 0..m-1 and the candidate arcs between them."""

    weight: Floats
    """Per customer: its tier's weight."""
    arc_customer: Ints
    arc_rm: Ints
    arc_cost: Floats
    fixed_load: Floats
    """Per RM: the load of the customers it keeps (not in the problem)."""
    capacity: Floats
    uncovered: float
    balance: float
    target: float
    """Utilisation (load / capacity) above which the balance cost applies."""

    @property
    def customers(self) -> int:
        return len(self.weight)

    @property
    def rms(self) -> int:
        return len(self.capacity)


@dataclass(frozen=True)
class AssignmentSolution:
    """Per customer the RM chosen (-1: uncovered), the objective and the solver's word."""

    rm: Ints
    objective: float
    max_utilisation: float
    status: str
    optimal: bool
    """Proven optimal within `gap` (HiGHS' relative MIP gap)."""
    gap: float


def room(problem: AssignmentProblem) -> Floats:
    """The load each RM may still take."""
    return np.maximum(problem.capacity - problem.fixed_load, 0.0)


def objective(problem: AssignmentProblem, rm: Ints) -> tuple[float, float] | None:
    """The objective of a complete choice (per customer an RM or -1) and its highest
    utilisation; None when the choice breaks eligibility (no arc) or a capacity."""
    cost = 0.0
    load = problem.fixed_load.astype(float).copy()
    arcs = {(int(c), int(r)): float(k) for c, r, k in zip(
        problem.arc_customer, problem.arc_rm, problem.arc_cost, strict=True)}
    added = np.zeros(problem.rms)
    for i, j in enumerate(rm):
        if j < 0:
            cost += problem.uncovered
            continue
        if (i, int(j)) not in arcs:
            return None
        cost += arcs[i, int(j)]
        added[j] += problem.weight[i]
        load[j] += problem.weight[i]
    if np.any(added > room(problem) + 1e-9):
        return None
    return cost + problem.balance * _excess(problem, load), _max_utilisation(problem, load)


def _excess(problem: AssignmentProblem, load: Floats) -> float:
    """Σ over RMs of the utilisation above the target."""
    on = problem.capacity > 0
    return float(np.sum(np.maximum(load[on] / problem.capacity[on] - problem.target, 0.0)))


def _max_utilisation(problem: AssignmentProblem, load: Floats) -> float:
    with_capacity = problem.capacity > 0
    return float(np.max(load[with_capacity] / problem.capacity[with_capacity], initial=0.0))


def solve(problem: AssignmentProblem, *, time_limit: float = 300.0,
          gap: float = 0.0) -> AssignmentSolution:
    """The optimal choice (HiGHS branch and bound): proven within the relative `gap` of the
    optimum, or the best found in `time_limit` seconds."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, vstack

    n, m, arcs = problem.customers, problem.rms, len(problem.arc_rm)
    if n == 0:
        return AssignmentSolution(
            np.zeros(0, np.int64), problem.balance * _excess(problem, problem.fixed_load),
            _max_utilisation(problem, problem.fixed_load), "nothing to place", True, 0.0)
    with_capacity = np.flatnonzero(problem.capacity > 0)
    k = len(with_capacity)
    # variables: x (arcs), s (customers), e (RMs with a capacity)
    nvar = arcs + n + k
    c = np.concatenate([problem.arc_cost, np.full(n, problem.uncovered),
                        np.full(k, problem.balance)])
    a_idx = np.arange(arcs)
    s_idx = arcs + np.arange(n)
    once = coo_matrix((np.ones(arcs + n), (np.concatenate([problem.arc_customer,
                                                            np.arange(n)]),
                                           np.concatenate([a_idx, s_idx]))), shape=(n, nvar))
    w = problem.weight[problem.arc_customer]
    cap = coo_matrix((w, (problem.arc_rm, a_idx)), shape=(m, nvar))
    position = np.full(m, -1)
    position[with_capacity] = np.arange(k)
    on = position[problem.arc_rm] >= 0
    util = coo_matrix((np.concatenate([w[on] / problem.capacity[problem.arc_rm[on]],
                                       -np.ones(k)]),
                       (np.concatenate([position[problem.arc_rm[on]], np.arange(k)]),
                        np.concatenate([a_idx[on], arcs + n + np.arange(k)]))),
                      shape=(k, nvar))
    a = vstack([once, cap, util]).tocsr()
    lower = np.concatenate([np.ones(n), np.full(m, -np.inf), np.full(k, -np.inf)])
    upper = np.concatenate([np.ones(n), room(problem), problem.target
                            - problem.fixed_load[with_capacity] / problem.capacity[with_capacity]])
    integrality = np.concatenate([np.ones(arcs + n), np.zeros(k)])
    bounds = Bounds(np.zeros(nvar), np.concatenate([np.ones(arcs + n), np.full(k, np.inf)]))
    result = milp(c, constraints=LinearConstraint(a, lower, upper), integrality=integrality,
                  bounds=bounds, options={"time_limit": time_limit, "mip_rel_gap": gap})
    if result.x is None:
        raise RuntimeError(f"the assignment solver found no solution: {result.message}")
    x = np.rint(result.x[:arcs]).astype(bool)
    rm = np.full(n, -1, dtype=np.int64)
    rm[problem.arc_customer[x]] = problem.arc_rm[x]
    load = problem.fixed_load.astype(float).copy()
    np.add.at(load, rm[rm >= 0], problem.weight[rm >= 0])
    reached = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return AssignmentSolution(rm, float(result.fun), _max_utilisation(problem, load),
                              str(result.message), result.status == 0, reached)
