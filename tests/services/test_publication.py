"""Publishing a close on a tiny hand-made result: the export and the database switch together,
a failure or a crash between swap and commit is undone, and the export holds exactly the result
(fast: no engine, no load)."""

from __future__ import annotations

import json
import shutil
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import corptier.services.publication as publication
from corptier.periods import Period
from corptier.provenance import code_version
from corptier.services.publication import (
    JOURNAL,
    Publication,
    publish,
    recover_publications,
    run_id_for,
    staging_path,
)
from corptier.store.models import IndicatorRun, PublishedPeriod, TierRun
from corptier.tiering.yaml_loader import load_default_standard
from corptier.workspace import PUBLISHED_TIERS, Workspace

PERIOD = "2026-09"
STANDARD = load_default_standard()
DIMS = list(STANDARD.dimensions)


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new workspace per module (its migrations take seconds); tests work on copies."""
    return Workspace.init(tmp_path_factory.mktemp("template") / "ws", language="en").root


@pytest.fixture
def workspace(_template: Path, tmp_path: Path) -> Workspace:
    """A new, empty workspace of its own (a copy of the module's template)."""
    return Workspace.open(shutil.copytree(_template, tmp_path / "ws"))


def _frame(tier: str = "core", customers: tuple[str, ...] = ("C1", "C2")) -> pd.DataFrame:
    rows = []
    for i, customer in enumerate(customers):
        rows.append({
            "customer_id": customer, "group_id": "G1" if i == 0 else None,
            "score": 71.5 - i, "computed_tier": tier, "applied_tier": tier,
            "previous_tier": None, "migration": "new", "flags": "",
            **{f"score_{d}": 10.0 + i for d in DIMS},
            "needs_segment": "cash", "hysteresis_reason": "new", "override_id": None,
            "hysteresis": {"tier": tier, "reason": "new"}, "explanation": {"score": 71.5 - i},
        })
    return pd.DataFrame(rows)


def _pub(ws: Workspace, run_id: str = "run-a", tier: str = "core", **kw) -> Publication:
    """A close's publication: its export staged where the close writes it."""
    staged = staging_path(ws, Period(PERIOD), run_id)
    frame = _frame(tier)
    frame["hysteresis"] = frame["hysteresis"].map(json.dumps)
    frame["explanation"] = frame["explanation"].map(json.dumps)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), staged)
    fields = {"period": Period(PERIOD), "run_id": run_id, "standard": STANDARD,
              "input_fingerprint": "f" * 64, "engine": "duckdb", "staged": staged,
              "customers": len(frame)}
    return Publication(**{**fields, **kw})


def _target(ws: Workspace) -> Path:
    return ws.partition_file(PUBLISHED_TIERS, PERIOD)


def _published(ws: Workspace) -> dict[str, str]:
    with ws.db.connect() as conn:
        return dict(conn.execute(sa.select(PublishedPeriod.period, PublishedPeriod.run_id)).all())


def _runs(ws: Workspace) -> dict[str, str]:
    with ws.db.connect() as conn:
        return dict(conn.execute(sa.select(TierRun.run_id, TierRun.status)).all())


def _leftovers(ws: Workspace) -> list[str]:
    return sorted(p.name for p in _target(ws).parent.glob(".*"))


def _closes(ws: Workspace) -> list[tuple]:
    with ws.db.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, action, entity, entity_id, after "
                                    "FROM audit_log WHERE action = 'close' ORDER BY id"))
        return [(*r[:4], json.loads(r[4]) if isinstance(r[4], str) else r[4]) for r in rows]


def _applied(ws: Workspace) -> list[str]:
    return pq.read_table(_target(ws))["applied_tier"].to_pylist()


def test_run_ids_follow_the_inputs() -> None:
    a = run_id_for(period=PERIOD, standard_hash="s1", previous_run=None)
    assert a == run_id_for(previous_run=None, standard_hash="s1", period=PERIOD)
    assert len(a) == 32 and int(a, 16) >= 0
    assert a != run_id_for(period=PERIOD, standard_hash="s2", previous_run=None)
    assert a != run_id_for(period=PERIOD, standard_hash="s1", previous_run="r0")


