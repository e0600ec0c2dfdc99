"""Corporate groups (集团客户): a parent with subsidiaries, some of them parents in turn.

Groups live inside one block of customers, so a block can be generated on its own. Heads are
drawn among the larger customers; each group gets a Pareto-distributed number of members, and
each member hangs under the head or under an earlier member (which makes groups multi-level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HEAD_RATE = 0.045
"""Scale of the chance that a large customer heads a group (about 0.9 % of all customers)."""
UNDER_HEAD = 0.6
"""Chance a member's direct parent is the head rather than an earlier member."""
MAX_MEMBERS = 40


@dataclass(frozen=True)
class Groups:
    """Per customer of the block: index of the group head and of the direct parent (-1: none)."""

    head: np.ndarray
    parent: np.ndarray

    @property
    def member(self) -> np.ndarray:
        return self.head >= 0

    @property
    def is_head(self) -> np.ndarray:
        heads: np.ndarray = self.head == np.arange(len(self.head))
        return heads


def make_groups(rng: np.random.Generator, z: np.ndarray) -> Groups:
    """Draw the groups of one block from the customers' size scores."""
    n = len(z)
    head = np.full(n, -1, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    chance = HEAD_RATE / (1.0 + np.exp(-2.0 * (z - 1.0)))
    heads = np.flatnonzero(rng.random(n) < chance)
    sizes = np.clip(np.rint(2.0 * (1.0 + rng.pareto(1.5, len(heads)))), 1, MAX_MEMBERS)
    free = rng.permutation(np.setdiff1d(np.arange(n), heads))
    used = 0
    for h, size in zip(heads, sizes.astype(int), strict=True):
        members = free[used : used + size]
        used += len(members)
        if len(members) == 0:
            continue
        head[h] = h
        head[members] = h
        earlier = np.floor(rng.random(len(members)) * np.arange(len(members))).astype(int)
        to_head = (rng.random(len(members)) < UNDER_HEAD) | (np.arange(len(members)) == 0)
        parent[members] = np.where(to_head, h, members[earlier])
    return Groups(head, parent)
