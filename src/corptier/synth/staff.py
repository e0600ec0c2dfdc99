"""The synthetic bank's RM staff data: teams, capacities and start dates of the managers, their
certifications and their training records — with gaps on purpose (missing and expired
certifications, empty capacities), so that `corptier staff training-gaps` has work to do.

Everything is drawn from its own REFERENCE streams (3 and 4) and dated before the history's
first month, so the tables are the same in every month of a history.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from corptier.contract.schema import TABLES
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.rng import REFERENCE, generator

TEAM_SIZE = 6
GRADE_CAPACITY = (150, 200, 250, 300)
"""Capacity (weighted customers) drawn around these, by grade index (junior first)."""
CERTIFICATIONS: tuple[tuple[str, tuple[float, float, float, float], int], ...] = (
    # code, probability of holding it by grade (junior first), validity in days
    ("aml", (0.9, 0.92, 0.94, 0.95), 730),
    ("credit", (0.3, 0.7, 0.9, 0.95), 1095),
    ("cash_management", (0.1, 0.4, 0.7, 0.85), 1095),
    ("trade_finance", (0.05, 0.2, 0.5, 0.75), 1095),
    ("investment_banking", (0.0, 0.1, 0.3, 0.5), 1095),
)
COURSES: tuple[tuple[str, int], ...] = (
    ("AML-100", 8), ("CR-101", 24), ("CM-201", 16), ("TF-201", 16), ("IB-301", 24),
    ("SV-100", 8),
)
_EPOCH = dt.date(1970, 1, 1)


def _day(start: Period) -> int:
    return (start.start - _EPOCH).days


def staff_columns(grade: np.ndarray, branch: np.ndarray, first: np.ndarray, seed: int,
                  start: Period) -> list[pa.Array]:
    """team, team_head, capacity and start_date of the managers (ordered junior first within
    each sub-branch): teams of up to six, each headed by its most senior member."""
    from corptier.synth.profiles import SUB_BRANCHES

    total = len(grade)
    rng = generator(seed, REFERENCE, 3)
    counts = np.bincount(branch, minlength=len(SUB_BRANCHES))
    within = np.arange(total) - (first[branch] - 1)
    teams = -(-counts // TEAM_SIZE)
    team = within % teams[branch]
    names = [f"{SUB_BRANCHES[b][0]}{t + 1}组" for b, t in zip(branch, team, strict=True)]
    key = branch * total + team
    last = np.zeros(len(SUB_BRANCHES) * total, dtype=np.int64)
    np.maximum.at(last, key, np.arange(1, total + 1))  # the most senior: the last of the team
    head = last[key]
    capacity = np.rint(np.array(GRADE_CAPACITY)[grade] * (0.85 + 0.3 * rng.random(total)))
    years = (grade + 1) * 3 * rng.random(total) + grade * 2
    started = _day(start) - 30 - np.rint(years * 365.25).astype(np.int64)
    return [pa.array(names, pa.string()), col.ids(total, "RM", (head, 5)),
            col.integers(capacity.astype(np.int64), valid=rng.random(total) < 0.8),
            col.dates(started)]


def certifications_table(managers: pa.Table, seed: int, start: Period) -> pa.Table:
    """The certifications held: by grade, some missing, some issued long enough ago to have
    expired by the history's first month."""
    from corptier.synth.products import GRADES

    rng = generator(seed, REFERENCE, 4)
    grade = np.array([GRADES.index(g) for g in managers.column("grade").to_pylist()])
    ids = np.array(managers.column("rm_id").to_pylist(), dtype=object)
    rows: list[tuple[int, int, int, int]] = []  # manager, certification, issued, expires
    for k, (_, held_by_grade, valid_days) in enumerate(CERTIFICATIONS):
        held = np.flatnonzero(rng.random(len(grade)) < np.array(held_by_grade)[grade])
        age = np.rint(rng.random(len(held)) * valid_days * 1.15).astype(np.int64) + 1
        issued = _day(start) - age
        rows += [(int(m), k, int(i), int(i) + valid_days) for m, i in zip(held, issued,
                                                                            strict=True)]
    rows.sort(key=lambda r: (r[0], CERTIFICATIONS[r[1]][0]))  # by rm_id, then code
    return pa.table(
        [pa.array([ids[r[0]] for r in rows], pa.string()),
         pa.array([CERTIFICATIONS[r[1]][0] for r in rows], pa.string()),
         col.dates(np.array([r[2] for r in rows], dtype=np.int64)),
         col.dates(np.array([r[3] for r in rows], dtype=np.int64))],
        schema=TABLES["rm_certifications"].arrow_schema,
    )


def training_table(managers: pa.Table, seed: int, start: Period) -> pa.Table:
    """Two to five distinct courses per manager in the 400 days before the first month, with a
    score (some ungraded)."""
    rng = generator(seed, REFERENCE, 5)
    rows: list[tuple[str, int, str, int, int, bool]] = []
    for rm in managers.column("rm_id").to_pylist():
        picked = rng.permutation(len(COURSES))[: int(rng.integers(2, 6))]
        for c in picked:
            day = _day(start) - int(rng.integers(1, 400))
            rows.append((rm, day, COURSES[c][0], COURSES[c][1], int(rng.integers(60, 101)),
                         bool(rng.random() < 0.9)))
    rows.sort()
    return pa.table(
        [pa.array([r[0] for r in rows], pa.string()), pa.array([r[2] for r in rows]),
         col.integers(np.array([r[3] for r in rows], dtype=np.int64)),
         col.dates(np.array([r[1] for r in rows], dtype=np.int64)),
         col.integers(np.array([r[4] for r in rows], dtype=np.int64),
                      valid=np.array([r[5] for r in rows], dtype=bool))],
        schema=TABLES["training_records"].arrow_schema,
    )
