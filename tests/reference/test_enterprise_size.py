"""Enterprise size under NBS 2017: bounds, the micro rule, gaps, and the vectorised path."""

import csv
import io
import math
from datetime import date
from decimal import Decimal
from importlib.resources import files

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.reference import (
    SIZE_CATEGORIES,
    ReferenceDataError,
    classify_enterprise_size,
    classify_enterprise_size_frame,
    enterprise_size,
    size_standard,
    size_standard_on,
    size_table,
)

ARGUMENT = {"employees": "employees", "revenue": "revenue_wan", "assets": "assets_wan"}
LOWER = {"large": "medium", "medium": "small", "small": "micro"}
# Hand-picked GB/T 4754-2017 classes for every industry of the table (not derived from the code).
EXAMPLES = {
    "agriculture": ["A0111", "0511"],
    "industry": ["C2614", "B0610", "D4411", "C"],
    "construction": ["E4710", "E5011"],
    "wholesale": ["F5111"],
    "retail": ["F5211"],
    "transport": ["G5411", "G5810", "G5910", "591"],
    "warehousing": ["G5920", "G5990"],
    "postal": ["G6010", "G6020"],
    "accommodation": ["H6110"],
    "catering": ["H6210"],
    "info_transmission": ["I6311", "I6410"],
    "software_it": ["I6511", "65"],
    "real_estate_dev": ["K7010", "701"],
    "property_mgmt": ["K7020"],
    "leasing_business": ["L7111", "L7211"],
    "other_unlisted": ["M7310", "N7610", "O8010", "Q8511", "R8610", "K7030", "K7090"],
}
OUTSIDE = ["J6611", "P8310", "Q8411", "S9210", "T9700", "G5311", "K7040", "53"]
TOO_COARSE = ["70", "G", "59", "I", "K", "Q"]


def official_table() -> dict[str, dict[str, dict[str, float]]]:
    """key -> indicator -> {large, medium, small} read straight from the packaged CSV."""
    text = (files("corptier.reference") / "data" / "sme_size_nbs2017.csv").read_text("utf-8")
    table: dict[str, dict[str, dict[str, float]]] = {}
    for r in csv.DictReader(io.StringIO(text)):
        bounds = {s: float(r[f"{s}_min"]) for s in ("large", "medium", "small")}
        table.setdefault(r["industry_key"], {})[r["indicator"]] = bounds
    return table


TABLE = official_table()


def classify(code: str, **indicators: float | None):
    """classify_enterprise_size with indicators named as in the table."""
    return classify_enterprise_size(code, **{ARGUMENT[k]: v for k, v in indicators.items()})


def test_every_industry_of_the_table_has_examples():
    assert set(EXAMPLES) == set(TABLE) == {r.industry_key for r in size_table().rows}


@pytest.mark.parametrize(("key", "code"), [(k, c) for k, codes in EXAMPLES.items() for c in codes])
def test_example_codes_land_in_their_row(key, code):
    values = {i: b["small"] for i, b in TABLE[key].items()}
    assert classify(code, **values).industry_key == key


@pytest.mark.parametrize(
    ("key", "size"), [(k, s) for k in TABLE for s in ("large", "medium", "small")]
)
def test_values_exactly_at_the_bounds_reach_the_class(key, size):
    values = {i: b[size] for i, b in TABLE[key].items()}
    result = classify(EXAMPLES[key][0], **values)
    assert (result.size, result.industry_key) == (size, key)


@pytest.mark.parametrize(
    ("key", "size", "indicator"),
    [(k, s, i) for k in TABLE for s in ("large", "medium", "small") for i in TABLE[k]],
)
def test_one_unit_below_a_bound_drops_one_class(key, size, indicator):
    values = {i: b[size] for i, b in TABLE[key].items()}
    values[indicator] -= 1
    lower = LOWER[size]
    if lower != "micro":  # still meets the next class on this indicator
        assert values[indicator] >= TABLE[key][indicator][lower]
    assert classify(EXAMPLES[key][0], **values).size == lower


def test_micro_needs_only_one_indicator_below_small():
    assert classify("C2614", employees=5000, revenue=299).size == "micro"
    assert classify("C2614", employees=19, revenue=10**6).size == "micro"
    assert classify("C2614", employees=0, revenue=0).size == "micro"


