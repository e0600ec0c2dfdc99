"""The `corptier` command: one command per user task, each a thin call into a service function."""

from corptier.cli import closing, data, overrides, reports, standards  # noqa: F401  (registers)
from corptier.cli.base import app, console, friendly, open_workspace

__all__ = ["app", "console", "friendly", "main", "open_workspace"]


def main() -> None:
    """Entry point of the console script."""
    app(prog_name="corptier")
