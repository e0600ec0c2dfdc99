"""Roles give permissions; a user's links give their data scope."""

from __future__ import annotations

import pytest

from corptier.errors import AuthenticationError, ForbiddenError
from corptier.services.access import (
    BANK,
    NOTHING,
    PERMISSIONS,
    ROLES,
    DataScope,
    principal,
    principal_by_token,
    require,
    scope_of,
)
from corptier.services.users import add_user, disable_user, grant_user, new_token
from corptier.store.models import AppUser


def _user(role: str, **links: object) -> AppUser:
    return AppUser(name="x", role=role, **links)


def test_scopes_follow_the_role_and_its_links() -> None:
    assert scope_of(_user("rm", rm_id="RM01")) == DataScope(False, rm_ids=("RM01",))
    assert scope_of(_user("rm")) == NOTHING
    assert scope_of(_user("team_head", team_members=["RM02", "RM01"])) == DataScope(
        False, rm_ids=("RM01", "RM02"))
    assert scope_of(_user("branch_head", sub_branches=["锦江支行"])) == DataScope(
        False, sub_branches=("锦江支行",))
    for role in ("admin", "analyst", "risk", "auditor"):
        assert scope_of(_user(role, rm_id="RM01")) == BANK
    assert scope_of(_user("user")).empty


def test_the_auditor_changes_nothing_and_every_permission_names_known_roles() -> None:
    changes = ("request_override", "decide_override", "revoke_override", "admin_users")
    assert not any("auditor" in PERMISSIONS[a] for a in changes)
    assert all(roles <= set(ROLES) for roles in PERMISSIONS.values())


def test_principals_of_names_and_tokens(workspace) -> None:  # type: ignore[no-untyped-def]
    add_user(workspace, "boss")
    add_user(workspace, "zhang", by="boss", password="a long password")
    grant_user(workspace, "zhang", "rm", by="boss", rm_id="RM01")
    who = principal(workspace, "zhang")
    assert (who.role, who.scope.rm_ids) == ("rm", ("RM01",))
    with pytest.raises(ForbiddenError, match="rm may not decide override"):
        require(who, "decide_override")
    token = new_token(workspace, "zhang", by="zhang").token
    assert principal_by_token(workspace, token).name == "zhang"
    disable_user(workspace, "zhang", by="boss")
    for call in (lambda: principal(workspace, "zhang"),
                 lambda: principal_by_token(workspace, token),
                 lambda: principal(workspace, "<script>")):
        with pytest.raises(AuthenticationError):
            call()
