"""The period close: publishes one explained run, idempotent, atomic, chained by hysteresis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

import corptier
from corptier.errors import NotFoundError
from corptier.services import close_period, explain_customer, export_tiers
from corptier.store.models import PublishedPeriod, TierRun
from corptier.workspace import PUBLISHED_TIERS, Workspace

PERIODS = ("2026-07", "2026-08", "2026-09")


def explanation(ws: Workspace, customer_id: str, period: str) -> dict:
    return explain_customer(ws, customer_id, period).data


def tiers_path(ws: Workspace, period: str):
    return ws.partition_file(PUBLISHED_TIERS, period)


def _published(ws: Workspace) -> dict[str, str]:
    with ws.db.connect() as conn:
        return dict(conn.execute(sa.select(PublishedPeriod.period, PublishedPeriod.run_id)).all())


def test_close_publishes_every_customer_with_an_explanation(loaded: Workspace) -> None:
    result = corptier.close_period(loaded, "2026-07")
    assert result.customers == 5
    assert sum(result.tier_counts.values()) == 5
    assert result.migrations == {"new": 5}
    assert _published(loaded) == {"2026-07": result.run_id}
    table = pq.read_table(tiers_path(loaded, "2026-07")).to_pylist()
    assert [r["customer_id"] for r in table] == ["C001", "C002", "C003", "C004", "C005"]
    expl = explanation(loaded, "C001", "2026-07")
    assert expl["standard"]["id"] == result.standard_id
    assert {d["code"] for d in expl["dimensions"]} == {"value", "needs", "behaviour", "risk"}
    assert expl["hysteresis"]["reason"] == "new"
    assert expl["migration"] == "new"
    assert expl["applied_tier"] == table[0]["applied_tier"]


def test_overdue_builder_is_flagged_but_not_capped(loaded: Workspace) -> None:
    close_period(loaded, "2026-07")
    expl = explanation(loaded, "C004", "2026-07")
    gates = {g["id"]: g["fired"] for g in expl["gates"]}
    # C004's loan is 关注 and 45 days overdue: the risk-watch flag, but neither cap
    # (次级 or worse; more than 90 days overdue) fires
    assert gates["substandard_loan"] is False and gates["overdue_90"] is False
    assert [f["code"] for f in expl["flags"]] == ["risk_watch"]
    healthy = explanation(loaded, "C001", "2026-07")
    assert [f["code"] for f in healthy["flags"]] == []


def test_closing_twice_gives_byte_identical_results(loaded: Workspace) -> None:
    first = close_period(loaded, "2026-07")
    csv1, json1 = export_tiers(loaded, "2026-07", "csv"), export_tiers(loaded, "2026-07", "json")
    second = close_period(loaded, "2026-07")
    assert second.run_id == first.run_id and second.unchanged
    assert export_tiers(loaded, "2026-07", "csv") == csv1
    assert export_tiers(loaded, "2026-07", "json") == json1
    with loaded.db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(TierRun)).scalar() == 1


def test_periods_chain_and_migrations_are_recorded(loaded: Workspace) -> None:
    for period in PERIODS:
        result = close_period(loaded, period)
    assert set(_published(loaded)) == set(PERIODS)
    assert "new" not in result.migrations
    doc = json.loads(export_tiers(loaded, "2026-09", "json"))
    assert doc["count"] == 5
    assert all(row["previous_tier"] for row in doc["data"])
    expl = explanation(loaded, "C003", "2026-09")
    assert expl["previous_period"] == "2026-08"
    assert "NaN" not in json.dumps(expl)


def test_a_failed_publish_leaves_the_previous_run_intact(
    loaded: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = close_period(loaded, "2026-07")
    before = tiers_path(loaded, "2026-07").read_bytes()
    export = export_tiers(loaded, "2026-07")
    (loaded.root / "standards" / "strict.yaml").write_text(
        (loaded.root / "standards" / "default.yaml").read_text().replace(
            "version:", "version: '9' #", 1)
    )

    import corptier.services.publication as publish

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_swap", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        close_period(loaded, "2026-07", standard_path=loaded.root / "standards" / "strict.yaml")
    assert _published(loaded) == {"2026-07": first.run_id}
    assert tiers_path(loaded, "2026-07").read_bytes() == before
    assert export_tiers(loaded, "2026-07") == export
    assert not list(tiers_path(loaded, "2026-07").parent.glob(".*"))


def test_a_close_killed_half_way_leaves_the_previous_run_intact(loaded: Workspace) -> None:
    first = close_period(loaded, "2026-07")
    before = tiers_path(loaded, "2026-07").read_bytes()
    script = textwrap.dedent(f"""
        import os
        from corptier.services import close_period
        from corptier.store.repositories.runs import RunRepository
        from corptier.workspace import Workspace

        real = RunRepository.publish
        def dying(self, run, at):
            real(self, run, at)
            self.session.flush()
            os._exit(9)   # the process dies with the run written, before the swap and commit
        RunRepository.publish = dying
        ws = Workspace.open({str(loaded.root)!r})
        # a different standard version makes a different run
        close_period(ws, "2026-07", standard_path={str(loaded.root / "standards" / "v2.yaml")!r})
    """)
    (loaded.root / "standards" / "v2.yaml").write_text(
        (loaded.root / "standards" / "default.yaml").read_text().replace(
            "version:", "version: '2' #", 1)
    )
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=300)
    assert proc.returncode == 9
    assert _published(loaded) == {"2026-07": first.run_id}
    assert tiers_path(loaded, "2026-07").read_bytes() == before
    with loaded.db.connect() as conn:
        runs = conn.execute(sa.select(TierRun.run_id)).scalars().all()
    assert runs == [first.run_id]
    assert len(pq.read_table(tiers_path(loaded, "2026-07"))) == 5


def test_explaining_an_unclosed_period_says_what_to_do(loaded: Workspace) -> None:
    with pytest.raises(NotFoundError, match="period 2026-08 has not been closed"):
        explanation(loaded, "C001", "2026-08")


@pytest.mark.spark
def test_duckdb_and_spark_publish_identical_tiers(loaded: Workspace, spark, tmp_path) -> None:
    import shutil

    twin = Workspace.open(shutil.copytree(loaded.root, tmp_path / "twin"))
    for period in PERIODS[:2]:
        on_duckdb = close_period(loaded, period, engine="duckdb")
        on_spark = close_period(twin, period, engine="spark", spark_session=spark)
        assert on_spark.run_id == on_duckdb.run_id
        assert export_tiers(twin, period, "json") == export_tiers(loaded, period, "json")
