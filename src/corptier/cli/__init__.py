"""The `corptier` command: one command per user task, each a thin call into corptier.services."""

from corptier.cli import (  # noqa: F401  (registers the commands)
    alerts,
    archive,
    audit,
    closing,
    data,
    overrides,
    profiles,
    recommend,
    reports,
    serve,
    service,
    staff,
    standards,
    surveys,
    users,
)
from corptier.cli.base import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the console script."""
    app(prog_name="corptier")
