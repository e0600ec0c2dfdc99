"""Industry codes of GB/T 4754-2017 (国民经济行业分类): sections and divisions."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from corptier.reference._resources import read_data_text
from corptier.reference.errors import ReferenceDataError

SECTIONS_FILE = "gbt4754_2017_sections.csv"
_CODE = re.compile(r"([A-Z]?)([0-9]*)")


@dataclass(frozen=True)
class SectionRange:
    """One section (门类) of GB/T 4754-2017 with its inclusive division range."""

    letter: str
    first_division: int
    last_division: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class IndustrySection:
    """The section an industry code belongs to; `division` is None for a bare section letter."""

    letter: str
    name_zh: str
    name_en: str
    division: str | None


@lru_cache(maxsize=1)
def industry_sections() -> tuple[SectionRange, ...]:
    """The 20 sections A–T of GB/T 4754-2017, from the packaged CSV."""
    rows = csv.DictReader(io.StringIO(read_data_text(SECTIONS_FILE)))
    return tuple(
        SectionRange(
            r["letter"],
            int(r["first_division"]),
            int(r["last_division"]),
            r["name_zh"],
            r["name_en"],
        )
        for r in rows
    )


def section_by_letter(letter: str) -> SectionRange:
    """The section with this letter; ReferenceDataError if there is none."""
    for section in industry_sections():
        if section.letter == letter:
            return section
    raise ReferenceDataError(f"section letter '{letter}' is not in GB/T 4754-2017 (A–T)")


def section_of_division(division: int) -> SectionRange:
    """The section holding a two-digit division; ReferenceDataError if none does."""
    for section in industry_sections():
        if section.first_division <= division <= section.last_division:
            return section
    raise ReferenceDataError(
        f"division {division:02d} is not defined in GB/T 4754-2017 (divisions run 01–97)"
    )


def normalise_industry_code(code: object) -> str:
    """Canonical form of a code: optional section letter plus 2–4 digits, e.g. 'C2614', 'C'.

    A division that contradicts the given letter, an unknown division, or a form other than
    letter / 2–4 digits / letter + 2–4 digits raises ReferenceDataError.
    """
    text = _clean(code)
    letter, digits = _split(text)
    if not digits:
        return section_by_letter(letter).letter
    section = _section_for(text, digits)
    if letter and letter != section.letter:
        raise ReferenceDataError(
            f"industry code '{text}': division {digits[:2]} is in section {section.letter} "
            f"({section.name_zh}), not {letter}"
        )
    return section.letter + digits


def industry_section(code: object) -> IndustrySection:
    """Section (and division) of a GB/T 4754-2017 code such as '26', '261', '2614', 'C2614', 'C'."""
    canonical = normalise_industry_code(code)
    section = section_by_letter(canonical[0])
    division = canonical[1:3] or None
    return IndustrySection(section.letter, section.name_zh, section.name_en, division)


def is_valid_industry_code(code: object) -> bool:
    """True when `industry_section` accepts the code."""
    try:
        normalise_industry_code(code)
    except ReferenceDataError:
        return False
    return True


def _clean(code: object) -> str:
    """NFKC-normalised, space-free, upper-cased text; numbers are refused (they lose zeros)."""
    if code is None:
        raise ReferenceDataError("industry code is missing: expected a code such as 'C2614'")
    if not isinstance(code, str):
        raise ReferenceDataError(
            f"industry code {code!r} is of type {type(code).__name__}, not text: numbers lose "
            "leading zeros (0511 becomes 511); give the code as text such as '0511'"
        )
    text = "".join(unicodedata.normalize("NFKC", code).split()).upper()
    if not text:
        raise ReferenceDataError("industry code is empty: expected a code such as 'C2614'")
    return text


def _split(text: str) -> tuple[str, str]:
    """Letter and digits of a code, or ReferenceDataError naming the expected form."""
    match = _CODE.fullmatch(text)
    if match is None or len(match[2]) not in (0, 2, 3, 4):
        hint = " (a lost leading zero?)" if match is not None and len(match[2]) == 1 else ""
        raise ReferenceDataError(
            f"industry code '{text}' is malformed{hint}: expected an optional section letter A–T "
            "followed by a 2-digit division, 3-digit group or 4-digit class (e.g. 'C2614')"
        )
    return match[1], match[2]


def _section_for(text: str, digits: str) -> SectionRange:
    """Section of the division in `digits`, naming the whole code on failure."""
    try:
        return section_of_division(int(digits[:2]))
    except ReferenceDataError as exc:
        raise ReferenceDataError(f"industry code '{text}': {exc}") from None
