"""Unified social credit code (统一社会信用代码, GB 32100-2015): checks and generation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from corptier.errors import Text
from corptier.reference._missing import is_missing
from corptier.reference.errors import ReferenceDataError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
NATIONAL_REGION = "100000"
# GB 32100-2015 Annex A: registration authority -> (name, entity categories it may issue).
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "1239"),
    "2": ("外交", "19"),
    "3": ("司法行政", "123459"),
    "4": ("文化", "19"),
    "5": ("民政", "1239"),
    "6": ("旅游", "129"),
    "7": ("宗教", "129"),
    "8": ("工会", "19"),
    "9": ("工商", "123"),
    "A": ("中央军委改革和编制办公室", "19"),
    "N": ("农业", "1239"),
    "Y": ("其他", "1"),
}
# First two digits of GB/T 2260 province-level codes.
PROVINCE_PREFIXES = frozenset(
    f"{p:02d}"
    for lo, hi in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 82))
    for p in range(lo, hi + 1)
)

_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_BAD_CHAR_HINT = Text("expected a digit or one of {letters}; I, O, S, V and Z are never used",
                      letters=ALPHABET[10:])
_CHUNK = 1 << 18


@dataclass(frozen=True)
class UsccResult:
    """Outcome of `validate_uscc`: the normalised code, verdict, messages and parsed parts."""

    code: str
    valid: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    authority: str | None = None
    category: str | None = None
    region: str | None = None
    org_code: str | None = None


def normalise_uscc(code: str) -> str:
    """Code with full-width forms folded (NFKC), all white space removed and upper-cased."""
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (position 18) for the first 17 characters."""
    _require_chars(first17, USCC_LENGTH - 1, "first17")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character for the first 8 characters of an organisation code."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(authority: str, category: str, region: str, org8: str) -> str:
    """Build a valid code from its parts, computing the organisation and GB 32100 check chars."""
    _require_combination(authority, category)
    if not (len(region) == 6 and region.isascii() and region.isdigit()):
        raise ReferenceDataError(Text("region '{region}' must be 6 digits (GB/T 2260)",
                                      region=region))
    _require_chars(org8, 8, "org8")
    first17 = authority + category + region + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def validate_uscc(code: object) -> UsccResult:
    """Check one code against GB 32100-2015; see the module constants for the tables used."""
    raw = "" if is_missing(code) else str(code)
    text = normalise_uscc(raw)
    if not text:
        return UsccResult("", False, (Text("no code given: expected 18 characters"),))
    warnings: list[str] = ([Text("input {raw!r} was normalised to '{text}'", raw=raw, text=text)]
                               if text != raw else [])
    errors = _length_errors(text) + _char_errors(text)
    if len(text) != USCC_LENGTH:
        return UsccResult(text, False, tuple(errors), tuple(warnings))
    errors += _structure_errors(text)
    if not errors:
        errors += _check_errors(text)
        warnings += _region_warnings(text[2:8]) + _org_warnings(text[8:17])
    return UsccResult(
        text,
        not errors,
        tuple(errors),
        tuple(warnings),
        authority=text[0],
        category=text[1],
        region=text[2:8],
        org_code=text[8:17],
    )


def uscc_valid_mask(codes: object) -> tuple[NDArray[np.bool_], NDArray[np.object_]]:
    """Vectorised verdicts: (valid bool array, first error or None per code).

    Same answers as `validate_uscc`; plain 18-character codes are checked with numpy and only
    the rest (odd lengths, missing, lower case, failures) go through the scalar path.
    """
    values = np.asarray(codes, dtype=object).ravel()
    valid = np.zeros(len(values), dtype=bool)
    reason = np.full(len(values), None, dtype=object)
    plain = np.flatnonzero(_plain_mask(values))
    for start in range(0, len(plain), _CHUNK):
        chunk = plain[start : start + _CHUNK]
        valid[chunk[_fast_valid(values[chunk])]] = True
    for i in np.flatnonzero(~valid):
        result = validate_uscc(values[i])
        valid[i] = result.valid
        reason[i] = result.errors[0] if result.errors else None
    return valid, reason


def _require_chars(text: str, length: int, name: str) -> None:
    """ReferenceDataError unless `text` has `length` characters, all from ALPHABET."""
    if len(text) != length or any(c not in _VALUE for c in text):
        raise ReferenceDataError(Text("{name} '{text}' must be {length} characters from "
                                      "{alphabet}", name=name, text=text, length=length,
                                      alphabet=ALPHABET))


def _require_combination(authority: str, category: str) -> None:
    """ReferenceDataError unless GB 32100 lets this authority issue this category."""
    errors = _authority_errors(authority, category)
    if errors:
        raise ReferenceDataError(errors[0])