def test_mixed_indicators_take_the_lower_class():
    assert classify("C2614", employees=1000, revenue=2000).size == "medium"
    assert classify("F5111", employees=5, revenue=40000).size == "small"


def test_reason_quotes_the_deciding_bounds():
    reason = classify("C2614", employees=350, revenue=2500).reason
    assert reason == (
        "industry (工业, B(06-12)+C(13-43)+D(44-46)): meets all medium lower bounds "
        "(employees ≥ 300 人, revenue ≥ 2000 万元) but not all large bounds "
        "(employees ≥ 1000 人, revenue ≥ 40000 万元)"
    )


@pytest.mark.parametrize(("key", "indicator"), [(k, i) for k in TABLE for i in TABLE[k]])
@pytest.mark.parametrize("gap", [None, math.nan])
def test_a_missing_needed_indicator_leaves_the_firm_unclassified(key, indicator, gap):
    values = {i: b["large"] for i, b in TABLE[key].items()}
    values[indicator] = gap
    result = classify(EXAMPLES[key][0], **values)
    assert result.size == "unclassified"
    assert f": {indicator} missing" in result.reason


def test_all_missing_indicators_are_named():
    result = classify_enterprise_size("C2614")
    assert result.size == "unclassified"
    assert "employees, revenue missing" in result.reason


def test_indicators_the_industry_does_not_use_may_be_missing():
    assert classify("C2614", employees=20, revenue=300, assets=None).size == "small"
    assert classify("A0111", revenue=50).size == "small"


def test_negative_indicator_is_unclassified():
    result = classify("C2614", employees=-1, revenue=300)
    assert result.size == "unclassified" and "employees negative" in result.reason


def test_decimal_money_is_compared_exactly():
    assert classify("C2614", employees=20, revenue=Decimal("300.00")).size == "small"
    assert classify("C2614", employees=20, revenue=Decimal("299.99")).size == "micro"


@pytest.mark.parametrize("code", OUTSIDE)
def test_industries_outside_the_table_are_never_guessed(code):
    result = classify(code, employees=10**6, revenue=10**7, assets=10**7)
    assert (result.size, result.industry_key) == ("unclassified", None)
    assert "is outside the NBS2017 size table" in result.reason


@pytest.mark.parametrize("code", TOO_COARSE)
def test_codes_that_span_several_rows_are_too_coarse(code):
    result = classify(code, employees=10**6, revenue=10**7, assets=10**7)
    assert result.size == "unclassified" and "too coarse" in result.reason


@pytest.mark.parametrize(("code", "words"), [("ZZ", "malformed"), (None, "missing"), (26, "text")])
def test_unusable_industry_codes_are_unclassified(code, words):
    result = classify_enterprise_size(code, 10, 10, 10)
    assert result.size == "unclassified" and words in result.reason


def test_table_is_versioned_and_parsed():
    table = size_table("NBS2017")
    assert table.standard.effective_from == date(2017, 12, 28)
    assert table.standard.effective_to is None
    assert sum(len(r.bounds) for r in table.rows) == sum(len(v) for v in TABLE.values())
    assert size_standard_on(date(2024, 6, 30)) == "NBS2017"


def test_unknown_standard_and_dates_before_any_standard_are_errors():
    with pytest.raises(ReferenceDataError, match="'MIIT2099' is not in size_standards"):
        size_table("MIIT2099")
    with pytest.raises(ReferenceDataError, match="in force on 2010-01-01"):
        size_standard_on(date(2010, 1, 1))


CODES = [c for codes in EXAMPLES.values() for c in codes] + OUTSIDE + TOO_COARSE + ["ZZ", None]
BOUND_VALUES = sorted(
    {v + d for t in TABLE.values() for b in t.values() for v in b.values() for d in (-1, 0)}
)
value = st.one_of(st.none(), st.just(math.nan), st.just(-5.0), st.sampled_from(BOUND_VALUES))
rows = st.tuples(st.sampled_from(CODES), value, value, value)


