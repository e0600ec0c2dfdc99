"""The people who act in corptier: found by normalised name or by the hash of their token."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import AppUser


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def any(self) -> bool:
        """True once the workspace has at least one user (then every actor must be one)."""
        return self.session.scalar(sa.select(AppUser.id).limit(1)) is not None

    def add(self, user: AppUser) -> AppUser:
        self.session.add(user)
        self.session.flush()
        return user

    def by_name(self, name: str) -> AppUser | None:
        return self.session.scalar(sa.select(AppUser).where(AppUser.name == name))

    def by_token_hash(self, token_hash: str) -> AppUser | None:
        return self.session.scalar(sa.select(AppUser).where(AppUser.token_hash == token_hash))

    def all(self) -> list[AppUser]:
        return list(self.session.scalars(sa.select(AppUser).order_by(AppUser.name)))