def test_a_first_publication_writes_the_export_the_run_and_the_audit_entry(
    workspace: Workspace,
) -> None:
    assert publish(workspace, _pub(workspace, actor="carol")) is False
    assert _published(workspace) == {PERIOD: "run-a"}
    assert _applied(workspace) == ["core", "core"]
    assert stat.S_IMODE(_target(workspace).stat().st_mode) == 0o600
    assert _leftovers(workspace) == []
    with Session(workspace.db) as session:
        run = session.get(TierRun, "run-a")
        assert run is not None
        assert (run.period, run.standard_id, run.standard_version, run.standard_hash) == (
            PERIOD, STANDARD.id, STANDARD.version, STANDARD.content_hash)
        assert (run.input_fingerprint, run.engine, run.customers, run.status) == (
            "f" * 64, "duckdb", 2, "published")
        assert run.code_version == code_version()
        assert run.started_at == run.finished_at
        assert abs((datetime.now(UTC).replace(tzinfo=None) - run.started_at).total_seconds()) < 600
        assert run.standard == STANDARD.model_dump(mode="json")
    assert _closes(workspace) == [("carol", "close", "period", PERIOD, {
        "run_id": "run-a", "standard_id": STANDARD.id, "standard_version": STANDARD.version,
        "standard_hash": STANDARD.content_hash, "engine": "duckdb", "customers": 2,
        "unchanged": False})]


