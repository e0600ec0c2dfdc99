"""GB/T 4754-2017 industry codes: sections, divisions and malformed input."""

import pytest

from corptier.reference import (
    IndustrySection,
    ReferenceDataError,
    industry_section,
    industry_sections,
    is_valid_industry_code,
    normalise_industry_code,
)

# domain.md: A 01–05 · B 06–12 · C 13–43 · ... · T 97
EXPECTED_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def test_sections_table_matches_the_standard():
    table = {s.letter: (s.first_division, s.last_division) for s in industry_sections()}
    assert table == EXPECTED_RANGES


@pytest.mark.parametrize(("letter", "bounds"), sorted(EXPECTED_RANGES.items()))
def test_first_and_last_division_of_each_section(letter, bounds):
    for division in (f"{bounds[0]:02d}", f"{bounds[1]:02d}"):
        assert industry_section(division).letter == letter
        assert industry_section(letter + division + "11").division == division


def test_every_division_01_to_97_has_exactly_one_section():
    assert [industry_section(f"{d:02d}").division for d in range(1, 98)] == [
        f"{d:02d}" for d in range(1, 98)
    ]


@pytest.mark.parametrize("code", ["26", "261", "2614", "C2614", "c2614", " C 2614 ", "Ｃ２６１４"])
def test_manufacturing_codes_in_every_form(code):
    assert industry_section(code) == IndustrySection("C", "制造业", "Manufacturing", "26")


def test_section_letter_alone_has_no_division():
    assert industry_section("j") == IndustrySection("J", "金融业", "Finance", None)


def test_normalised_form_keeps_letter_and_digits():
    assert normalise_industry_code("0511") == "A0511"
    assert normalise_industry_code(" k7010") == "K7010"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (None, "missing"),
        ("", "empty"),
        ("98", "division 98 is not defined"),
        ("00", "division 00 is not defined"),
        ("A2614", "division 26 is in section C"),
        ("U", "section letter 'U'"),
        ("26145", "malformed"),
        ("5", "lost leading zero"),
        ("C-26", "malformed"),
        (2614, "not text"),
        (26.0, "not text"),
    ],
)
def test_bad_codes_raise_a_clear_error(code, message):
    with pytest.raises(ReferenceDataError, match=message):
        industry_section(code)
    assert not is_valid_industry_code(code)


def test_reference_error_is_a_value_error():
    with pytest.raises(ValueError):
        industry_section("XX")


def test_valid_codes_are_reported_valid():
    assert all(is_valid_industry_code(c) for c in ("01", "0511", "C", "T97", "9700"))
