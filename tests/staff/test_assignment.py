"""The assignment MIP finds the optimum: on small random problems its objective equals the
best of every possible choice enumerated by brute force, its choice respects eligibility and
capacity, and a hand-worked case comes out as worked."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.staff.assignment import AssignmentProblem, objective, room, solve


def problem(weight: list[float], arcs: list[tuple[int, int, float]], fixed: list[float],
            capacity: list[float], *, uncovered: float = 100.0, balance: float = 20.0,
            target: float = 0.5) -> AssignmentProblem:
    return AssignmentProblem(
        weight=np.array(weight, float),
        arc_customer=np.array([a[0] for a in arcs], np.int64),
        arc_rm=np.array([a[1] for a in arcs], np.int64),
        arc_cost=np.array([a[2] for a in arcs], float), fixed_load=np.array(fixed, float),
        capacity=np.array(capacity, float), uncovered=uncovered, balance=balance,
        target=target)


def brute_force(p: AssignmentProblem) -> float:
    values = [v[0] for choice in itertools.product(range(-1, p.rms), repeat=p.customers)
              if (v := objective(p, np.array(choice, np.int64))) is not None]
    return min(values)


def test_a_hand_worked_case() -> None:
    # customers 0 (weight 5, on RM 0 which is over capacity: keep costs 0, move 10) and
    # 1 (weight 3, no RM: RM 0 or RM 1 at 5 for another sub-branch); RM 0 keeps 8 of
    # capacity 10, RM 1 keeps 0 of capacity 6
    p = problem([5, 3], [(0, 0, 0.0), (0, 1, 10.0), (1, 0, 0.0), (1, 1, 5.0)],
                [8, 0], [10, 6], balance=20.0, target=0.5)
    # RM 0 has room 2, RM 1 room 6: neither customer fits RM 0, RM 1 cannot take both.
    #   0 → RM 1, 1 uncovered: 10 + 100 + 20·((8/10 − 0.5) + (5/6 − 0.5)) = 122.67
    #   0 uncovered, 1 → RM 1:  5 + 100 + 20·((8/10 − 0.5) + 0)          = 111.00
    #   both uncovered:              200 + 20·0.3                          = 206.00
    solution = solve(p)
    assert solution.rm.tolist() == [-1, 1] and solution.optimal
    assert solution.objective == pytest.approx(111.0)
    assert solution.max_utilisation == pytest.approx(0.8)
    assert brute_force(p) == pytest.approx(111.0)


@st.composite
def problems(draw: st.DrawFn) -> AssignmentProblem:
    n, m = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    arcs = [(i, j, draw(st.sampled_from([0.0, 5.0, 10.0, 15.0])))
            for i in range(n) for j in range(m) if draw(st.booleans())]
    return problem(draw(st.lists(st.sampled_from([1.0, 1.5, 3.0, 5.0, 10.0]), min_size=n,
                                 max_size=n)), arcs,
                   draw(st.lists(st.sampled_from([0.0, 3.0, 8.0]), min_size=m, max_size=m)),
                   draw(st.lists(st.sampled_from([0.0, 5.0, 10.0, 20.0]), min_size=m,
                                 max_size=m)),
                   uncovered=draw(st.sampled_from([30.0, 100.0])),
                   balance=draw(st.sampled_from([0.0, 20.0])),
                   target=draw(st.sampled_from([0.0, 0.5, 0.8])))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_the_solver_matches_brute_force(p: AssignmentProblem) -> None:
    solution = solve(p)
    assert solution.optimal
    assert solution.objective == pytest.approx(brute_force(p), abs=1e-6)
    value = objective(p, solution.rm)  # the choice itself is feasible and worth as much
    assert value is not None and value[0] == pytest.approx(solution.objective, abs=1e-6)
    added = np.zeros(p.rms)
    np.add.at(added, solution.rm[solution.rm >= 0], p.weight[solution.rm >= 0])
    assert np.all(added <= room(p) + 1e-9)


def test_nothing_to_place() -> None:
    p = problem([], [], [4, 0], [8, 0], balance=10.0, target=0.25)
    solution = solve(p)
    assert solution.rm.tolist() == [] and solution.objective == pytest.approx(2.5)
