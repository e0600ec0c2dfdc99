"""Overrides as web users act on them: role and scope first, then maker-checker; the audit
log names the user; the next close applies an approved override."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corptier.errors import ApprovalError, ForbiddenError, NotFoundError
from corptier.services import close_period, override_history
from corptier.services.access import principal
from corptier.services.book import customer_record
from corptier.services.scoped_overrides import (
    decide_as,
    request_as,
    revoke_as,
    scoped_history,
    scoped_override,
    scoped_overrides,
)

UNTIL = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()


def test_an_rm_requests_and_their_team_head_approves_then_the_close_applies_it(
        bank) -> None:  # type: ignore[no-untyped-def]
    zhang, head, aud = (principal(bank, n) for n in ("zhang", "head", "aud"))
    # September is already closed: an override approved since applies to its re-close only
    # when it starts on or before September's end (docs/standard.md, "Overrides in time")
    made = request_as(bank, zhang, "C002", "core", "集团战略客户", UNTIL,
                      valid_from="2026-09-01")
    assert made.state == "pending" and made.requested_by == "zhang"
    with pytest.raises(ForbiddenError):
        decide_as(bank, zhang, made.id, approve=True)
    with pytest.raises(ForbiddenError):
        decide_as(bank, aud, made.id, approve=True)
    assert made.id in {o.id for o in scoped_overrides(bank, aud, "pending")}
    approved = decide_as(bank, head, made.id, approve=True, note="同意")
    assert (approved.state, approved.decided_by) == ("approved", "head")
    assert [(e.actor, e.action) for e in scoped_history(bank, zhang, made.id)] == [
        ("zhang", "request"), ("head", "approve")]
    if bank.sqlite_path is None:
        return  # the PostgreSQL bank is shared: its close is the SQLite copy's to test
    close_period(bank, "2026-09", by="boss")
    assert customer_record(bank, zhang, "C002", "2026-09")["applied_tier"] == "core"


def test_a_maker_never_checks_their_own_request(bank) -> None:  # type: ignore[no-untyped-def]
    head = principal(bank, "head")
    made = request_as(bank, head, "C005", "growth", "重点培育", UNTIL)
    with pytest.raises(ApprovalError):
        decide_as(bank, head, made.id, approve=False)
    assert revoke_as(bank, head, made.id, "撤回").state == "revoked"
    assert override_history(bank, made.id)[-1].actor == "head"


def test_outside_the_scope_an_override_does_not_exist(bank) -> None:  # type: ignore[no-untyped-def]
    li, zhang, branch = (principal(bank, n) for n in ("li", "zhang", "branch"))
    made = request_as(bank, li, "C004", "growth", "小微成长", UNTIL)
    for call in (lambda: scoped_override(bank, zhang, made.id),
                 lambda: scoped_history(bank, zhang, made.id),
                 lambda: request_as(bank, zhang, "C004", "growth", "x", UNTIL),
                 lambda: revoke_as(bank, zhang, made.id)):
        with pytest.raises(NotFoundError):
            call()
    assert made.id not in {o.id for o in scoped_overrides(bank, zhang)}
    assert decide_as(bank, branch, made.id, approve=False).state == "rejected"
    assert scoped_overrides(bank, principal(bank, "plain")) == []
