"""Seeding: one numpy Generator per (seed, stream, block, month), and counter-based hashes.

Every random number of the synthetic bank comes from one of these, never from a global state
or the clock, so the same seed gives the same bytes. Blocks of `BLOCK` customers are the unit
of seeding: a block's data does not depend on how many blocks are generated with it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BLOCK = 4096
"""Customers per block: the unit of seeding and of streaming."""

STATIC, MONTHLY, DIRTY, REFERENCE, LOANS, ARCHIVE = 1, 2, 3, 4, 5, 6
"""Stream ids: static customer attributes, monthly activity, defects, reference tables, loans,
and the archive (guarantees, contacts, interactions, survey answers)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def generator(seed: int, stream: int, block: int = 0, month: int = 0) -> np.random.Generator:
    """The Generator of one stream, block and (absolute) month."""
    sequence = np.random.SeedSequence([seed, stream, block, month])
    return np.random.Generator(np.random.PCG64(sequence))


def mix64(x: npt.ArrayLike) -> np.ndarray:
    """SplitMix64 finaliser, element-wise on uint64 (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = np.asarray(x, dtype=np.uint64) + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def hash64(seed: int, *keys: np.ndarray | int) -> np.ndarray:
    """A 64-bit hash of the seed and the keys (arrays broadcast together)."""
    h = mix64(np.uint64(seed & 0xFFFFFFFFFFFFFFFF))
    for key in keys:
        h = mix64(h ^ np.asarray(key, dtype=np.int64).view(np.uint64))
    return h


def uniform(seed: int, *keys: np.ndarray | int) -> np.ndarray:
    """A uniform number in [0, 1) determined by the seed and the keys."""
    return (hash64(seed, *keys) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
