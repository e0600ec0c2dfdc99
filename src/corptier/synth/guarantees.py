"""Guarantees (担保) of the synthetic bank: within groups (the head guarantees some members'
debt) and from outside (a guarantee company, or the owner's mortgage or pledge).

Drawn once per block from its own stream (`ARCHIVE`), so the other tables keep their bytes;
a period's table holds the contracts in force in it whose parties are customers that month.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from corptier.contract.schema import TABLES
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.customers import Customers
from corptier.synth.periods import first_day, last_day
from corptier.synth.profiles import GIVEN, SURNAMES
from corptier.synth.rng import ARCHIVE, generator

IN_GROUP = 0.5
"""Chance that the head of a group guarantees a member's debt."""
OUTSIDE = (0.04, 0.08)
"""Chance of an outside guarantee: base, plus this much more for the largest customers."""
COMPANIES = ("成都市中小企业融资担保有限责任公司", "四川省农业融资担保有限公司",
             "成都小企业融资担保有限责任公司", "四川发展融资担保股份有限公司")
TYPES = ("guarantee", "mortgage", "pledge")


def guarantees_table(c: Customers, present: np.ndarray, period: Period,
                     seed: int, first: Period) -> pa.Table:
    """The guarantees of the block in force in `period` (borrower and a guarantor that is a
    customer both present), sorted by borrower then id."""
    g = _draw(c, seed, first)
    in_force = (g["start"] <= last_day(period)) & (g["end"] >= first_day(period))
    ours = g["guarantor"] >= 0
    keep = in_force & present[g["borrower"]] & (~ours | present[np.maximum(g["guarantor"], 0)])
    rows = np.flatnonzero(keep)
    rows = rows[np.lexsort((g["kind"][rows], g["borrower"][rows]))]
    b, gu = g["borrower"][rows], g["guarantor"][rows]
    n = len(rows)
    return pa.table([
        col.ids(n, "GU", (c.num[b], 10), (g["kind"][rows], 1)),
        col.ids(n, "C", (c.num[b], 10)),
        col.ids(n, "C", (c.num[np.maximum(gu, 0)], 10), valid=gu >= 0),
        col.text(g["name"][rows], valid=gu < 0),
        col.choice(TYPES, g["type"][rows]),
        col.money(g["amount"][rows]),
        col.dates(g["start"][rows]),
        col.dates(g["end"][rows]),
    ], schema=TABLES["guarantees"].arrow_schema)


def _draw(c: Customers, seed: int, first: Period) -> dict[str, np.ndarray]:
    rng = generator(seed, ARCHIVE, c.block, 0)
    n = c.n
    member = c.groups.member & ~c.groups.is_head
    inner = member & (rng.random(n) < IN_GROUP)
    outside_chance = OUTSIDE[0] + OUTSIDE[1] / (1.0 + np.exp(-1.5 * (c.z - 1.0)))
    outer = rng.random(n) < outside_chance
    company = rng.random(n) < 0.6
    person = np.strings.add(np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), n)],
                            np.array(list(GIVEN))[rng.integers(0, len(GIVEN), n)])
    names = np.where(company, np.array(COMPANIES)[rng.integers(0, len(COMPANIES), n)], person)
    kinds = np.where(company, 0, np.where(rng.random(n) < 0.7, 1, 2))
    share = rng.uniform(0.05, 0.3, (2, n))
    amount = np.maximum(np.round(c.revenue * share / 10_000) * 10_000, 100_000)
    lo = first_day(first) - 3 * 365
    span = first_day(first.shift(24)) - lo
    start = lo + np.floor(rng.random((2, n)) * span).astype(np.int64)
    start = np.maximum(start, c.onboarded)
    end = start + 365 * rng.integers(1, 6, (2, n))
    borrower = np.concatenate([np.flatnonzero(inner), np.flatnonzero(outer)])
    pick = (np.concatenate([np.zeros(inner.sum(), np.int64), np.ones(outer.sum(), np.int64)]),
            borrower)
    return {
        "borrower": borrower,
        "kind": pick[0] + 1,
        "guarantor": np.concatenate([c.groups.head[inner], np.full(outer.sum(), -1)]),
        "name": np.concatenate([np.full(inner.sum(), ""), names[outer]]),
        "type": np.concatenate([np.zeros(inner.sum(), np.int64), kinds[outer]]),
        "amount": amount[pick],
        "start": start[pick],
        "end": end[pick],
    }
