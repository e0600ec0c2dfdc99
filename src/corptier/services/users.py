"""Users: who acts in a workspace. Names are normalised (`corptier.identity`); passwords are
kept as Argon2 hashes and API tokens as their sha256 (a token is shown once, when made).

Until a workspace has users, an actor is any well-formed name (normalised). Once it has one,
every state-changing use case acts as an enabled user, and the CLI takes that user from the
API token in `CORPTIER_TOKEN`.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from corptier.errors import ApprovalError, NotFoundError, RequestError
from corptier.identity import normalise_name
from corptier.services.access import ROLES
from corptier.store import UnitOfWork
from corptier.store.models import AppUser
from corptier.workspace import Workspace

TOKEN_PREFIX = "ct_"
ENTITY = "user"


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    disabled: bool
    has_password: bool
    created_at: datetime
    rm_id: str | None = None
    team: str | None = None
    team_members: tuple[str, ...] = ()
    sub_branches: tuple[str, ...] = ()
    locked_until: datetime | None = None


@dataclass(frozen=True)
class NewToken:
    """A user and their new API token: shown once, only its hash is kept."""

    name: str
    role: str
    token: str


def add_user(ws: Workspace, name: str, role: str | None = None, *, by: str | None = None,
             password: str | None = None) -> NewToken:
    """Add a user with a new API token (and a password when given). The first user of a
    workspace must be an admin and may add themselves; later users are added by an admin."""
    name = normalise_name(name)
    now = _now()
    with UnitOfWork(ws.db) as uow:
        first = not uow.users.any()
        role = role or ("admin" if first else "user")
        if role not in ROLES:
            raise RequestError("unknown role '{role}'; use one of {roles}", role=role,
                               roles=", ".join(ROLES))
        if first and role != "admin":
            raise RequestError("the first user of a workspace must be an admin (who adds the "
                               "others)")
        actor = name if first and by is None else _admin(uow, by, "add users")
        if uow.users.by_name(name) is not None:
            raise RequestError("user {name} already exists", name=name)
        token = _new_token()
        uow.users.add(AppUser(name=name, role=role, password_hash=_hash_password(password),
                              token_hash=token_hash(token), disabled=False, created_at=now,
                              failed_logins=0, session_epoch=0))
        uow.audit.record(now, actor, "user_add", ENTITY, name,
                         after={"name": name, "role": role, "password": password is not None})
    return NewToken(name, role, token)


def disable_user(ws: Workspace, name: str, *, by: str | None) -> UserView:
    """Disable a user: their token and password no longer act (the record stays)."""
    name = normalise_name(name)
    now = _now()
    with UnitOfWork(ws.db) as uow:
        actor = _admin(uow, by, "disable users")
        user = _user(uow, name)
        user.disabled = True
        user.token_hash = None
        user.session_epoch = (user.session_epoch or 0) + 1
        uow.audit.record(now, actor, "user_disable", ENTITY, name, after={"disabled": True})
        return _view(user)


def new_token(ws: Workspace, name: str, *, by: str | None) -> NewToken:
    """Replace a user's API token (the old one stops working); by the user or an admin."""
    name = normalise_name(name)
    now = _now()
    with UnitOfWork(ws.db) as uow:
        actor = name if by is not None and normalise_name(by) == name else _admin(
            uow, by, "give other users tokens")
        user = _user(uow, name)
        if user.disabled:
            raise ApprovalError("user {name} is disabled", name=name)
        token = _new_token()
        user.token_hash = token_hash(token)
        uow.audit.record(now, actor, "user_token", ENTITY, name, after={"token": "replaced"})
        return NewToken(name, user.role, token)


def grant_user(ws: Workspace, name: str, role: str, *, by: str | None,
               rm_id: str | None = None, team: str | None = None,
               team_members: list[str] | tuple[str, ...] = (),
               sub_branches: list[str] | tuple[str, ...] = ()) -> UserView:
    """Give a user a role and the links that make their data scope (an admin only): an `rm`
    their RM id, a `team_head` a team and its RM ids, a `branch_head` their sub-branches.
    RM ids must be in the latest loaded roster when one is loaded."""
    from corptier.services.roster import check_links

    name = normalise_name(name)
    links = check_links(ws, role, rm_id, team, team_members, sub_branches)
    now = _now()
    with UnitOfWork(ws.db) as uow:
        actor = _admin(uow, by, "grant roles")
        user = _user(uow, name)
        before = _grants(user)
        user.role = role
        user.rm_id, user.team = links.rm_id, links.team
        user.team_members = list(links.team_members) or None
        user.sub_branches = list(links.sub_branches) or None
        user.session_epoch = (user.session_epoch or 0) + 1
        uow.audit.record(now, actor, "user_grant", ENTITY, name, before=before,
                         after=_grants(user))
        return _view(user)


