"""Override rules at their boundaries (survivors of `make mutants` killed here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.errors import ApprovalError, RequestError
from corptier.tiering.hysteresis import STATE_SCHEMA, state_from_published
from corptier.tiering.overrides import (
    check_decision,
    check_request,
    check_revocation,
    check_state_filter,
    effective_state,
    in_force_for_period,
    snapshot,
    starts_on,
)


@dataclass
class _Override:
    id: int = 1
    customer_id: str = "C1"
    tier: str = "core"
    reason: str = "r"
    valid_until: date = date(2026, 9, 30)
    requested_by: str = "alice"
    requested_at: datetime = datetime(2026, 9, 1)
    state: str = "approved"
    decided_by: str | None = "bob"
    decided_at: datetime | None = datetime(2026, 9, 2)
    decision_note: str | None = None
    risk_exception: str | None = None
    valid_from: date | None = None


def test_an_override_is_valid_through_its_last_day() -> None:
    assert effective_state(_Override(), date(2026, 9, 30)) == "approved"
    assert effective_state(_Override(), date(2026, 10, 1)) == "expired"
    assert effective_state(_Override(state="pending"), date(2026, 9, 30)) == "pending"
    assert effective_state(_Override(state="revoked"), date(2027, 1, 1)) == "revoked"


def test_a_row_of_an_old_ladder_is_skipped_not_the_rest() -> None:
    rows = [{"customer_id": "C1", "applied_tier": "platinum", "hysteresis": {}},
            {"customer_id": "C2", "applied_tier": "core",
             "hysteresis": {"tier": "key", "periods_below": 1, "pending_tier": "basic"}}]
    state = state_from_published(rows, ["core", "key", "basic"]).to_pylist()
    assert state == [{"customer_id": "C2", "applied_tier_rank": 1, "periods_below": 1,
                      "pending_tier_rank": 2}]


# --- requests, decisions and revocations, word for word at their boundaries ---------------------
TODAY = date(2026, 9, 15)


def _request(**kw: object) -> dict[str, object]:
    fields: dict[str, Any] = {"customer_id": " C1 ", "tier": "core", "reason": " big mandate ",
                              "until": date(2026, 12, 31), "by": "ａｌｉｃｅ", "today": TODAY,
                              "valid_tiers": ("strategic", "core")}
    return check_request(**{**fields, **kw})


def test_a_request_is_cleaned_field_by_field() -> None:
    assert _request() == {"customer_id": "C1", "tier": "core", "reason": "big mandate",
                          "requested_by": "alice", "valid_until": date(2026, 12, 31),
                          "risk_exception": None, "valid_from": None}
    assert _request(tier="anything", valid_tiers=None)["tier"] == "anything"


@pytest.mark.parametrize(("field", "label"), [("customer_id", "customer"), ("tier", "tier")])
def test_customer_and_tier_are_at_most_40_characters(field: str, label: str) -> None:
    assert _request(**{field: "x" * 40}, valid_tiers=None)[field] == "x" * 40
    with pytest.raises(RequestError) as error:
        _request(**{field: "y" * 41}, valid_tiers=None)
    assert str(error.value) == f"{label} is at most 40 characters; got 41: {'y' * 20}…"


def test_a_reason_has_no_length_limit_but_is_required() -> None:
    assert _request(reason="r" * 5000)["reason"] == "r" * 5000
    for empty in ("", "   ", None):
        with pytest.raises(RequestError) as error:
            _request(reason=empty)
        assert str(error.value) == "reason is required"
    with pytest.raises(RequestError) as error:
        _request(customer_id=" ")
    assert str(error.value) == "customer is required"
    with pytest.raises(RequestError) as error:
        _request(tier="")
    assert str(error.value) == "tier is required"


def test_the_requester_is_named_in_errors_about_the_name() -> None:
    with pytest.raises(RequestError) as error:
        _request(by=" ")
    assert str(error.value) == "requested by is required"


def test_an_unknown_tier_is_refused_with_the_standards_tiers() -> None:
    with pytest.raises(RequestError) as error:
        _request(tier="platinum")
    assert str(error.value) == "unknown tier 'platinum'; the standard's tiers are strategic, core"


def test_an_override_must_run_until_a_future_date() -> None:
    assert _request(until=date(2026, 9, 16))["valid_until"] == date(2026, 9, 16)
    with pytest.raises(RequestError) as error:
        _request(until=TODAY)
    assert str(error.value) == ("the override must run until a future date; got 2026-09-15 "
                                "(today is 2026-09-15)")


def test_only_a_pending_override_can_be_decided() -> None:
    for state in ("approved", "rejected", "revoked"):
        for action, done in (("approve", "approved"), ("reject", "rejected")):
            with pytest.raises(ApprovalError) as error:
                check_decision(_Override(state=state), "bob", action, TODAY)
            assert str(error.value) == (
                f"override 1 is {state}; only pending overrides can be {done}")


def test_an_expired_request_cannot_be_approved_but_can_be_rejected() -> None:
    last_day = _Override(state="pending", valid_until=TODAY)
    check_decision(last_day, "bob", "approve", TODAY)  # valid through its last day
    expired = _Override(state="pending", valid_until=date(2026, 9, 14))
    with pytest.raises(ApprovalError) as error:
        check_decision(expired, "bob", "approve", TODAY)
    assert str(error.value) == ("override 1 expired on 2026-09-14 before it was approved; "
                                "request a new one")
    check_decision(expired, "bob", "reject", TODAY)


def test_the_maker_cannot_be_the_checker_under_any_spelling() -> None:
    for action in ("approve", "reject"):
        with pytest.raises(ApprovalError) as error:
            check_decision(_Override(state="pending"), "ＡＬＩＣＥ", action, TODAY)
        assert str(error.value) == (f"override 1 was requested by alice; someone else must "
                                    f"{action} it (maker-checker)")
    check_decision(_Override(state="pending"), "alicia", "approve", TODAY)


def test_only_an_open_unexpired_override_can_be_revoked() -> None:
    check_revocation(_Override(state="pending"), TODAY)
    check_revocation(_Override(state="approved", valid_until=TODAY), TODAY)
    for override, state in ((_Override(state="rejected"), "rejected"),
                            (_Override(state="revoked"), "revoked"),
                            (_Override(valid_until=date(2026, 9, 14)), "expired")):
        with pytest.raises(ApprovalError) as error:
            check_revocation(override, TODAY)
        assert str(error.value) == (f"override 1 is {state}; only pending or approved "
                                    "overrides can be revoked")


def test_a_state_filter_takes_every_state_and_names_them_when_wrong() -> None:
    for state in (None, "pending", "approved", "rejected", "revoked", "expired"):
        check_state_filter(state)
    with pytest.raises(RequestError) as error:
        check_state_filter("open")
    assert str(error.value) == ("unknown override state 'open'; use one of pending, approved, "
                                "rejected, revoked, expired")


def test_the_audit_snapshot_holds_every_field_as_json() -> None:
    assert snapshot(_Override(decision_note="ok, 6 months")) == {
        "id": 1, "customer_id": "C1", "tier": "core", "reason": "r",
        "valid_until": "2026-09-30", "requested_by": "alice",
        "requested_at": "2026-09-01T00:00:00", "state": "approved", "decided_by": "bob",
        "decided_at": "2026-09-02T00:00:00", "decision_note": "ok, 6 months",
        "risk_exception": None, "valid_from": None}
    signed = snapshot(_Override(risk_exception="CRO memo 12", valid_from=date(2026, 9, 10)))
    assert (signed["risk_exception"], signed["valid_from"]) == ("CRO memo 12", "2026-09-10")
    pending = snapshot(_Override(state="pending", decided_by=None, decided_at=None))
    assert (pending["decided_by"], pending["decided_at"], pending["decision_note"]) == (
        None, None, None)


def test_a_record_without_a_running_streak_starts_none_whatever_its_pending_tier() -> None:
    rows = [{"customer_id": "C1", "applied_tier": "core",
             "hysteresis": {"tier": "core", "periods_below": 0, "pending_tier": "basic"}},
            {"customer_id": "C2", "applied_tier": "core",
             "hysteresis": {"tier": "core", "pending_tier": "basic"}}]
    assert state_from_published(rows, ["core", "key", "basic"]).to_pylist() == [
        {"customer_id": "C1", "applied_tier_rank": 0, "periods_below": 0, "pending_tier_rank": 0},
        {"customer_id": "C2", "applied_tier_rank": 0, "periods_below": 0, "pending_tier_rank": 0}]


def test_the_state_of_a_first_close_is_empty_but_typed() -> None:
    """An empty state still has the column types the next close reads (STATE_SCHEMA)."""
    assert state_from_published([], ["core"]).schema == STATE_SCHEMA
    rows = [{"customer_id": "C1", "applied_tier": "core", "hysteresis": {}}]
    assert state_from_published(rows, ["core"]).schema == STATE_SCHEMA


# --- risk exceptions and start dates (issue 15) -------------------------------------------------
def test_a_risk_exception_is_optional_stripped_and_at_most_2000_characters() -> None:
    for blank in (None, "", "  \t "):
        assert _request(risk_exception=blank)["risk_exception"] is None
    assert _request(risk_exception="  CRO memo 12 ")["risk_exception"] == "CRO memo 12"
    assert _request(risk_exception="e" * 2000)["risk_exception"] == "e" * 2000
    with pytest.raises(RequestError) as error:
        _request(risk_exception="x" * 2001)
    assert str(error.value) == f"risk exception is at most 2000 characters; got 2001: {'x' * 20}…"


def test_an_override_starts_on_or_before_its_end() -> None:
    assert _request(valid_from=date(2026, 12, 31))["valid_from"] == date(2026, 12, 31)
    assert _request(valid_from=date(2025, 1, 1))["valid_from"] == date(2025, 1, 1)
    with pytest.raises(RequestError) as error:
        _request(valid_from=date(2027, 1, 1))
    assert str(error.value) == ("the override must start on or before its end date; got valid "
                                "from 2027-01-01 after 2026-12-31")


def test_an_override_starts_on_its_valid_from_else_its_approval_date() -> None:
    assert starts_on(_Override()) == date(2026, 9, 2)
    assert starts_on(_Override(valid_from=date(2026, 5, 1))) == date(2026, 5, 1)
    assert starts_on(_Override(state="pending", decided_at=None)) is None


MAY_END, JULY = date(2026, 5, 31), datetime(2026, 7, 10, 9, 0)


@pytest.mark.parametrize(("override", "first_close", "then", "now", "applies"), [
    # first close: what stands now, whenever it was approved (May closed in July)
    (_Override(decided_at=JULY), True, False, True, True),
    (_Override(decided_at=JULY, state="revoked"), True, False, False, False),
    # a future valid_from: not before it starts (past both May's end and the approval)
    (_Override(decided_at=JULY, valid_from=date(2026, 8, 1)), True, False, True, False),
    (_Override(decided_at=JULY, valid_from=date(2026, 7, 1)), True, False, True, True),
    # re-close: approved after May's first publication, from its approval date: not May's
    (_Override(decided_at=JULY), False, False, True, False),
    # ... unless it starts on or before May's end
    (_Override(decided_at=JULY, valid_from=date(2026, 5, 31)), False, False, True, True),
    (_Override(decided_at=JULY, valid_from=date(2026, 6, 1)), False, False, True, False),
    # re-close: approved before the first publication, revoked since: May keeps it
    (_Override(decided_at=datetime(2026, 5, 20), state="revoked"), False, True, False, True),
    # approved then, still approved
    (_Override(decided_at=datetime(2026, 5, 20)), False, True, True, True),
    # revoked before the first publication: not then, not now
    (_Override(decided_at=datetime(2026, 5, 20), state="revoked"), False, False, False, False),
])
def test_which_overrides_a_close_of_may_applies(override: _Override, first_close: bool,
                                                then: bool, now: bool, applies: bool) -> None:
    assert in_force_for_period(override, MAY_END, first_close=first_close, approved_then=then,
                               approved_now=now) is applies


@given(first_close=st.booleans(), then=st.booleans(),
       start=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
       approved=st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_an_override_never_applies_before_it_starts_nor_without_an_approval(
        first_close: bool, then: bool, start: date, approved: date) -> None:
    """Whatever the dates: nothing applies that was approved neither then nor now, and an
    override whose start is past both the period's end and its approval never applies."""
    o = _Override(decided_at=datetime.combine(approved, datetime.min.time()), valid_from=start)
    assert not in_force_for_period(o, MAY_END, first_close=first_close, approved_then=False,
                                   approved_now=False)
    if start > max(MAY_END, approved):
        assert not in_force_for_period(o, MAY_END, first_close=first_close,
                                       approved_then=then, approved_now=True)
