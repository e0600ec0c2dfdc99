"""Request dependencies: who is asking (session cookie or API token), the CSRF check of every
state-changing request, the permission of an endpoint, and the user's translator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from corptier.errors import AuthenticationError, ForbiddenError
from corptier.i18n import LANGUAGES, Translator
from corptier.services.access import Principal, principal, principal_by_token, require
from corptier.web.matrix import SIGNED_IN
from corptier.web.security import COOKIE, CSRF_FIELD, CSRF_HEADER, LANG_COOKIE, csrf_ok

SAFE = ("GET", "HEAD", "OPTIONS")


async def current_user(request: Request) -> Principal:
    """The signed-in user; AuthenticationError when there is none or the session ended."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    app = request.app.state
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        who = await run_in_threadpool(principal_by_token, app.ws, auth[7:].strip())
    else:
        who = await _from_cookie(request)
    request.state.principal = who
    return who


async def _from_cookie(request: Request) -> Principal:
    app = request.app.state
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise AuthenticationError("please log in")
    session = app.codec.loads(cookie)
    if not session.user:  # the anonymous session of the login form
        raise AuthenticationError("please log in")
    who = await run_in_threadpool(principal, app.ws, session.user)
    if who.session_epoch != session.epoch:
        raise AuthenticationError("you have logged out or your access changed; log in again")
    if request.method not in SAFE:
        token = request.headers.get(CSRF_HEADER)
        if token is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
        if not csrf_ok(session, token):
            raise ForbiddenError("the form has expired or did not come from this site "
                                 "(CSRF check); reload the page and try again")
    request.state.session = session
    request.state.csrf = session.csrf
    return who


def permit(action: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the signed-in user, when their role may do `action`."""

    async def check(request: Request) -> Principal:
        who = await current_user(request)
        if action != SIGNED_IN:
            require(who, action)  # one whole translated sentence per action
        return who

    return check


def translator(request: Request) -> Translator:
    """The user's language, else the language cookie, else the workspace's (zh-CN default)."""
    who = getattr(request.state, "principal", None)
    lang = (who.language if who else None) or request.cookies.get(LANG_COOKIE)
    if lang not in LANGUAGES:
        lang = request.app.state.ws.config.workspace.language
    return Translator(lang if lang in LANGUAGES else "zh-CN")
