"""Override rules at their boundaries (survivors of `make mutants` killed here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from corptier.errors import ApprovalError, RequestError
from corptier.tiering.hysteresis import STATE_SCHEMA, state_from_published
from corptier.tiering.overrides import (
    check_decision,
    check_request,
    check_revocation,
    check_state_filter,
    effective_state,
    snapshot,
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
                          "requested_by": "alice", "valid_until": date(2026, 12, 31)}
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
        "decided_at": "2026-09-02T00:00:00", "decision_note": "ok, 6 months"}
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
