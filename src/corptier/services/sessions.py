"""Logging in to the web app: password check with lockout after repeated failures, and the
session epoch a logout raises (every earlier session of the user stops working)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from corptier.errors import AuthenticationError, CorptierError
from corptier.identity import normalise_name
from corptier.services.access import Principal, principal_of
from corptier.store import UnitOfWork
from corptier.store.models import AppUser
from corptier.workspace import Workspace

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
REFUSED = "unknown user, wrong password, disabled or locked user"
ENTITY = "user"


def log_in(ws: Workspace, name: str, password: str, *, now: datetime | None = None) -> Principal:
    """The user, when `password` is theirs, they are enabled and not locked out. Every refusal
    says the same (nothing tells whether the name exists); the fifth failure in a row locks
    the user for 15 minutes."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    moment = (now or datetime.now(UTC)).replace(tzinfo=None)
    try:
        key = normalise_name(name)
    except CorptierError:
        raise AuthenticationError(REFUSED) from None
    with UnitOfWork(ws.db) as uow:
        user = uow.users.by_name(key)
        if user is None or user.disabled or user.password_hash is None:
            raise AuthenticationError(REFUSED)
        if user.locked_until is not None and user.locked_until > moment:
            raise AuthenticationError(REFUSED)
        try:
            PasswordHasher().verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            _failed(uow, user, moment)
            uow.commit()
            raise AuthenticationError(REFUSED) from None
        user.failed_logins, user.locked_until = 0, None
        uow.audit.record(moment, user.name, "login", ENTITY, user.name, after={"web": True})
        return principal_of(user)


def log_out(ws: Workspace, name: str) -> None:
    """End every web session of the user (their session epoch goes up)."""
    moment = datetime.now(UTC).replace(tzinfo=None)
    with UnitOfWork(ws.db) as uow:
        user = uow.users.by_name(normalise_name(name))
        if user is None:
            return
        user.session_epoch = (user.session_epoch or 0) + 1
        uow.audit.record(moment, user.name, "logout", ENTITY, user.name, after={"web": True})


def _failed(uow: UnitOfWork, user: AppUser, moment: datetime) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.failed_logins, user.locked_until = 0, moment + LOCKOUT
        uow.audit.record(moment, "system", "login_locked", ENTITY, user.name,
                         after={"locked_until": user.locked_until.isoformat()})
