"""Jinja2 pages in the user's language: every label through the Babel catalogue (`_`),
numbers formatted by the Translator, user data always autoescaped."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from corptier.i18n import Translator
from corptier.web.labels import label


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("corptier.web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["chart"] = lambda option: json.dumps(option, ensure_ascii=False,
                                                     default=str)
    env.filters["brief_json"] = lambda doc, width=200: json.dumps(
        doc, ensure_ascii=False, sort_keys=True, default=str)[:width]
    return env


def render(request: Request, name: str, t: Translator, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """The page `name` rendered for the request (with the user, CSRF token and language)."""
    state = request.state
    html = environment().get_template(name).render(
        _=t.gettext, t=t, label=lambda kind, code: label(t, kind, code), request=request,
        user=getattr(state, "principal", None), csrf=getattr(state, "csrf", ""), **context)
    return HTMLResponse(html, status_code=status_code)
