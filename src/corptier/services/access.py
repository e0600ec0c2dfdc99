"""Who may do what, and which customers they see: roles, permissions and data scopes.

The permission table is the one source of the web app's role matrix (`docs/web.md`); a data
scope is resolved from the user's record and applied by every service that reads customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from corptier.errors import AuthenticationError, CorptierError, ForbiddenError
from corptier.identity import normalise_name
from corptier.store import UnitOfWork
from corptier.store.models import AppUser
from corptier.workspace import Workspace

ROLES = ("admin", "branch_head", "team_head", "rm", "analyst", "risk", "auditor", "user")
"""`user` is the CLI's plain role (before roles): it acts on the command line, sees no book."""
BANK_WIDE = frozenset({"admin", "analyst", "risk", "auditor"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "read_book": frozenset({"admin", "branch_head", "team_head", "rm", "analyst", "risk",
                            "auditor"}),
    "export_book": frozenset({"admin", "branch_head", "team_head", "rm", "analyst", "risk",
                              "auditor"}),
    "request_override": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "decide_override": frozenset({"admin", "branch_head", "team_head"}),
    "revoke_override": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "handle_alert": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "edit_archive": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "view_contacts": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "complete_task": frozenset({"admin", "branch_head", "team_head", "rm"}),
    "read_service_kpis": frozenset({"admin", "analyst", "risk", "auditor"}),
    "read_audit": frozenset({"admin", "auditor", "risk"}),
    "export_audit": frozenset({"admin", "auditor"}),
    "read_reports": frozenset({"admin", "analyst", "risk", "auditor"}),
    "generate_report": frozenset({"admin", "analyst"}),
    "read_loads": frozenset({"admin", "branch_head", "team_head", "rm", "analyst", "risk",
                             "auditor"}),
    "admin_users": frozenset({"admin"}),
    "read_standards": frozenset({"admin", "branch_head", "team_head", "rm", "analyst", "risk",
                                 "auditor"}),
    "evaluate_standard": frozenset({"admin", "analyst", "risk"}),
    "propose_standard": frozenset({"admin", "analyst", "risk"}),
    "decide_standard": frozenset({"admin", "risk"}),
    "read_staff": frozenset({"admin", "branch_head", "team_head", "analyst", "risk",
                             "auditor"}),
    "decide_assignment": frozenset({"admin", "branch_head"}),
}
"""Action → the roles allowed it. The auditor reads everything and changes nothing."""


@dataclass(frozen=True)
class DataScope:
    """The customers a user sees: the whole bank, or those whose relationship manager (in the
    latest loaded period) is one of `rm_ids`, or whose sub-branch is one of `sub_branches`."""

    bank_wide: bool
    rm_ids: tuple[str, ...] = ()
    sub_branches: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.bank_wide and not self.rm_ids and not self.sub_branches


BANK = DataScope(bank_wide=True)
NOTHING = DataScope(bank_wide=False)


@dataclass(frozen=True)
class Principal:
    """An authenticated user as the services see them: name, role, data scope, language."""

    name: str
    role: str
    scope: DataScope
    language: str | None
    rm_id: str | None = None
    team: str | None = None
    session_epoch: int = 0

    def can(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]


def scope_of(user: AppUser) -> DataScope:
    """The data scope a user's role and links give them (nothing when a link is missing)."""
    if user.role in BANK_WIDE:
        return BANK
    if user.role == "rm":
        return DataScope(False, rm_ids=(user.rm_id,)) if user.rm_id else NOTHING
    if user.role == "team_head":
        return DataScope(False, rm_ids=tuple(sorted(user.team_members or ())))
    if user.role == "branch_head":
        return DataScope(False, sub_branches=tuple(sorted(user.sub_branches or ())))
    return NOTHING


def principal_of(user: AppUser) -> Principal:
    return Principal(user.name, user.role, scope_of(user), user.language, user.rm_id,
                     user.team, user.session_epoch or 0)


def principal(ws: Workspace, name: str) -> Principal:
    """The enabled user `name` as a Principal; AuthenticationError when unknown or disabled."""
    try:
        key = normalise_name(name)
    except CorptierError:
        raise AuthenticationError("unknown or disabled user; log in again") from None
    with UnitOfWork(ws.db) as uow:
        user = uow.users.by_name(key)
        if user is None or user.disabled:
            raise AuthenticationError("unknown or disabled user; log in again")
        return principal_of(user)


def principal_by_token(ws: Workspace, token: str) -> Principal:
    """The enabled user of an API token; AuthenticationError when unknown or disabled."""
    from corptier.services.users import token_hash

    with UnitOfWork(ws.db) as uow:
        user = uow.users.by_token_hash(token_hash(token))
        if user is None or user.disabled:
            raise AuthenticationError("the API token is unknown or its user is disabled")
        return principal_of(user)


FORBIDDEN = {
    "read_book": "the role {role} may not read book",
    "export_book": "the role {role} may not export book",
    "request_override": "the role {role} may not request override",
    "decide_override": "the role {role} may not decide override",
    "revoke_override": "the role {role} may not revoke override",
    "handle_alert": "the role {role} may not handle alert",
    "edit_archive": "the role {role} may not edit archive",
    "view_contacts": "the role {role} may not view contacts",
    "complete_task": "the role {role} may not complete task",
    "read_service_kpis": "the role {role} may not read service kpis",
    "read_audit": "the role {role} may not read audit",
    "export_audit": "the role {role} may not export the audit log",
    "read_reports": "the role {role} may not read the bank-wide reports",
    "generate_report": "the role {role} may not generate reports",
    "read_loads": "the role {role} may not read the loads and runs",
    "admin_users": "the role {role} may not admin users",
    "read_standards": "the role {role} may not read standards",
    "evaluate_standard": "the role {role} may not evaluate standards",
    "propose_standard": "the role {role} may not propose standards",
    "decide_standard": "the role {role} may not decide standards",
    "read_staff": "the role {role} may not read staff",
    "decide_assignment": "the role {role} may not decide assignment",
}
"""Action → the refusal's template (one whole sentence per action, so each is translated)."""


def require(who: Principal, action: str) -> None:
    """ForbiddenError unless `who`'s role may do `action`."""
    if not who.can(action):
        raise ForbiddenError(FORBIDDEN[action], role=who.role)
