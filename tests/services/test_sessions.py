"""Logging in: the same refusal for every reason, lockout after five failures, logout."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from corptier.errors import AuthenticationError
from corptier.services import verify_audit_log
from corptier.services.access import principal
from corptier.services.sessions import LOCKOUT, MAX_FAILURES, REFUSED, log_in, log_out
from corptier.services.users import add_user, reset_password

PASSWORD = "a long password"
T0 = datetime(2026, 10, 1, 9, 0)


@pytest.fixture
def ws(workspace):  # type: ignore[no-untyped-def]
    add_user(workspace, "boss", password=PASSWORD)
    add_user(workspace, "ana", "analyst", by="boss", password=PASSWORD)
    return workspace


def test_every_refusal_reads_the_same(ws) -> None:  # type: ignore[no-untyped-def]
    for name, password in (("ana", "wrong"), ("nobody", PASSWORD), ("а na", PASSWORD), ("", "")):
        with pytest.raises(AuthenticationError) as err:
            log_in(ws, name, password, now=T0)
        assert str(err.value) == REFUSED


def test_five_failures_lock_the_user_until_the_lockout_ends(ws) -> None:  # type: ignore[no-untyped-def]
    for i in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            log_in(ws, "ana", "wrong", now=T0 + timedelta(seconds=i))
    with pytest.raises(AuthenticationError):
        log_in(ws, "ana", PASSWORD, now=T0 + timedelta(minutes=1))
    assert log_in(ws, "ana", PASSWORD, now=T0 + LOCKOUT + timedelta(seconds=5)).name == "ana"
    assert verify_audit_log(ws).entries >= 4  # raises when the chain is broken


def test_a_success_resets_the_count_and_a_reset_unlocks(ws) -> None:  # type: ignore[no-untyped-def]
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationError):
            log_in(ws, "ana", "wrong", now=T0)
    log_in(ws, "ana", PASSWORD, now=T0)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationError):
            log_in(ws, "ana", "wrong", now=T0)
    assert log_in(ws, "ana", PASSWORD, now=T0).name == "ana"
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            log_in(ws, "ana", "wrong", now=T0)
    reset_password(ws, "ana", "another long password", by="boss")
    assert log_in(ws, "ana", "another long password", now=T0).name == "ana"


def test_logout_raises_the_session_epoch(ws) -> None:  # type: ignore[no-untyped-def]
    before = principal(ws, "ana").session_epoch
    log_out(ws, "ana")
    assert principal(ws, "ana").session_epoch == before + 1