def reset_password(ws: Workspace, name: str, password: str, *, by: str | None) -> UserView:
    """Set a new password (by the user or an admin): unlocks the user and ends their web
    sessions."""
    name = normalise_name(name)
    now = _now()
    with UnitOfWork(ws.db) as uow:
        actor = name if by is not None and normalise_name(by) == name else _admin(
            uow, by, "reset other users' passwords")
        user = _user(uow, name)
        user.password_hash = _hash_password(password)
        user.failed_logins, user.locked_until = 0, None
        user.session_epoch = (user.session_epoch or 0) + 1
        uow.audit.record(now, actor, "user_password", ENTITY, name, after={"password": "reset"})
        return _view(user)


def set_language(ws: Workspace, name: str, language: str) -> str:
    """A user's own choice of language for the web app (zh-CN or en)."""
    from corptier.i18n import LANGUAGES

    if language not in LANGUAGES:
        raise RequestError("language must be one of {languages}; got {language!r}",
                           languages=", ".join(sorted(LANGUAGES)), language=language)
    with UnitOfWork(ws.db) as uow:
        _user(uow, normalise_name(name)).language = language
    return language


def _grants(user: AppUser) -> dict[str, object]:
    return {"role": user.role, "rm_id": user.rm_id, "team": user.team,
            "team_members": user.team_members, "sub_branches": user.sub_branches}


def list_users(ws: Workspace) -> list[UserView]:
    with UnitOfWork(ws.db) as uow:
        return [_view(u) for u in uow.users.all()]


def acting_user(ws: Workspace, by: str | None, token: str | None, *,
                login_default: bool = False) -> str:
    """Who a command acts as. With users: the enabled user of `token` (a `by` naming someone
    else is refused). Without users: `by` normalised, else (when `login_default`) the login
    name of this system, else RequestError."""
    with UnitOfWork(ws.db) as uow:
        if uow.users.any():
            if not token:
                raise ApprovalError("this workspace has users: act with your API token "
                                    "(CORPTIER_TOKEN)")
            user = uow.users.by_token_hash(token_hash(token))
            if user is None or user.disabled:
                raise ApprovalError("the API token is unknown or its user is disabled")
            if by is not None and normalise_name(by) != user.name:
                raise ApprovalError("the API token is {name}'s; it cannot act as {by}",
                                    name=user.name, by=normalise_name(by))
            return user.name
    if by is not None:
        return normalise_name(by)
    if login_default:
        return normalise_name(_login_name())
    raise RequestError("say who acts: a user name is required")


def acting_name(ws: Workspace, by: str | None, field: str = "user name") -> str:
    """`by` normalised, and once the workspace has users, an enabled user's name (a service
    called directly from Python is held to the same rule as the CLI)."""
    name = normalise_name(by, field)
    with UnitOfWork(ws.db) as uow:
        if uow.users.any():
            user = uow.users.by_name(name)
            if user is None or user.disabled:
                raise ApprovalError("{field}: {name} is not an enabled user of this workspace",
                                    field=field, name=name)
    return name


def authenticate_password(ws: Workspace, name: str, password: str) -> str:
    """The user's name when `password` is theirs and they are enabled; ApprovalError else."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    name = normalise_name(name)
    with UnitOfWork(ws.db) as uow:
        user = uow.users.by_name(name)
        if user is None or user.disabled or user.password_hash is None:
            raise ApprovalError("unknown user, wrong password or disabled user")
        try:
            PasswordHasher().verify(user.password_hash, password)
        except VerificationError:
            raise ApprovalError("unknown user, wrong password or disabled user") from None
        return user.name


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


ADMIN_ONLY = {
    "add users": (
        "only an admin may add users: act with an admin's API token",
        "only an admin may add users; {by} is not one"),
    "disable users": (
        "only an admin may disable users: act with an admin's API token",
        "only an admin may disable users; {by} is not one"),
    "give other users tokens": (
        "only an admin may give other users tokens: act with an admin's API token",
        "only an admin may give other users tokens; {by} is not one"),
    "grant roles": (
        "only an admin may grant roles: act with an admin's API token",
        "only an admin may grant roles; {by} is not one"),
    "reset other users' passwords": (
        "only an admin may reset other users' passwords: act with an admin's API token",
        "only an admin may reset other users' passwords; {by} is not one"),
}
"""What only an admin may do → the refusal's templates (without a user; with one who is not)."""


def _admin(uow: UnitOfWork, by: str | None, what: str) -> str:
    if by is None:
        raise ApprovalError(ADMIN_ONLY[what][0])
    user = uow.users.by_name(normalise_name(by))
    if user is None or user.disabled or user.role != "admin":
        raise ApprovalError(ADMIN_ONLY[what][1], by=normalise_name(by))
    return user.name


def _user(uow: UnitOfWork, name: str) -> AppUser:
    user = uow.users.by_name(name)
    if user is None:
        raise NotFoundError("user {name} does not exist", name=name)
    return user


def _hash_password(password: str | None) -> str | None:
    if password is None:
        return None
    if len(password) < 12:
        raise RequestError("a password has at least 12 characters")
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _view(user: AppUser) -> UserView:
    return UserView(user.name, user.role, user.disabled, user.password_hash is not None,
                    user.created_at, user.rm_id, user.team, tuple(user.team_members or ()),
                    tuple(user.sub_branches or ()), user.locked_until)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name on this system
        return "system"
