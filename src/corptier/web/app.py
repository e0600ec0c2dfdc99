"""The app factory: `create_app(workspace)` gives the FastAPI app of that workspace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from corptier.errors import AuthenticationError, CorptierError, Text, pydantic_text
from corptier.web.deps import translator
from corptier.web.security import COOKIE, HEADERS, LoginLimiter, SessionCodec
from corptier.web.settings import WebSettings
from corptier.web.templating import render
from corptier.workspace import Workspace

log = logging.getLogger("corptier.web")
API = "/api/"


def create_app(ws: Workspace, settings: WebSettings | None = None) -> FastAPI:
    """The web app over `ws`: pages, `/api/v1` with its OpenAPI schema, vendored static files."""
    from corptier.web import admin, api, data_views, pages, report_views, standard_pages

    settings = settings or WebSettings.from_env()
    settings.check()
    app = FastAPI(title="corptier", summary="Tiered management of corporate customers",
                  version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json")
    app.state.ws, app.state.settings = ws, settings
    app.state.codec = SessionCodec(settings)
    app.state.limiter = LoginLimiter(settings.login_attempts_per_minute)
    app.mount("/static", StaticFiles(packages=[("corptier.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(report_views.router)
    app.include_router(data_views.router)
    app.include_router(standard_pages.router)
    app.include_router(api.router)
    _handle_errors(app)
    app.middleware("http")(_headers_and_cookie)
    return app


async def _headers_and_cookie(request: Request,
                              call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "public, max-age=3600"
    session = getattr(request.state, "session", None)
    state = request.app.state
    if getattr(request.state, "logged_out", False):
        response.delete_cookie(COOKIE, path="/")
    elif session is not None:
        response.set_cookie(COOKIE, state.codec.dumps(session), httponly=True, samesite="lax",
                            secure=state.settings.secure_cookies, path="/",
                            max_age=int(state.settings.session_hours * 3600))
    return response


def _handle_errors(app: FastAPI) -> None:
    app.exception_handler(CorptierError)(_corptier_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(Exception)(_unexpected)


def error_json(status: int, code: str, message: str) -> JSONResponse:
    """The API's error body: {"error": {"code": ..., "message": ...}}."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _corptier_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CorptierError)
    text = exc.say(translator(request).lang)
    if request.url.path.startswith(API):
        return error_json(exc.http_status, type(exc).__name__, text)
    if isinstance(exc, AuthenticationError) and request.method == "GET":
        return RedirectResponse("/login", status_code=303)
    return _error_page(request, exc.http_status, text)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    said = pydantic_text(first, str(first.get("msg", ""))) if first else Text("invalid value")
    lang = translator(request).lang
    message = f"{where}: {said.say(lang) if isinstance(said, Text) else said}"
    if request.url.path.startswith(API):
        return error_json(422, "RequestError", message)
    return _error_page(request, 422, message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = str(exc.detail)
    if request.url.path.startswith(API):
        return error_json(exc.status_code, "HTTPError", message)
    return _error_page(request, exc.status_code, message)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = "internal error: the administrator finds the details in the server log"
    if request.url.path.startswith(API):
        return error_json(500, "InternalError", message)
    return _error_page(request, 500, message)


def _error_page(request: Request, status: int, message: str) -> Response:
    context: dict[str, Any] = {"status": status, "message": message}
    return render(request, "error.html", translator(request), status_code=status, **context)