def _length_errors(text: str) -> list[str]:
    """Complaint about a length other than 18."""
    if len(text) == USCC_LENGTH:
        return []
    if len(text) == 1:
        return [Text("code has 1 character but should have {length}", length=USCC_LENGTH)]
    return [Text("code has {count} characters but should have {length}", count=len(text),
                 length=USCC_LENGTH)]


def _char_errors(text: str) -> list[str]:
    """One sentence naming every position that holds a character outside ALPHABET."""
    bad = [f"{i} ('{c}')" for i, c in enumerate(text, start=1) if c not in _VALUE]
    if not bad:
        return []
    where = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    if len(bad) == 1:
        return [Text("position {where}: character not allowed ({hint})", where=where,
                     hint=_BAD_CHAR_HINT)]
    return [Text("positions {where}: character not allowed ({hint})", where=where,
                 hint=_BAD_CHAR_HINT)]


def _structure_errors(text: str) -> list[str]:
    """Authority/category combination and region form of an 18-character code."""
    errors = _authority_errors(text[0], text[1])
    if not (text[2:8].isascii() and text[2:8].isdigit()):
        errors.append(Text("positions 3-8: region '{region}' should be 6 digits (GB/T 2260)",
                           region=text[2:8]))
    return errors


def _authority_errors(authority: str, category: str) -> list[str]:
    """Position 1 must be a known authority, position 2 one of its categories."""
    if authority not in AUTHORITIES:
        known = ", ".join(AUTHORITIES)
        return [Text("position 1: registration authority '{authority}' is unknown; expected "
                     "one of {known}", authority=authority, known=known)]
    name, categories = AUTHORITIES[authority]
    if category not in categories:
        return [Text("position 2: entity category '{category}' is not defined for registration "
                     "authority '{authority}' ({name}); expected one of {known}",
                     category=category, authority=authority, name=name,
                     known=", ".join(categories))]
    return []


def _check_errors(text: str) -> list[str]:
    """Position 18 must equal the GB 32100 check character."""
    expected = uscc_check_char(text[:17])
    if text[17] == expected:
        return []
    return [Text("position 18: check character is '{found}' but should be '{expected}'",
                 found=text[17], expected=expected)]


def _region_warnings(region: str) -> list[str]:
    """Warn when the region does not start with a GB/T 2260 province code."""
    if region == NATIONAL_REGION or region[:2] in PROVINCE_PREFIXES:
        return []
    return [Text("positions 3-8: region '{region}' does not start with a GB/T 2260 province "
                 "code", region=region)]


def _org_warnings(org_code: str) -> list[str]:
    """Warn when the embedded organisation code fails its GB 11714 check."""
    expected = org_code_check_char(org_code[:8])
    if org_code[8] == expected:
        return []
    return [Text("position 17: organisation code {code}-{check} has check character "
                 "'{check}' but GB 11714 gives '{expected}'", code=org_code[:8],
                 check=org_code[8], expected=expected)]


def _plain_mask(values: NDArray[np.object_]) -> NDArray[np.bool_]:
    """True where the value is a str of exactly 18 characters (fast-path candidates)."""
    return np.fromiter(
        (type(v) is str and len(v) == USCC_LENGTH for v in values), dtype=bool, count=len(values)
    )


def _lookup_tables() -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """ASCII → alphabet value (-1 if absent), and the allowed authority×category grid."""
    lut = np.full(128, -1, dtype=np.int8)
    for c, v in _VALUE.items():
        lut[ord(c)] = v
    grid = np.zeros((31, 31), dtype=bool)
    for authority, (_, categories) in AUTHORITIES.items():
        grid[_VALUE[authority], [_VALUE[c] for c in categories]] = True
    return lut, grid


_LUT, _GRID = _lookup_tables()
_WEIGHT_ARRAY = np.array(_WEIGHTS, dtype=np.int32)


def _fast_valid(codes: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Numpy verdict for 18-character strings: True only where the code is plainly valid."""
    points = codes.astype(f"U{USCC_LENGTH}").view(np.uint32).reshape(-1, USCC_LENGTH)
    values = _LUT[np.minimum(points, 127)]
    in_alphabet = (values >= 0).all(axis=1)
    values = np.maximum(values, 0).astype(np.int32)
    combination = _GRID[values[:, 0], values[:, 1]]
    region = (values[:, 2:8] < 10).all(axis=1)
    check = (31 - (values[:, :17] * _WEIGHT_ARRAY).sum(axis=1) % 31) % 31 == values[:, 17]
    valid: NDArray[np.bool_] = in_alphabet & combination & region & check
    return valid
