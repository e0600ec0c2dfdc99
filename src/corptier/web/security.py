"""Sessions in signed cookies (absolute expiry, idle timeout, epoch checked against the user),
CSRF tokens, the login rate limit per client address, and the security headers."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from corptier.errors import AuthenticationError
from corptier.web.settings import WebSettings

COOKIE = "corptier_session"
LANG_COOKIE = "corptier_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Session:
    user: str
    epoch: int
    csrf: str
    issued: float


class SessionCodec:
    """Sign and check session cookies; the signature's own time is the last use (idle)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.signer = URLSafeTimedSerializer(settings.secret_key, salt="corptier-session")

    def new(self, user: str, epoch: int) -> Session:
        return Session(user, epoch, secrets.token_urlsafe(32), time.time())

    def dumps(self, session: Session) -> str:
        return self.signer.dumps({"u": session.user, "e": session.epoch, "c": session.csrf,
                                  "i": session.issued})

    def loads(self, cookie: str) -> Session:
        """The session of a cookie; AuthenticationError when forged, idle or expired."""
        try:
            data = self.signer.loads(cookie, max_age=int(self.settings.idle_minutes * 60))
        except SignatureExpired:
            raise AuthenticationError("your session was idle too long; log in again") from None
        except BadSignature:
            raise AuthenticationError("please log in") from None
        try:
            session = Session(str(data["u"]), int(data["e"]), str(data["c"]), float(data["i"]))
        except (KeyError, TypeError, ValueError):
            raise AuthenticationError("please log in") from None
        if time.time() - session.issued > self.settings.session_hours * 3600:
            raise AuthenticationError("your session has expired; log in again")
        return session


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, str(token))


class LoginLimiter:
    """At most `per_minute` login attempts per client address in any 60 seconds (in memory:
    per worker process; the per-user lockout in the app database holds across workers)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self.lock:
            times = self.seen.setdefault(client, deque())
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self.seen) > 10_000:
                self.seen = {k: v for k, v in self.seen.items() if v}
            return True