def test_times_are_recorded_in_utc_whatever_the_servers_time_zone(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server in Beijing (UTC+8) records the same instants as one in London."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        publish(workspace, _pub(workspace))
    finally:
        monkeypatch.undo()
        time.tzset()
    utc_now = datetime.now(UTC).replace(tzinfo=None)
    with workspace.db.connect() as conn:
        published_at = conn.execute(sa.select(PublishedPeriod.published_at)).scalar_one()
        started_at = conn.execute(sa.select(TierRun.started_at)).scalar_one()
        audit_at = conn.execute(sa.text("SELECT at FROM audit_log WHERE action = 'close'")
                                ).scalar_one()
    for at in (published_at, started_at, datetime.fromisoformat(str(audit_at))):
        assert abs((utc_now - at).total_seconds()) < 3600


def test_publishing_the_identical_run_again_says_so(workspace: Workspace) -> None:
    publish(workspace, _pub(workspace))
    before = _target(workspace).read_bytes()
    assert publish(workspace, _pub(workspace)) is True
    assert _target(workspace).read_bytes() == before
    assert _runs(workspace) == {"run-a": "published"}
    assert [c[4]["unchanged"] for c in _closes(workspace)] == [False, True]
    assert _closes(workspace)[0][0] == "system"


def test_a_new_run_replaces_the_export_and_supersedes_the_old_run(workspace: Workspace) -> None:
    publish(workspace, _pub(workspace))
    assert publish(workspace, _pub(workspace, "run-b", tier="key")) is False
    assert _published(workspace) == {PERIOD: "run-b"}
    assert _runs(workspace) == {"run-a": "superseded", "run-b": "published"}
    assert _applied(workspace) == ["key", "key"]
    assert _leftovers(workspace) == []


def test_the_indicator_snapshot_is_registered_with_the_run(workspace: Workspace) -> None:
    snapshot = IndicatorRun(period=PERIOD, engine="duckdb", input_fingerprint="f" * 64,
                            config_hash="c" * 64, code_version="v", customer_path="a",
                            group_path="b", customers=2, groups=1, created_at=datetime(2026, 10, 1))
    publish(workspace, _pub(workspace, indicator_run=snapshot))
    with workspace.db.connect() as conn:
        rows = conn.execute(sa.select(IndicatorRun.period, IndicatorRun.customers)).all()
    assert [tuple(r) for r in rows] == [(PERIOD, 2)]


def _failing_commit(monkeypatch: pytest.MonkeyPatch, seen: list[bytes]) -> None:
    """The database commit raises once the new export is in place."""
    real_swap, real_commit = publication._swap, Session.commit

    def swap(staged: Path, target: Path, backup: Path) -> None:
        real_swap(staged, target, backup)
        seen.append(target.read_bytes())

    def commit(self: Session) -> None:
        if seen:
            raise RuntimeError("database is locked")
        real_commit(self)

    monkeypatch.setattr(publication, "_swap", swap)
    monkeypatch.setattr(Session, "commit", commit)


def test_a_commit_failing_after_the_swap_puts_the_previous_export_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(workspace, _pub(workspace))
    before = _target(workspace).read_bytes()
    seen: list[bytes] = []
    _failing_commit(monkeypatch, seen)
    with pytest.raises(RuntimeError, match="database is locked"):
        publish(workspace, _pub(workspace, "run-b", tier="key"))
    monkeypatch.undo()
    assert seen and seen[0] != before
    assert _target(workspace).read_bytes() == before
    assert _published(workspace) == {PERIOD: "run-a"}
    assert _leftovers(workspace) == []


def test_a_first_publication_whose_commit_fails_leaves_no_export(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bytes] = []
    _failing_commit(monkeypatch, seen)
    with pytest.raises(RuntimeError):
        publish(workspace, _pub(workspace))
    monkeypatch.undo()
    assert seen
    assert not _target(workspace).exists()
    assert _published(workspace) == {}
    assert _leftovers(workspace) == []


def test_a_first_publication_whose_swap_fails_reports_that_failure(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export was never moved in: the undo has nothing to remove and the user sees the
    real cause, not an error of the undo."""
    real = publication.os.replace

    def full(src: Path, dst: Path) -> None:
        if Path(dst).name == "part-0.parquet":
            raise OSError("No space left on device")
        real(src, dst)

    monkeypatch.setattr(publication.os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        publish(workspace, _pub(workspace))
    monkeypatch.undo()
    assert not _target(workspace).exists()
    assert _published(workspace) == {}
    assert _leftovers(workspace) == []


def test_a_swap_failing_before_it_moves_the_previous_export_keeps_that_export(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the previous export aside fails (nothing moved, no backup): the undo must leave
    the previous export where it is, not remove it as if the period had none."""
    publish(workspace, _pub(workspace))
    before = _target(workspace).read_bytes()
    real = publication.os.replace

    def refused(src: Path, dst: Path) -> None:
        if Path(dst).name.endswith(".parquet.bak"):
            raise OSError("Permission denied")
        real(src, dst)

    monkeypatch.setattr(publication.os, "replace", refused)
    with pytest.raises(OSError, match="Permission denied"):
        publish(workspace, _pub(workspace, "run-b", tier="key"))
    monkeypatch.undo()
    assert _target(workspace).read_bytes() == before
    assert _published(workspace) == {PERIOD: "run-a"}
    assert _leftovers(workspace) == []


def test_a_failure_before_the_swap_touches_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(workspace, _pub(workspace))
    before = _target(workspace).read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publication, "_write_journal", broken)
    with pytest.raises(OSError, match="disk full"):
        publish(workspace, _pub(workspace, "run-b", tier="key"))
    monkeypatch.undo()
    assert _target(workspace).read_bytes() == before
    assert _published(workspace) == {PERIOD: "run-a"}
    assert _leftovers(workspace) == []


def test_the_journal_names_the_run_and_the_backup_while_the_swap_is_under_way(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(workspace, _pub(workspace))
    journals: list[dict] = []
    real_swap = publication._swap

    def swap(staged: Path, target: Path, backup: Path) -> None:
        journals.append(json.loads((target.parent / JOURNAL).read_text(encoding="utf-8")))
        assert not backup.exists() and staged.exists()
        real_swap(staged, target, backup)
        assert backup.exists()

    monkeypatch.setattr(publication, "_swap", swap)
    publish(workspace, _pub(workspace, "run-b", tier="key"))
    [entry] = journals
    assert entry["run_id"] == "run-b" and entry["period"] == PERIOD
    assert entry["had_target"] is True
    assert entry["backup"].startswith(".run-b.") and entry["backup"].endswith(".parquet.bak")
    assert "/" not in entry["backup"]
    assert _leftovers(workspace) == []


def _crash_after_swap(ws: Workspace, pub: Publication, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave the state of a process killed between the swap and the commit."""

    class Killed(BaseException):
        pass

    real_swap = publication._swap

    def swap(staged: Path, target: Path, backup: Path) -> None:
        real_swap(staged, target, backup)
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(publication, "_swap", swap)
        m.setattr(publication, "_restore", lambda *a: None)  # a dead process restores nothing
        m.setattr(Path, "unlink", lambda *a, **k: None)  # ... and removes nothing
        with pytest.raises(Killed):
            publish(ws, pub)


def test_recovery_puts_back_the_export_of_a_publication_that_died(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(workspace, _pub(workspace))
    before = _target(workspace).read_bytes()
    _crash_after_swap(workspace, _pub(workspace, "run-b", tier="key"), monkeypatch)
    assert _applied(workspace) == ["key", "key"] and (_target(workspace).parent / JOURNAL).exists()
    assert recover_publications(workspace) == [PERIOD]
    assert _target(workspace).read_bytes() == before
    assert _leftovers(workspace) == []
    assert recover_publications(workspace) == []


def test_recovery_removes_the_export_of_a_first_publication_that_died(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_after_swap(workspace, _pub(workspace), monkeypatch)
    assert _target(workspace).exists()
    assert recover_publications(workspace) == [PERIOD]
    assert not _target(workspace).exists()
    assert _leftovers(workspace) == []


def _journal(ws: Workspace, period: str, run_id: str, backup: str, had_target: bool) -> Path:
    folder = ws.partition_dir(PUBLISHED_TIERS, period)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JOURNAL).write_text(json.dumps(
        {"run_id": run_id, "period": period, "backup": backup, "had_target": had_target}))
    return folder


def test_recovery_keeps_a_publication_whose_commit_happened(workspace: Workspace) -> None:
    publish(workspace, _pub(workspace))
    after = _target(workspace).read_bytes()
    folder = _journal(workspace, PERIOD, "run-a", ".x.parquet.bak", True)
    (folder / ".x.parquet.bak").write_bytes(b"the export before")
    assert recover_publications(workspace) == [PERIOD]
    assert _target(workspace).read_bytes() == after
    assert _leftovers(workspace) == []


def test_recovery_keeps_a_first_publication_whose_commit_happened(workspace: Workspace) -> None:
    """A first close died after its commit: there is no backup to drop, and that is fine."""
    publish(workspace, _pub(workspace))
    after = _target(workspace).read_bytes()
    _journal(workspace, PERIOD, "run-a", ".none.parquet.bak", False)
    assert recover_publications(workspace) == [PERIOD]
    assert _target(workspace).read_bytes() == after
    assert _leftovers(workspace) == []


def test_a_torn_journal_does_not_stop_the_recovery_of_later_periods(
    workspace: Workspace,
) -> None:
    torn = workspace.partition_dir(PUBLISHED_TIERS, "2026-07")
    torn.mkdir(parents=True)
    (torn / JOURNAL).write_text('{"run_id": ')
    folder = _journal(workspace, "2026-08", "never-committed", ".y.parquet.bak", False)
    (folder / "part-0.parquet").write_bytes(b"dead export")
    assert recover_publications(workspace) == ["2026-08"]
    assert not (folder / "part-0.parquet").exists()
    assert not (torn / JOURNAL).exists()


def test_recovery_keeps_the_export_when_its_backup_is_gone(workspace: Workspace) -> None:
    """An export existed and no backup is left (the swap never moved it): keep it."""
    publish(workspace, _pub(workspace))
    after = _target(workspace).read_bytes()
    _journal(workspace, PERIOD, "run-b", ".gone.parquet.bak", True)
    assert recover_publications(workspace) == [PERIOD]
    assert _target(workspace).read_bytes() == after


def test_recovery_of_several_periods_reports_each_in_order(workspace: Workspace) -> None:
    for period in ("2026-08", "2026-07"):
        folder = _journal(workspace, period, "never-committed", ".y.parquet.bak", False)
        (folder / "part-0.parquet").write_bytes(b"dead export")
    assert recover_publications(workspace) == ["2026-07", "2026-08"]
    assert not list(workspace.table_dir(PUBLISHED_TIERS).rglob("part-0.parquet"))


def test_recovery_never_follows_a_backup_path_out_of_the_period_folder(
    workspace: Workspace,
) -> None:
    outside = workspace.root / "precious.parquet"
    outside.write_bytes(b"not an export")
    folder = _journal(workspace, PERIOD, "never-committed", "../../../precious.parquet", True)
    (folder / "part-0.parquet").write_bytes(b"the export")
    assert recover_publications(workspace) == [PERIOD]
    assert outside.read_bytes() == b"not an export"
    assert (folder / "part-0.parquet").read_bytes() == b"the export"


@pytest.mark.parametrize("torn", ["", '{"run_id": "r"', '{"run_id": "r"}', "[1, 2]",
                                  '{"run_id": "r", "period": "2026-09", "backup": null}'])
def test_a_journal_torn_before_the_swap_is_dropped_and_nothing_moves(
    workspace: Workspace, torn: str
) -> None:
    publish(workspace, _pub(workspace))
    after = _target(workspace).read_bytes()
    folder = _target(workspace).parent
    (folder / JOURNAL).write_text(torn)
    assert recover_publications(workspace) == []
    assert _target(workspace).read_bytes() == after
    assert not (folder / JOURNAL).exists()


def test_recovery_removes_stray_temporary_files_and_keeps_the_rest(workspace: Workspace) -> None:
    publish(workspace, _pub(workspace))
    folder = _target(workspace).parent
    for name in (".r.1.a.parquet.tmp", ".r.1.a.parquet.bak", "notes.txt"):
        (folder / name).write_bytes(b"x")
    assert recover_publications(workspace) == []
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "part-0.parquet"]


def test_recovery_of_a_workspace_never_closed_does_nothing(workspace: Workspace) -> None:
    assert recover_publications(workspace) == []
    assert not workspace.table_dir(PUBLISHED_TIERS).exists()
