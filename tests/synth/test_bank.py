"""Every table of every synthetic period follows the data contract exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from corptier.contract.schema import TABLES
from corptier.reference import is_valid_industry_code, uscc_valid_mask
from corptier.services import load_period
from corptier.synth import SynthSummary
from corptier.workspace import Workspace


def _all(mask) -> bool:
    """True when no value is false (an empty column passes)."""
    return pc.all(mask).as_py() is not False


def _tables(bank: SynthSummary, period: str) -> dict[str, pa.Table]:
    return {name: pq.read_table(bank.out / period / f"{name}.parquet") for name in TABLES}


def _periods(bank: SynthSummary):
    for period in bank.periods:
        yield period, _tables(bank, period)


def test_one_folder_per_period_with_every_table(small_bank: SynthSummary) -> None:
    assert small_bank.periods == ["2025-01", "2025-02", "2025-03"]
    for period in small_bank.periods:
        names = sorted(p.name for p in (small_bank.out / period).iterdir())
        assert names == sorted(f"{t}.parquet" for t in TABLES)


def test_schemas_are_exactly_the_contract(small_bank: SynthSummary) -> None:
    for _, tables in _periods(small_bank):
        for name, table in tables.items():
            assert table.schema.equals(TABLES[name].arrow_schema), name
            assert table.num_rows > 0, name


def test_values_follow_the_column_rules(small_bank: SynthSummary) -> None:
    for _, tables in _periods(small_bank):
        for name, table in tables.items():
            for column in TABLES[name].columns:
                values = table.column(column.name)
                if not column.nullable:
                    assert values.null_count == 0, (name, column.name)
                if column.allowed:
                    assert _all(pc.is_in(values.drop_null(), pa.array(column.allowed)))
                if column.pattern:
                    ok = pc.match_substring_regex(values.drop_null(), column.pattern)
                    assert _all(ok), (name, column.name)
                _check_range(values, column.min, column.max, (name, column.name))


def _check_range(values, low, high, where) -> None:
    if values.null_count == len(values) or (low is None and high is None):
        return
    lo, hi = pc.min_max(values).values()
    if low is not None:
        assert Decimal(str(lo.as_py())) >= Decimal(str(low)), where
    if high is not None:
        assert Decimal(str(hi.as_py())) <= Decimal(str(high)), where


def test_keys_are_unique_and_rows_sorted(small_bank: SynthSummary) -> None:
    for _, tables in _periods(small_bank):
        for name, table in tables.items():
            spec = TABLES[name]
            counts = table.group_by(list(spec.key)).aggregate([([], "count_all")])
            assert counts.num_rows == table.num_rows, name
            if spec.sort_by:
                order = [(c, "ascending") for c in spec.sort_by]
                assert table.sort_by(order).equals(table), name


def test_references_inside_the_period(small_bank: SynthSummary) -> None:
    for _, tables in _periods(small_bank):
        for name, table in tables.items():
            for column in TABLES[name].columns:
                if not column.references:
                    continue
                target, key = column.references
                known = tables[target].column(key)
                assert _all(pc.is_in(table.column(column.name).drop_null(), known)), (
                    name, column.name)
        owner = dict(zip(tables["accounts"].column("account_id").to_pylist(),
                         tables["accounts"].column("customer_id").to_pylist(), strict=True))
        txn = tables["transactions"]
        for account, customer in zip(txn.column("account_id").to_pylist()[:5000],
                                     txn.column("customer_id").to_pylist()[:5000], strict=True):
            assert owner[account] == customer


def test_month_columns_and_dates_are_in_the_period(small_bank: SynthSummary) -> None:
    for period, tables in _periods(small_bank):
        for name, table in tables.items():
            if "month" in table.column_names:
                assert set(table.column("month").to_pylist()) == {period}, name
        first = dt.date.fromisoformat(period + "-01")
        dates = tables["transactions"].column("txn_date")
        lo, hi = pc.min_max(dates).values()
        assert lo.as_py() >= first and hi.as_py() < (first + dt.timedelta(days=32)).replace(day=1)


def test_codes_are_valid(small_bank: SynthSummary) -> None:
    customers = _tables(small_bank, "2025-01")["customers"]
    valid, reasons = uscc_valid_mask(customers.column("uscc").to_pylist())
    assert valid.all(), reasons[~valid][:3]
    industries = set(customers.column("industry_code").to_pylist())
    assert all(is_valid_industry_code(c) for c in industries)
    assert set(r[:4] for r in customers.column("region_code").to_pylist()) == {"5101"}


def test_each_period_loads_without_a_rejected_row(small_bank: SynthSummary,
                                                 workspace: Workspace) -> None:
    report = load_period(workspace, "2025-02", small_bank.out / "2025-02")
    assert report.rejected == 0, {t.table: t.problems for t in report.tables.values()}
    assert report.read == sum(small_bank.rows["2025-02"].values())


@pytest.mark.parametrize("period", ["2025-01", "2025-03"])
def test_summary_counts_the_rows_written(small_bank: SynthSummary, period: str) -> None:
    tables = _tables(small_bank, period)
    assert {n: t.num_rows for n, t in tables.items()} == small_bank.rows[period]


def test_dates_are_consistent(small_bank: SynthSummary) -> None:
    for period, tables in _periods(small_bank):
        customers, accounts = tables["customers"], tables["accounts"]
        assert _all(pc.less_equal(customers["founded_on"], customers["onboarded_on"]))
        closed = accounts.filter(pc.is_valid(accounts["closed_on"]))
        assert _all(pc.less(closed["opened_on"], closed["closed_on"]))
        assert _all(pc.greater_equal(closed["closed_on"], dt.date.fromisoformat(period + "-01")))
        onboarded = dict(zip(customers["customer_id"].to_pylist(),
                             customers["onboarded_on"].to_pylist(), strict=True))
        for customer, opened in zip(accounts["customer_id"].to_pylist(),
                                    accounts["opened_on"].to_pylist(), strict=True):
            assert opened >= onboarded[customer]
        loans = tables["loans"]
        assert _all(pc.less(loans["start_date"], loans["maturity_date"]))
        gone = customers.filter(pc.equal(customers["status"], "closed"))["customer_id"]
        still_open = accounts.filter(pc.and_(pc.is_in(accounts["customer_id"], gone),
                                             pc.is_null(accounts["closed_on"])))
        assert still_open.num_rows == 0


def test_a_tiny_bank_far_back_is_valid(tmp_path, workspace: Workspace) -> None:
    from corptier.synth import synthesize

    summary = synthesize(tmp_path / "tiny", 2, 3, seed=0, start="1999-11")
    assert summary.periods == ["1999-11", "1999-12", "2000-01"]
    report = load_period(workspace, "2000-01", tmp_path / "tiny" / "2000-01")
    assert report.rejected == 0 and report.tables["customers"].accepted >= 1
