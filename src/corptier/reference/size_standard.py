"""Versioned enterprise-size standards: the registry, the tables and their GB/T 4754 scopes.

Each standard is a packaged CSV listed in `size_standards.csv` (id, file, effective dates,
source), so a revision is added as data. A table row's scope expression such as
`B(06-12)+C(13-43)`, `G54-58+591`, `G59(除591)` or `K7090(不含K7040)` is parsed into the set of
4-digit GB/T 4754 classes it covers; overlapping scopes are refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray

from corptier.reference._resources import read_data_text
from corptier.reference.errors import ReferenceDataError
from corptier.reference.industry import normalise_industry_code, section_by_letter

REGISTRY_FILE = "size_standards.csv"
DEFAULT_STANDARD = "NBS2017"
SIZES = ("large", "medium", "small", "micro")
UNCLASSIFIED = "unclassified"
SIZE_CATEGORIES = (*SIZES, UNCLASSIFIED)
# indicator name in the tables -> argument / frame column holding it (units: 人, 万元)
INDICATOR_COLUMNS = {"employees": "employees", "revenue": "revenue_wan", "assets": "assets_wan"}
_CLASSES = 10_000  # every 4-digit GB/T 4754 class code 0000-9999
_TERM = re.compile(r"([A-Z]?)([0-9]*)(?:-([0-9]+))?(?:\((.+)\))?")
_EXCLUSION_WORDS = ("除", "不含")


@dataclass(frozen=True)
class SizeStandard:
    """One entry of the registry: which file holds a standard and when it is in force."""

    standard_id: str
    file: str
    effective_from: date
    effective_to: date | None  # last day in force; None while current
    source: str


@dataclass(frozen=True)
class SizeBound:
    """Lower bounds of one indicator for large, medium and small firms."""

    indicator: str
    unit: str
    large_min: float
    medium_min: float
    small_min: float

    def minimum(self, size: str) -> float:
        """Lower bound for 'large', 'medium' or 'small'."""
        bound: float = getattr(self, f"{size}_min")
        return bound

    def describe(self, size: str) -> str:
        """Bound as text, e.g. 'employees ≥ 300 人'."""
        return f"{self.indicator} ≥ {self.minimum(size):g} {self.unit}"


@dataclass(frozen=True)
class SizeRow:
    """One industry of a size table with its GB/T 4754 scope and bounds."""

    industry_key: str
    name_zh: str
    scope: str
    bounds: tuple[SizeBound, ...]


@dataclass(frozen=True)
class SizeTable:
    """A parsed size standard; `class_row` maps each 4-digit class to a row index or -1."""

    standard: SizeStandard
    rows: tuple[SizeRow, ...]
    class_row: NDArray[np.int64] = field(repr=False, compare=False)

    def owners(self, canonical: str) -> NDArray[np.int64]:
        """Distinct row indices (-1: no row) of the classes under a canonical code like 'C26'."""
        lo, hi = class_range(canonical)
        return np.unique(self.class_row[lo : hi + 1])


@lru_cache(maxsize=1)
def size_standards() -> dict[str, SizeStandard]:
    """The registry of size standards, by id."""
    rows = csv.DictReader(io.StringIO(read_data_text(REGISTRY_FILE)))
    return {r["standard_id"]: _registry_entry(r) for r in rows}


def size_standard_on(day: date) -> str:
    """Id of the standard in force on `day` (the latest one if several are)."""
    current = [s for s in size_standards().values() if _in_force(s, day)]
    if not current:
        raise ReferenceDataError(
            f"no enterprise-size standard in {REGISTRY_FILE} is in force on {day.isoformat()}"
        )
    return max(current, key=lambda s: s.effective_from).standard_id


@cache
def size_table(standard: str = DEFAULT_STANDARD) -> SizeTable:
    """The parsed table of a standard, read once from its packaged CSV."""
    entry = size_standards().get(standard)
    if entry is None:
        known = ", ".join(size_standards())
        raise ReferenceDataError(
            f"enterprise-size standard '{standard}' is not in {REGISTRY_FILE}; known: {known}"
        )
    rows = _read_rows(entry.file)
    return SizeTable(entry, rows, _class_map(rows, entry.file))


# --- reading and checking a table --------------------------------------------------------------


def _registry_entry(record: dict[str, str]) -> SizeStandard:
    """A registry line as a SizeStandard."""
    end = record["effective_to"]
    return SizeStandard(
        record["standard_id"],
        record["file"],
        date.fromisoformat(record["effective_from"]),
        date.fromisoformat(end) if end else None,
        record["source"],
    )


def _in_force(entry: SizeStandard, day: date) -> bool:
    """True when `day` lies within the entry's effective dates."""
    return entry.effective_from <= day and (entry.effective_to is None or day <= entry.effective_to)


