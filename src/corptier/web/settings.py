"""The web app's settings: the secret that signs sessions, cookie lifetimes, login limits."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from corptier.errors import ConfigError

SECRET_ENV = "CORPTIER_SECRET_KEY"
MIN_SECRET = 32


@dataclass(frozen=True)
class WebSettings:
    """`secret_key` signs the session cookies (CORPTIER_SECRET_KEY; a random one per process
    when unset, so sessions end at a restart and several workers need the variable)."""

    secret_key: str
    session_hours: float = 8.0
    """Absolute lifetime of a session."""
    idle_minutes: float = 30.0
    """A session unused this long ends."""
    secure_cookies: bool = False
    """Send the session cookie only over HTTPS (set behind a TLS reverse proxy)."""
    login_attempts_per_minute: int = 10
    """Per client address, on top of the per-user lockout."""

    @classmethod
    def from_env(cls, **overrides: object) -> WebSettings:
        secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(48)
        secure = os.environ.get("CORPTIER_SECURE_COOKIES", "").lower() in ("1", "true", "yes")
        values: dict[str, object] = {"secret_key": secret, "secure_cookies": secure,
                                     **overrides}
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        if len(self.secret_key) < MIN_SECRET:
            raise ConfigError("{name} must be at least {size} characters", name=SECRET_ENV,
                              size=MIN_SECRET)
        if self.idle_minutes <= 0 or self.session_hours <= 0:
            raise ConfigError("session lifetimes must be positive")