@settings(max_examples=30, deadline=None)
@given(st.lists(rows, max_size=40))
def test_frame_equals_scalar(records):
    df = pd.DataFrame(records, columns=["industry_code", "employees", "revenue_wan", "assets_wan"])
    df.index = df.index * 3 + 7
    out = classify_enterprise_size_frame(df)
    assert list(out.columns) == ["size", "reason", "industry_key"]
    assert out.index.equals(df.index)
    got = [(s, r, None if pd.isna(k) else k) for s, r, k in out.itertuples(index=False)]
    want = [classify_enterprise_size(*record) for record in records]
    assert got == [(w.size, w.reason, w.industry_key) for w in want]


def test_frame_accepts_nullable_and_object_columns():
    df = pd.DataFrame(
        {
            "industry_code": pd.Series(["C2614", None, "K7010"], dtype="string"),
            "employees": pd.Series([300, pd.NA, None], dtype="Int64"),
            "revenue_wan": pd.Series(
                [Decimal("2000"), Decimal("1"), Decimal("1000")], dtype=object
            ),
            "assets_wan": [None, None, 5000.0],
        }
    )
    out = classify_enterprise_size_frame(df)
    assert out["size"].tolist() == ["medium", "unclassified", "medium"]


def test_frame_needs_its_columns():
    with pytest.raises(ReferenceDataError, match="assets_wan"):
        classify_enterprise_size_frame(
            pd.DataFrame(columns=["industry_code", "employees", "revenue_wan"])
        )


def test_frame_columns_are_categorical_with_a_fixed_size_order():
    df = pd.DataFrame(
        {"industry_code": ["C2614"], "employees": [20], "revenue_wan": [300], "assets_wan": [0]}
    )
    out = classify_enterprise_size_frame(df)
    assert list(out["size"].cat.categories) == list(SIZE_CATEGORIES)
    assert out["size"].tolist() == ["small"]


REGISTRY = """standard_id,file,effective_from,effective_to,source
NBS2017,sme_size_nbs2017.csv,2017-12-28,2029-12-31,test
TEST2030,test2030.csv,2030-01-01,,a made-up revision
"""
HEADER = (
    "industry_key,industry_name_zh,gbt4754_2017_scope,indicator,unit,large_min,medium_min,small_min"
)


@pytest.fixture
def data_files(monkeypatch):
    """Serve extra packaged data files from a dict, with fresh caches before and after."""
    real = size_standard.read_data_text
    extra: dict[str, str] = {"size_standards.csv": REGISTRY}
    monkeypatch.setattr(size_standard, "read_data_text", lambda n: extra.get(n) or real(n))
    clear = [size_standard.size_standards, size_standard.size_table, enterprise_size._resolve]
    for f in clear:
        f.cache_clear()
    yield extra
    for f in clear:
        f.cache_clear()


def test_a_revision_is_added_as_data(data_files):
    data_files["test2030.csv"] = f"{HEADER}\nsoft,软件,I65,employees,人,500,50,5\n"
    assert size_standard_on(date(2029, 12, 31)) == "NBS2017"
    assert size_standard_on(date(2030, 1, 1)) == "TEST2030"
    result = classify_enterprise_size("I6511", employees=50, standard="TEST2030")
    assert (result.size, result.standard, result.industry_key) == ("medium", "TEST2030", "soft")
    assert classify_enterprise_size("C2614", 1, 1, standard="TEST2030").size == "unclassified"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x,X,I65,employees,人,5,50,500", "line 2: bounds must satisfy"),
        ("x,X,I65,staff,人,500,50,5", "line 2: indicator 'staff'"),
        ("x,X,I65,employees,人,500,fifty,5", "line 2: large_min, medium_min, small_min"),
        (
            "x,X,A65,employees,人,500,50,5",
            "scope of .x., term .A65.: industry code .A65.: division 65 is in section I",
        ),
        ("x,X,I(65),employees,人,500,50,5", "range ends"),
        ("x,X,I65-7,employees,人,500,50,5", "range ends"),
        ("x,X,I65?,employees,人,500,50,5", "cannot read scope term"),
        ("x,X,I65,employees,人,500,50,5\ny,Y,I6511,revenue,万元,5,4,3", "overlap at class 6511"),
    ],
)
def test_a_malformed_table_is_refused_with_file_and_line(data_files, line, message):
    data_files["test2030.csv"] = f"{HEADER}\n{line}\n"
    with pytest.raises(ReferenceDataError, match=message):
        size_table("TEST2030")
