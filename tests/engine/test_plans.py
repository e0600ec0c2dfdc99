"""Stored snapshot plans: one compiled SQL for every period, re-used until code, configuration
or input schemas change, and never trusted when damaged."""

from __future__ import annotations

import pytest

import corptier.engine.snapshot as snapshot
from corptier.config import Assumptions
from corptier.engine import compute_indicators, connect, customer_snapshot_expr
from corptier.engine.plans import load_plan, plan_key, save_plan, workspace_secret
from corptier.workspace import Workspace


@pytest.fixture(autouse=True)
def _compile_in_this_test() -> None:
    """These tests are about compiling and storing plans: none comes from an earlier test."""
    snapshot.COMPILED.clear()


def _plans(ws: Workspace) -> list:
    return sorted((ws.temp_dir / "plans").glob("*.sql"))


def test_the_compiled_sql_holds_no_period(tiny_bank) -> None:
    sqls = []
    for period in ("2026-08", "2026-09"):
        con = connect(tiny_bank)
        try:
            sqls.append(con.compile(customer_snapshot_expr(con, period, Assumptions())))
        finally:
            con.close()
    assert sqls[0] == sqls[1]
    assert "2026-0" not in sqls[0]


def test_second_run_uses_the_stored_plan_and_writes_the_same_bytes(tiny_bank, monkeypatch) -> None:
    first = compute_indicators(tiny_bank, "2026-09")
    assert not first.plan_cached and len(_plans(tiny_bank)) == 1
    written = first.customer_path.read_bytes(), first.group_path.read_bytes()

    def must_not_build(*args, **kwargs):
        raise AssertionError("the expression was built although a plan is stored")

    monkeypatch.setattr(snapshot, "customer_snapshot_expr", must_not_build)
    second = compute_indicators(tiny_bank, "2026-09")
    assert second.plan_cached
    assert (second.customer_path.read_bytes(), second.group_path.read_bytes()) == written
    other = compute_indicators(tiny_bank, "2026-08")  # another period, the same plan
    assert other.plan_cached and len(_plans(tiny_bank)) == 1


def test_plan_matches_an_uncached_run_on_another_period(random_bank) -> None:
    compute_indicators(random_bank, "2026-08")  # compiles and stores the plan
    cached = compute_indicators(random_bank, "2026-09")
    assert cached.plan_cached
    expected = cached.customer_path.read_bytes()
    for plan in _plans(random_bank):
        plan.unlink()
    snapshot.COMPILED.clear()
    fresh = compute_indicators(random_bank, "2026-09")
    assert not fresh.plan_cached
    assert fresh.customer_path.read_bytes() == expected


def test_changed_assumptions_compile_a_new_plan(tiny_bank) -> None:
    con = connect(tiny_bank)
    try:
        base = plan_key(con, "2026-09", Assumptions(), "XB")
        assert plan_key(con, "2026-09", Assumptions(), "XB") == base
        assert plan_key(con, "2026-08", Assumptions(), "XB") == base
        assert plan_key(con, "2026-09", Assumptions(tax_rate=0.2), "XB") != base
        assert plan_key(con, "2026-09", Assumptions(), "YB") != base
    finally:
        con.close()


@pytest.mark.parametrize("damage", ["truncate", "edit", "empty"])
def test_a_damaged_plan_is_compiled_again(tiny_bank, damage) -> None:
    expected = compute_indicators(tiny_bank, "2026-09").customer_path.read_bytes()
    [path] = _plans(tiny_bank)
    text = path.read_text(encoding="utf-8")
    path.write_text({"truncate": text[: len(text) // 2],
                     "edit": text.replace("customer_id", "rm_id", 1),
                     "empty": ""}[damage], encoding="utf-8")
    again = compute_indicators(tiny_bank, "2026-09")
    assert not again.plan_cached
    assert again.customer_path.read_bytes() == expected
    assert load_plan(path.parent, path.stem, workspace_secret(tiny_bank.root)) is not None


def test_save_and_load_round_trip(tmp_path) -> None:
    save_plan(tmp_path, "k", "SELECT 1\n-- two lines", b"secret")
    assert load_plan(tmp_path, "k", b"secret") == "SELECT 1\n-- two lines"
    assert load_plan(tmp_path, "k", b"another secret") is None
    assert load_plan(tmp_path, "missing", b"secret") is None


def test_a_named_view_of_no_loaded_month_is_empty_under_that_name(tiny_bank) -> None:
    con = connect(tiny_bank)
    try:
        t = con.read("customers", ["1999-01"], view="corptier_customers_now")
        assert t.op().name == "corptier_customers_now"
        assert len(con.execute(t)) == 0
    finally:
        con.close()


def test_an_edited_plan_with_a_recomputed_sha256_is_compiled_again(tiny_bank) -> None:
    """The old header (a sha256 anyone can recompute) is not enough: the MAC needs the
    workspace secret, so a forged plan is never executed."""
    import hashlib

    expected = compute_indicators(tiny_bank, "2026-09").customer_path.read_bytes()
    [path] = _plans(tiny_bank)
    sql = path.read_text(encoding="utf-8").partition("\n")[2]
    forged = sql.replace("customer_id", "rm_id", 1)
    path.write_text(f"-- {hashlib.sha256(forged.encode()).hexdigest()}\n{forged}",
                    encoding="utf-8")
    again = compute_indicators(tiny_bank, "2026-09")
    assert not again.plan_cached
    assert again.customer_path.read_bytes() == expected
    assert again.plan_digest == hashlib.sha256(sql.encode()).hexdigest()


def test_plans_and_the_secret_are_private(tiny_bank) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        compute_indicators(tiny_bank, "2026-09")
    finally:
        os.umask(old)
    [path] = _plans(tiny_bank)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tiny_bank.root / ".corptier.key").stat().st_mode) == 0o600
