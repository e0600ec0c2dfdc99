"""The web app: FastAPI pages (Jinja2, htmx, ECharts vendored) and the JSON API `/api/v1`,
a face over `corptier.services` with signed sessions, CSRF tokens and data scopes."""

from corptier.web.app import create_app
from corptier.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
