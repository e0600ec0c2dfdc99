"""The `corptier` app and what every command shares: options, error handling, the workspace."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from corptier.errors import CorptierError
from corptier.workspace import Workspace

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn corptier errors into one clear line and the error's exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorptierError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path)


@app.callback()
def root() -> None:
    """corptier: tiered management of corporate customers (对公客户分层管理)."""


@app.command()
@friendly
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    engine: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    database_url: Annotated[
        str | None, typer.Option(help="App database URL (default sqlite:///db.sqlite).")
    ] = None,
) -> None:
    """Create a workspace: config, folders and the migrated app database."""
    ws = Workspace.init(directory, language=language, engine=engine, database_url=database_url)
    console.print(f"Workspace ready at [bold]{ws.root}[/] (database {ws.config.database.url})")
