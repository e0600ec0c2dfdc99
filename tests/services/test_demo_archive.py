"""The demo's archive step on a tiny synthetic bank (SQLite and PostgreSQL): its period loaded,
then published as a close would (tiers written directly: a real close takes minutes), then
`import_demo_archive` fills contacts, interactions and the survey with nothing rejected; a
second run adds nothing twice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.services import archive_alerts, list_contacts, list_interactions, load_period
from corptier.services.demo_archive import import_demo_archive
from corptier.store import UnitOfWork
from corptier.store.models import PublishedPeriod, TierRun
from corptier.synth import synthesize
from corptier.tiering.yaml_loader import load_default_standard
from corptier.workspace import Workspace


def _publish(ws: Workspace, period: str) -> list[str]:
    """Every loaded customer of `period` published in the basic tier; their ids."""
    ids = pq.read_table(ws.partition_file("customers", period),
                        columns=["customer_id"]).column("customer_id").to_pylist()
    for table, data in (
            ("tiers", {"customer_id": ids, "applied_tier": ["basic"] * len(ids),
                       "needs_segment": ["settlement_led"] * len(ids)}),
            ("indicators_customer", {"customer_id": ids, **{
                f"has_{cat}": [0] * len(ids) for cat in PRODUCT_CATEGORIES}})):
        path = ws.partition_file(table, period)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(data), path)
    now = datetime(2026, 2, 1, 9, 0)
    with UnitOfWork(ws.db) as uow:
        uow.session.add(TierRun(
            run_id="run-1", period=period, standard_id="default", standard_version="1.0",
            standard_hash="h" * 64, input_fingerprint="f" * 64, code_version="test",
            engine="duckdb", customers=len(ids), status="published", started_at=now,
            finished_at=now, standard=load_default_standard().model_dump(mode="json")))
        uow.session.flush()
        uow.session.add(PublishedPeriod(period=period, run_id="run-1", published_at=now))
    return ids


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_demo_workspace_gets_contacts_interactions_and_answers(
        tmp_path: Path, db: str, request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the tiers are written by hand, without the indicators a real close keeps, so the alerts
    # an archive edit re-evaluates (tests/services/test_archive_alerts.py) are only counted here
    reevaluated: list[str] = []
    monkeypatch.setattr(archive_alerts, "reevaluate_archive_alerts",
                        lambda ws, ids, by, **_: reevaluated.extend(ids))
    url = None if db == "sqlite" else request.getfixturevalue("pg_schema_url")
    bank = synthesize(tmp_path / "incoming", 120, 1, seed=4)
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    period = bank.periods[0]
    load_period(ws, period, bank.out / period)
    ids = _publish(ws, period)
    done = import_demo_archive(ws, bank.out, bank.periods, "demo")
    assert done.rejected == 0 and done.survey_period == period
    assert done.contacts >= len(ids) and done.interactions > len(ids)
    assert 0 < done.answers < len(ids)
    assert all(list_contacts(ws, c) for c in ids[:10])   # a legal representative each
    assert sum(len(list_interactions(ws, c)) for c in ids) == done.interactions
    assert set(reevaluated) <= set(ids) and reevaluated  # the imported visits' customers
    again = import_demo_archive(ws, bank.out, bank.periods, "demo")
    assert again.campaign_id == done.campaign_id
    assert (again.contacts, again.interactions, again.answers) == (0, 0, 0)
    assert again.rejected == done.contacts + done.interactions + done.answers
