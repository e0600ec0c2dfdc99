"""The progress protocol: stages and steps reach the installed reporter in order, with time and
rows; without a reporter nothing is recorded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.services import close_period
from corptier.services.progress import StepLog, reporting, stage, step
from corptier.workspace import Workspace


@stage("count {n}", rows=lambda result: result)
def _count(n: int, *, fail: bool = False) -> int:
    step("first", rows=n)
    step("second {n}", n=n)
    if fail:
        raise ValueError("boom")
    return n


@stage("outer")
def _outer() -> None:
    step("prepare")
    _count(3)
    step("finish")


def test_steps_end_in_order_and_the_stage_last() -> None:
    with reporting(StepLog()) as log:
        assert _count(7) == 7
    assert [(e.kind, e.label) for e in log.events] == [
        ("step", "count 7 · first"), ("step", "count 7 · second 7"), ("stage", "count 7")]
    first, _second, whole = log.events
    assert first.rows == 7 and whole.rows == 7
    assert all(e.seconds is not None and e.seconds >= 0 for e in log.events)
    assert whole.seconds >= first.seconds


def test_a_nested_stage_ends_the_outer_step_and_sits_below_it() -> None:
    with reporting(StepLog()) as log:
        _outer()
    assert [(e.depth, e.label) for e in log.events] == [
        (1, "outer · prepare"),
        (2, "outer · count 3 · first"),
        (2, "outer · count 3 · second 3"),
        (1, "outer · count 3"),
        (1, "outer · finish"),
        (0, "outer"),
    ]


def test_a_failing_stage_is_reported_failed_and_the_error_passes() -> None:
    with reporting(StepLog()) as log, pytest.raises(ValueError):
        _count(2, fail=True)
    assert [(e.label, e.failed) for e in log.events] == [
        ("count 2 · first", False), ("count 2 · second 2", True), ("count 2", True)]


def test_a_reporter_hears_nothing_once_its_block_has_ended() -> None:
    with reporting(StepLog()) as log:
        _count(1)
    heard = len(log.events)
    assert _count(4) == 4
    step("alone")
    assert heard == 3 and len(log.events) == heard


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=8))
def test_rows_per_second_is_rows_over_seconds(rows: list[int]) -> None:
    @stage("run")
    def run() -> None:
        for i, n in enumerate(rows):
            step("s{i}", rows=n, i=i)

    with reporting(StepLog()) as log:
        run()
    steps = [e for e in log.events if e.kind == "step"]
    assert [e.rows for e in steps] == rows
    for e in steps:
        expected = None if not e.seconds else e.rows / e.seconds
        assert e.rows_per_second == expected


def test_a_close_reports_its_steps_in_order(loaded: Workspace) -> None:
    with reporting(StepLog()) as log:
        result = close_period(loaded, "2026-07")
    assert [e.label for e in log.events] == [
        "close 2026-07 · indicators", "close 2026-07 · tiering",
        "close 2026-07 · publish", "close 2026-07"]
    assert log.events[-1].rows == result.customers == log.events[1].rows
