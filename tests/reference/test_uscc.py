"""GB 32100-2015 unified social credit codes: validation, check characters, generation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.reference import (
    ReferenceDataError,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_valid_mask,
    validate_uscc,
)
from corptier.reference.uscc import ALPHABET, AUTHORITIES

ICBC = "91100000100003962T"


def with_check(first17: str) -> str:
    """A code whose GB 32100 check character is right, so only other faults show."""
    return first17 + uscc_check_char(first17)


def test_icbc_is_valid_and_parsed():
    result = validate_uscc(ICBC)
    assert result.valid and result.errors == () and result.warnings == ()
    assert (result.authority, result.category, result.region, result.org_code) == (
        "9",
        "1",
        "100000",
        "100003962",
    )


def test_check_char_and_generation_reproduce_icbc():
    assert uscc_check_char(ICBC[:17]) == "T"
    assert org_code_check_char("10000396") == "2"
    assert make_uscc("9", "1", "100000", "10000396") == ICBC


def test_gb11714_check_maps_10_to_x_and_11_to_0():
    assert org_code_check_char("00000005") == "1"  # sum 10 -> 11 - 10 = 1
    assert org_code_check_char("00000030") == "X"  # sum 12 -> 11 - 1 = 10 -> 'X'
    assert org_code_check_char("00000000") == "0"  # sum 0 -> 11 - 0 = 11 -> '0'


def test_wrong_check_character_names_position_and_expected_value():
    result = validate_uscc(ICBC[:17] + "X")
    assert not result.valid
    assert result.errors == ("position 18: check character is 'X' but should be 'T'",)


@pytest.mark.parametrize("code", [None, "", "   ", float("nan"), pd.NA])
def test_missing_code_is_invalid(code):
    result = validate_uscc(code)
    assert not result.valid
    assert result.errors == ("no code given: expected 18 characters",)


def test_wrong_length_is_reported():
    assert validate_uscc(ICBC[:17]).errors == ("code has 17 characters but should have 18",)
    assert validate_uscc(ICBC + "1").errors[0] == "code has 19 characters but should have 18"


def test_letters_never_used_are_named_by_position():
    result = validate_uscc("9110000010000396IO")
    assert not result.valid
    assert result.errors[0].startswith("positions 17 ('I'), 18 ('O'): character not allowed")


def test_spaces_lower_case_and_full_width_are_normalised_with_a_warning():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in ICBC)
    for raw in (" 9110 0000 1000 0396 2t ", "91100000100003962t", full_width):
        result = validate_uscc(raw)
        assert result.valid and result.code == ICBC
        assert result.warnings == (f"input {raw!r} was normalised to '{ICBC}'",)


def test_unknown_authority_is_an_error():
    result = validate_uscc(with_check("B1100000100003962"))
    assert not result.valid
    assert result.errors[0].startswith("position 1: registration authority 'B' is unknown")


def test_category_must_belong_to_the_authority():
    result = validate_uscc(with_check("94100000100003962"))
    assert not result.valid
    assert result.errors == (
        "position 2: entity category '4' is not defined for registration authority '9' (工商); "
        "expected one of 1, 2, 3",
    )


@pytest.mark.parametrize(
    ("authority", "category"),
    [(a, c) for a, (_, categories) in AUTHORITIES.items() for c in categories],
)
def test_every_listed_combination_is_accepted(authority, category):
    assert validate_uscc(make_uscc(authority, category, "110105", "MA01ABCD")).valid


def test_region_must_be_digits():
    result = validate_uscc(with_check("911A0000100003962"))
    assert result.errors == ("positions 3-8: region '1A0000' should be 6 digits (GB/T 2260)",)


def test_implausible_region_is_only_a_warning():
    result = validate_uscc(make_uscc("9", "1", "990000", "10000396"))
    assert result.valid
    assert result.warnings == (
        "positions 3-8: region '990000' does not start with a GB/T 2260 province code",
    )


def test_failed_organisation_code_check_is_only_a_warning():
    result = validate_uscc(with_check("91100000100003963"))
    assert result.valid
    assert result.warnings == (
        "position 17: organisation code 10000396-3 has check character '3' but GB 11714 gives '2'",
    )


def test_make_uscc_refuses_bad_parts():
    with pytest.raises(ReferenceDataError, match="registration authority 'B'"):
        make_uscc("B", "1", "110105", "10000396")
    with pytest.raises(ReferenceDataError, match="entity category '9'"):
        make_uscc("9", "9", "110105", "10000396")
    with pytest.raises(ReferenceDataError, match="region"):
        make_uscc("9", "1", "11010", "10000396")
    with pytest.raises(ReferenceDataError, match="org8"):
        make_uscc("9", "1", "110105", "1000039I")


def test_check_char_refuses_bad_input():
    with pytest.raises(ReferenceDataError):
        uscc_check_char("9110000010000396")
    with pytest.raises(ReferenceDataError):
        uscc_check_char("91100000100003960".replace("0", "O"))


combination = st.sampled_from([(a, c) for a, (_, cs) in AUTHORITIES.items() for c in cs])
generated = st.builds(
    lambda ac, region, org8: make_uscc(ac[0], ac[1], region, org8),
    combination,
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=8, max_size=8),
)


@given(generated)
def test_generated_codes_are_valid(code):
    result = validate_uscc(code)
    assert result.valid and result.errors == ()


def test_every_single_character_substitution_of_icbc_is_detected():
    for i in range(18):
        for c in ALPHABET + "IOSVZ-#":
            if c != ICBC[i]:
                assert not validate_uscc(ICBC[:i] + c + ICBC[i + 1 :]).valid, (i, c)


@given(generated, st.integers(0, 17), st.sampled_from(ALPHABET + "IOSVZ"))
def test_any_single_character_substitution_is_detected(code, position, char):
    corrupted = code[:position] + char + code[position + 1 :]
    assert validate_uscc(corrupted).valid == (corrupted == code)


@given(generated, st.integers(0, 16))
def test_any_adjacent_transposition_is_detected(code, position):
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert validate_uscc(swapped).valid == (swapped == code)


def corruptions(code: str) -> st.SearchStrategy:
    """The code itself and typical damage: a changed char, truncation, case, spaces, junk."""
    return st.one_of(
        st.just(code),
        st.builds(
            lambda i, c: code[:i] + c + code[i + 1 :],
            st.integers(0, 17),
            st.sampled_from(ALPHABET + "IOz "),
        ),
        st.builds(lambda n: code[:n], st.integers(0, 17)),
        st.just(code.lower()),
        st.just(f" {code[:9]} {code[9:]}"),
        st.none(),
        st.just(float("nan")),
        st.text(ALPHABET + "abc IOSVZ-#中９", max_size=20),
    )


@settings(max_examples=60)
@given(st.lists(generated.flatmap(corruptions), max_size=30))
def test_vectorised_mask_equals_scalar_validation(codes):
    valid, reason = uscc_valid_mask(codes)
    expected = [validate_uscc(c) for c in codes]
    assert valid.tolist() == [r.valid for r in expected]
    assert reason.tolist() == [r.errors[0] if r.errors else None for r in expected]


def test_vectorised_mask_accepts_series_and_arrays():
    codes = pd.Series([ICBC, None, ICBC.lower(), ICBC[:17] + "X"], dtype="string")
    valid, reason = uscc_valid_mask(codes)
    assert valid.tolist() == [True, False, True, False]
    assert reason[0] is None and reason[3].startswith("position 18")
    assert uscc_valid_mask(np.array([ICBC] * 3))[0].all()
