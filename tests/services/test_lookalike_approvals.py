"""Maker-checker holds under Unicode look-alikes of the maker's name (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corptier import services as ov
from corptier.errors import ApprovalError, RequestError
from corptier.workspace import Workspace

NOW = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)


def _request(ws: Workspace, by: str = "alice") -> int:
    return ov.request_override(ws, "C0001", "core", "new mandate", NOW.date() + timedelta(days=90),
                               by, clock=lambda: NOW).id


@pytest.mark.parametrize("approver", ["ａｌｉｃｅ", "alice\u200b", "ALİCE", " Alice "])
def test_spellings_of_the_maker_cannot_approve(workspace: Workspace, approver: str) -> None:
    override_id = _request(workspace)
    with pytest.raises(ApprovalError, match="someone else must approve"):
        ov.approve_override(workspace, override_id, approver, clock=lambda: NOW)


def test_a_cyrillic_lookalike_is_refused(workspace: Workspace) -> None:
    override_id = _request(workspace)
    with pytest.raises(RequestError, match="CYRILLIC and LATIN"):
        ov.approve_override(workspace, override_id, "\u0430lice", clock=lambda: NOW)
    assert ov.get_override(workspace, override_id).state == "pending"


def test_names_are_stored_normalised(workspace: Workspace) -> None:
    override_id = _request(workspace, by="ＡＬＩＣＥ\u200b")
    approved = ov.approve_override(workspace, override_id, "Bob", clock=lambda: NOW)
    assert (approved.requested_by, approved.decided_by) == ("alice", "bob")
