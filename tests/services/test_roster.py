"""A user's links are checked against the roles and the loaded roster."""

from __future__ import annotations

import pytest

from corptier.errors import ApprovalError, RequestError
from corptier.services.roster import check_links, roster
from corptier.services.users import add_user, grant_user, list_users


def test_the_roster_is_the_latest_loaded_one(sqlite_bank) -> None:  # type: ignore[no-untyped-def]
    from corptier.workspace import Workspace

    ws = Workspace.open(sqlite_bank)
    assert [(e.rm_id, e.sub_branch) for e in roster(ws)] == [("RM01", "高新支行"),
                                                              ("RM02", "锦江支行")]
    assert check_links(ws, "team_head", None, " A队 ", ["RM01", "RM01 "], []).team_members == (
        "RM01",)
    for role, args, word in (
            ("rm", ("RM09", None, [], []), "RM09"),
            ("rm", (None, None, [], []), "--rm"),
            ("team_head", (None, "A", [], []), "--member"),
            ("branch_head", (None, None, [], ["东城支行"]), "东城支行"),
            ("analyst", ("RM01", None, [], []), "takes no rm"),
            ("rm", ("RM01", None, [], ["锦江支行"]), "takes no branch head"),
            ("boss", (None, None, [], []), "unknown role")):
        with pytest.raises(RequestError, match=word):
            check_links(ws, role, *args)


def test_only_an_admin_grants_and_the_grant_is_audited(workspace) -> None:  # type: ignore[no-untyped-def]
    from corptier.services import override_history  # noqa: F401  (the audit is shared)
    from corptier.store import UnitOfWork

    add_user(workspace, "boss")
    add_user(workspace, "zhang", by="boss")
    with pytest.raises(ApprovalError):
        grant_user(workspace, "zhang", "admin", by="zhang")
    view = grant_user(workspace, "zhang", "rm", by="boss", rm_id="ANY")  # no roster loaded
    assert (view.role, view.rm_id) == ("rm", "ANY")
    assert [u.role for u in list_users(workspace) if u.name == "zhang"] == ["rm"]
    with UnitOfWork(workspace.db) as uow:
        [entry] = uow.audit.for_entity("user", "zhang")[-1:]
        assert (entry.actor, entry.action, entry.after["rm_id"]) == ("boss", "user_grant", "ANY")
