"""Unified social credit codes (GB 32100-2015) for whole arrays of customers at once.

Same formulas as `corptier.reference.uscc` (GB 11714 organisation-code check inside, GB 32100
check character at position 18), vectorised with numpy; the tests check both agree.
"""

from __future__ import annotations

import numpy as np

from corptier.reference.uscc import ALPHABET

_ALPHABET = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_VALUE = np.full(256, -1, dtype=np.int64)
_VALUE[_ALPHABET] = np.arange(len(_ALPHABET))
_ORG_VALUE = np.full(256, -1, dtype=np.int64)
_ORG_VALUE[48:58] = np.arange(10)
_ORG_VALUE[65:91] = np.arange(10, 36)


def org_check(org8: np.ndarray) -> np.ndarray:
    """GB 11714 check characters (uint8) of (n, 8) uint8 organisation codes."""
    total = (_ORG_VALUE[org8] * _ORG_WEIGHTS).sum(axis=1)
    check = 11 - total % 11
    return np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + 48)).astype(
        np.uint8
    )


def uscc_check(first17: np.ndarray) -> np.ndarray:
    """GB 32100 check characters (uint8) of (n, 17) uint8 code prefixes."""
    total = (_VALUE[first17] * _USCC_WEIGHTS).sum(axis=1)
    check: np.ndarray = _ALPHABET[(31 - total % 31) % 31]
    return check


def random_org8(rng: np.random.Generator, new_style: np.ndarray) -> np.ndarray:
    """(n, 8) organisation codes: 'MA6' + 5 code characters for firms registered since the
    2015 reform (as Sichuan codes look), 8 digits for older registrations."""
    n = len(new_style)
    old = rng.integers(48, 58, (n, 8), dtype=np.uint8)
    old[:, 0] = np.frombuffer(b"2567", dtype=np.uint8)[rng.integers(0, 4, n)]
    new = _ALPHABET[rng.integers(0, len(_ALPHABET), (n, 8))]
    new[:, :3] = np.frombuffer(b"MA6", dtype=np.uint8)
    return np.where(new_style[:, None], new, old).astype(np.uint8)


def make_usccs(
    authority: np.ndarray, category: np.ndarray, region: np.ndarray, org8: np.ndarray
) -> np.ndarray:
    """(n, 18) uint8 codes from authority and category characters (uint8), 6-digit regions
    (ints) and (n, 8) organisation codes."""
    n = len(region)
    code = np.empty((n, 18), dtype=np.uint8)
    code[:, 0] = authority
    code[:, 1] = category
    powers = 10 ** np.arange(5, -1, -1)
    code[:, 2:8] = (np.asarray(region)[:, None] // powers) % 10 + 48
    code[:, 8:16] = org8
    code[:, 16] = org_check(org8)
    code[:, 17] = uscc_check(code[:, :17])
    return code


def corrupt_check(code: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same codes with a wrong (but well-formed) check character."""
    out = code.copy()
    shift = rng.integers(1, len(_ALPHABET), len(code))
    out[:, 17] = _ALPHABET[(_VALUE[code[:, 17]] + shift) % len(_ALPHABET)]
    return out