def _read_rows(file: str) -> tuple[SizeRow, ...]:
    """Table lines grouped into one SizeRow per industry key, in file order."""
    heads: dict[str, tuple[str, str]] = {}
    bounds: dict[str, list[SizeBound]] = {}
    for line, record in enumerate(csv.DictReader(io.StringIO(read_data_text(file))), start=2):
        where = f"{file} line {line}"
        key = record["industry_key"]
        head = (record["industry_name_zh"], record["gbt4754_2017_scope"])
        if heads.setdefault(key, head) != head:
            raise ReferenceDataError(f"{where}: '{key}' has another name or scope than before")
        bound = _parse_bound(record, where)
        if any(b.indicator == bound.indicator for b in bounds.get(key, [])):
            raise ReferenceDataError(f"{where}: '{key}' lists {bound.indicator} twice")
        bounds.setdefault(key, []).append(bound)
    return tuple(SizeRow(key, *heads[key], tuple(b)) for key, b in bounds.items())


def _parse_bound(record: dict[str, str], where: str) -> SizeBound:
    """One table line as a SizeBound, checking the indicator and the order of the bounds."""
    indicator = record["indicator"]
    if indicator not in INDICATOR_COLUMNS:
        raise ReferenceDataError(
            f"{where}: indicator '{indicator}' is not one of {', '.join(INDICATOR_COLUMNS)}"
        )
    try:
        large, medium, small = (float(record[f"{s}_min"]) for s in SIZES[:3])
    except ValueError:
        msg = f"{where}: large_min, medium_min, small_min must be numbers"
        raise ReferenceDataError(msg) from None
    if not large >= medium >= small >= 0:
        raise ReferenceDataError(f"{where}: bounds must satisfy large ≥ medium ≥ small ≥ 0")
    return SizeBound(indicator, record["unit"], large, medium, small)


def _class_map(rows: tuple[SizeRow, ...], file: str) -> NDArray[np.int64]:
    """Row index owning each 4-digit class (-1 if none); overlapping scopes are an error."""
    owner = np.full(_CLASSES, -1, dtype=np.int64)
    for index, row in enumerate(rows):
        covered = _covered(row.scope, f"{file}, scope of '{row.industry_key}'")
        clash = np.flatnonzero(covered & (owner >= 0))
        if clash.size:
            other = rows[owner[clash[0]]].industry_key
            raise ReferenceDataError(
                f"{file}: scopes of '{other}' and '{row.industry_key}' overlap at "
                f"class {clash[0]:04d}"
            )
        owner[covered] = index
    return owner


def _covered(scope: str, where: str) -> NDArray[np.bool_]:
    """Boolean mask of the classes a scope expression covers."""
    include, exclude = _scope_ranges(scope, where)
    mask = np.zeros(_CLASSES, dtype=bool)
    for lo, hi in include:
        mask[lo : hi + 1] = True
    for lo, hi in exclude:
        mask[lo : hi + 1] = False
    return mask


def _scope_ranges(scope: str, where: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Included and excluded class ranges of terms like 'B(06-12)', 'G54-58', 'G59(除591)'."""
    include: list[tuple[int, int]] = []
    exclude: list[tuple[int, int]] = []
    for term in scope.split("+"):
        match = _TERM.fullmatch(term.strip())
        if match is None or not (match[1] or match[2]):
            raise ReferenceDataError(f"{where}: cannot read scope term '{term}'")
        letter, first, last, note = match.groups()
        excluded = _exclusion(note)
        if note and excluded is None:
            if first:
                raise ReferenceDataError(f"{where}: term '{term}' has two division ranges")
            first, _, last = note.partition("-")
        include.append(_span(letter, first, last, f"{where}, term '{term}'"))
        exclude += [_code_range(code, where) for code in excluded or ()]
    return include, exclude


def _exclusion(note: str | None) -> list[str] | None:
    """Codes listed in a '(除591)' or '(不含K7040)' note; None if the note is no exclusion."""
    for word in _EXCLUSION_WORDS:
        if note and note.startswith(word):
            return re.split(r"[、,，]", note.removeprefix(word))
    return None


def _span(letter: str, first: str, last: str | None, where: str) -> tuple[int, int]:
    """Class range of a section letter, a code, or a code range 'first-last'."""
    if not first:
        return _code_range(letter, where)
    if last is not None and len(last) != len(first):
        raise ReferenceDataError(f"{where}: range ends '{first}' and '{last}' differ in length")
    lo, _ = _code_range(letter + first, where)
    _, hi = _code_range(letter + (last or first), where)
    return lo, hi


def _code_range(code: str, where: str) -> tuple[int, int]:
    """Class range of one code of the table, naming the table line when it is invalid."""
    try:
        return class_range(normalise_industry_code(code))
    except ReferenceDataError as exc:
        raise ReferenceDataError(f"{where}: {exc}") from None


def class_range(canonical: str) -> tuple[int, int]:
    """Inclusive range of 4-digit classes under a canonical code ('C', 'C26', 'C2614').

    GB/T 4754 writes an undivided level with a trailing 0 (group 701 has the single class
    7010), so trailing zeros beyond the division are dropped: 'K7010' covers 7010-7019.
    """
    letter, digits = canonical[0], canonical[1:]
    if not digits:
        section = section_by_letter(letter)
        return section.first_division * 100, section.last_division * 100 + 99
    while len(digits) > 2 and digits.endswith("0"):
        digits = digits[:-1]
    scale = 10 ** (4 - len(digits))
    return int(digits) * scale, (int(digits) + 1) * scale - 1
