"""The export shape of a profile and the profile's mapping are inverse: any amount or rate written
in 元/万元/亿元 or percent, with any separators, reads back to the same contract value."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.contract.mapping import _number_sql as read_number
from corptier.contract.profile import Formats
from corptier.contract.schema import TABLES
from corptier.errors import ParameterError
from corptier.synth.export_shape import _number_sql as write_number
from corptier.synth.export_shape import file_name

SEPARATORS = [(",", "."), ("", "."), (".", ","), (" ", ","), ("'", ".")]
AMOUNT = TABLES["loans"].column("balance")
RATE = TABLES["loans"].column("client_rate")


def _round_trip(value: Decimal, column, dtype: str, factor: str, seps: tuple[str, str]) -> str:
    thousands, decimal = seps
    fmt = Formats(thousands=thousands, decimal=decimal)  # type: ignore[arg-type]
    written = duckdb.sql(
        f"SELECT {write_number('v', column, factor, fmt)} AS w "
        f"FROM (SELECT CAST('{value}' AS {dtype}) AS v)").fetchall()[0][0]
    read = duckdb.sql(
        f"SELECT CAST(CAST({read_number('w', thousands, decimal, factor)} AS DECIMAL(38,10)) "
        f"AS VARCHAR) FROM (SELECT CAST(? AS VARCHAR) AS w)", params=[written]).fetchall()[0][0]
    return str(read)


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"),
                   places=2),
       st.sampled_from(["1", "10000", "100000000"]), st.sampled_from(SEPARATORS))
def test_amounts_survive_any_unit_and_separators(value, factor, seps):
    assert Decimal(_round_trip(value, AMOUNT, "DECIMAL(18,2)", factor, seps)) == value


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("0.36"), places=6),
       st.sampled_from(["1", "0.01"]), st.sampled_from(SEPARATORS))
def test_rates_survive_percent_and_separators(value, factor, seps):
    assert Decimal(_round_trip(value, RATE, "DECIMAL(10,6)", factor, seps)) == value


def test_grouping_is_written_as_the_profile_says():
    fmt = Formats(thousands=",", decimal=".")
    written = duckdb.sql(f"SELECT {write_number('v', AMOUNT, '10000', fmt)} "
                         "FROM (SELECT CAST('-12345678901.23' AS DECIMAL(18,2)) AS v)").fetchall()
    assert written[0][0] == "-1,234,567.890123"


def test_file_names_carry_the_month_end_and_refuse_other_globs():
    from corptier.contract.profile import load_profile, parse_profile

    profile = load_profile("cn_core_banking")
    assert file_name(profile, "customers", "2026-02") == "对公客户信息_20260228.csv"
    assert file_name(profile, "customers", "2024-02") == "对公客户信息_20240229.csv"
    odd = parse_profile("name: x\ntables:\n  loans: {file: 'loans_?.xlsx'}\n")
    with pytest.raises(ParameterError, match=r"tables\.loans\.file 'loans_\?\.xlsx'"):
        file_name(odd, "loans", "2026-09")
