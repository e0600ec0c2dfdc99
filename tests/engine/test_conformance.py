"""One definition, two engines: every indicator equal on DuckDB and on PySpark local."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from engine_banks import RANDOM_PERIOD, TINY_PERIODS

from corptier.engine import CUSTOMER_SCHEMA, GROUP_SCHEMA, compute_indicators, read_snapshot


def assert_same(left: pa.Table, right: pa.Table, schema: pa.Schema) -> None:
    assert left.schema == right.schema == schema
    assert left.num_rows == right.num_rows
    for field in schema:
        a, b = left[field.name].to_pylist(), right[field.name].to_pylist()
        if pa.types.is_floating(field.type):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                same = (x is None and y is None) or (
                    x is not None
                    and y is not None
                    and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
                )
                assert same, f"{field.name} row {i}: duckdb {x!r} vs spark {y!r}"
        else:
            diff = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
            assert not diff, f"{field.name}: first differences {diff[:3]}"


@pytest.fixture
def fast_spark(spark):
    """The shared session with whole-stage code generation off: these plans are wide and the
    data tiny, so compiling generated code would cost more than running."""
    key = "spark.sql.codegen.wholeStage"
    before = spark.conf.get(key)
    spark.conf.set(key, "false")
    yield spark
    spark.conf.set(key, before)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize(
    "bank, period", [("random_bank", RANDOM_PERIOD), ("tiny_bank", TINY_PERIODS[-1])]
)
def test_duckdb_and_spark_agree(request, fast_spark, bank: str, period: str) -> None:
    ws = request.getfixturevalue(bank)
    on_duckdb = compute_indicators(ws, period, "duckdb")
    duck = read_snapshot(ws, period), read_snapshot(ws, period, "indicators_group")
    on_spark = compute_indicators(ws, period, "spark", spark_session=fast_spark)
    spark_ = read_snapshot(ws, period), read_snapshot(ws, period, "indicators_group")
    assert (on_duckdb.customers, on_duckdb.groups) == (on_spark.customers, on_spark.groups)
    assert on_duckdb.input_fingerprint == on_spark.input_fingerprint
    assert_same(duck[0], spark_[0], CUSTOMER_SCHEMA)
    assert_same(duck[1], spark_[1], GROUP_SCHEMA)
