"""The audit log is a hash chain: edits, deletions, forged and back-dated inserts are found,
TRUNCATE is refused on PostgreSQL, and concurrent appends never fork the chain (issue 16)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from corptier.store import UnitOfWork, make_engine, upgrade
from corptier.store.audit_chain import entry_hash

T0 = datetime(2026, 9, 30, 9, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'db.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_schema_url"))
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _append(engine, n: int, actor: str = "alice") -> None:
    for i in range(n):
        with UnitOfWork(engine) as uow:
            uow.audit.record(T0 + timedelta(minutes=i), actor, "request", "override", str(i),
                             after={"state": "pending", "note": "客户 ünïcode"})


def _verify(engine):
    with UnitOfWork(engine) as uow:
        return uow.audit.verify()


def _lift_append_only(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TRIGGER audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(sa.text("DROP TRIGGER audit_log_append_only ON audit_log"))


def _ids(engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(sa.text("SELECT id FROM audit_log ORDER BY id")))


def test_an_intact_log_verifies_with_its_count(db) -> None:
    assert _verify(db).ok and _verify(db).entries == 0
    _append(db, 4)
    check = _verify(db)
    assert check.ok and check.entries == 4 and check.broken_id is None


def test_an_edited_entry_is_found(db) -> None:
    _append(db, 4)
    _lift_append_only(db)
    target = _ids(db)[1]
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE id = :i"),
                     {"i": target})
    check = _verify(db)
    assert not check.ok and check.broken_id == target and "edited" in (check.reason or "")
    assert check.entries == 1


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(db) -> None:
    _append(db, 3)
    _lift_append_only(db)
    ids = _ids(db)
    with db.begin() as conn:
        row = conn.execute(sa.text("SELECT * FROM audit_log WHERE id = :i"), {"i": ids[0]}).one()
        forged = entry_hash(row.seq, T0, "mallory", row.action, row.entity, row.entity_id,
                            None, {"state": "pending", "note": "客户 ünïcode"}, row.prev_hash)
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory', entry_hash = :h "
                             "WHERE id = :i"), {"h": forged, "i": ids[0]})
    check = _verify(db)
    assert check.broken_id == ids[1] and "link does not match" in (check.reason or "")


def test_a_deleted_entry_is_found(db) -> None:
    _append(db, 4)
    _lift_append_only(db)
    ids = _ids(db)
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[1]})
    check = _verify(db)
    assert check.broken_id == ids[2] and "entry 2 before it are missing" in (check.reason or "")


def test_a_deleted_tail_and_an_emptied_log_are_found(db) -> None:
    _append(db, 3)
    _lift_append_only(db)
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": _ids(db)[-1]})
    check = _verify(db)
    assert not check.ok and "last 1 entry is missing" in (check.reason or "")
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log"))
    check = _verify(db)
    assert not check.ok and "last 3 entries are missing" in (check.reason or "")


def test_a_forged_insert_outside_the_chain_is_found(db) -> None:
    _append(db, 2)
    with db.begin() as conn:  # no trigger stops an INSERT: it must show in the chain
        conn.execute(sa.text(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id) "
            "VALUES (:at, 'bob', 'approve', 'override', '1')"), {"at": T0 - timedelta(days=3)})
    check = _verify(db)
    assert check.broken_id == _ids(db)[-1] and "forged" in (check.reason or "")


def test_a_back_dated_insert_linked_to_the_last_entry_is_found(db) -> None:
    _append(db, 2)
    with db.begin() as conn:
        head = conn.execute(sa.text("SELECT seq, last_hash FROM audit_head")).one()
        at = T0 - timedelta(days=3)
        digest = entry_hash(head.seq + 1, at, "bob", "approve", "override", "1", None, None,
                            head.last_hash)
        conn.execute(sa.text(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, seq, prev_hash, "
            "entry_hash) VALUES (:at, 'bob', 'approve', 'override', '1', :s, :p, :h)"),
            {"at": at, "s": head.seq + 1, "p": head.last_hash, "h": digest})
    check = _verify(db)
    assert not check.ok and "does not match the hash the log recorded" in (check.reason or "")


@pytest.mark.postgres
def test_postgres_refuses_truncate(pg_schema_url: str) -> None:
    upgrade(pg_schema_url)
    engine = make_engine(pg_schema_url)
    _append(engine, 2)
    for table in ("audit_log", "audit_head"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {table}"))
    assert _verify(engine).entries == 2
    engine.dispose()


def test_concurrent_appends_keep_one_chain(db) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            _append(db, 15, actor=name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"user{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = _verify(db)
    assert check.ok, check.reason
    assert check.entries == 90


def test_entries_before_the_upgrade_are_chained(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url, "0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(sa.text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, after) "
                "VALUES (:at, 'alice', 'request', 'override', :e, :a)"),
                {"at": T0 + timedelta(minutes=i), "e": str(i), "a": '{"state": "pending"}'})
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    _append(engine, 1)
    check = _verify(engine)
    assert check.ok and check.entries == 4
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log"))
    engine.dispose()
