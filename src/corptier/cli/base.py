"""The `corptier` app and what every command shares: options, the one error handler, output."""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from corptier.cli.language import _, current, remember_args
from corptier.errors import CorptierError, StorageError

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A Rich console made on first use, so that `--help` and quick commands do not pay for
    importing Rich's console."""

    def __init__(self, **options: Any) -> None:
        self._options = options

    @cached_property
    def real(self) -> Console:
        from rich.console import Console

        return Console(**self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = LazyConsole()
err_console = LazyConsole(stderr=True, soft_wrap=True)


WORKFLOW = ("init", "profile", "synth", "load", "indicators", "close", "tiers", "explain",
            "override", "standard", "report", "demo")
"""The order `corptier --help` lists the commands in: the order a bank uses them."""


class CorptierGroup(TyperGroup):
    """Turns every corptier error of every command into one clear line and the error's own
    exit code, never a traceback; lists the commands in workflow order."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(super().list_commands(ctx))
        return sorted(names, key=lambda n: (WORKFLOW.index(n) if n in WORKFLOW
                                            else len(WORKFLOW), names.index(n)))

    def invoke(self, ctx: Any) -> Any:
        if ctx.parent is None:
            args = [*ctx._protected_args, *ctx.args]
            remember_args(args, _created_language(self, ctx, args))
            try:
                return self._invoke(ctx)
            finally:
                remember_args([])
        return self._invoke(ctx)

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CorptierError as exc:
            _error_line(exc.say(current()))
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            # the file system refused a file the command itself reads or writes (an --out
            # file, a report folder): one line naming the file, the storage error's code
            _error_line(_("{file}: the file system refused it ({reason})").format(
                file=exc.filename or _("a file"), reason=exc.strerror or exc))
            raise typer.Exit(StorageError.exit_code) from None


def _created_language(group: TyperGroup, ctx: Any, args: list[str]) -> str | None:
    """The default `--language` of the command about to run (init, demo): the language of the
    workspace it creates, which its messages speak unless told otherwise."""
    command = group.get_command(ctx, args[0]) if args else None
    for param in getattr(command, "params", ()):
        if param.name == "language" and isinstance(param.default, str):
            return param.default
    return None


def _error_line(text: str) -> None:
    from rich.markup import escape

    err_console.print(f"[bold red]{escape(_('error:'))}[/] {escape(text)}", highlight=False)


def group(help_text: str) -> typer.Typer:
    """A command group with the shared error handler."""
    return typer.Typer(cls=CorptierGroup, no_args_is_help=True, add_completion=False,
                       help=help_text, rich_markup_mode=None)


app = group("corptier: tiered management of corporate customers (对公客户分层管理).")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"corptier {version('corptier')}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True,
        callback=_print_version)] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="zh-CN or en: the language of the messages (default: the workspace's; "
                       "also $CORPTIER_LANG).")] = None,
) -> None:
    """corptier: tiered management of corporate customers (对公客户分层管理)."""

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="duckdb or spark (default: corptier.toml).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="Period, YYYY-MM.")]


def print_json(doc: Any, *, sort_keys: bool = False) -> None:
    import json

    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n")


def grid(title: str, headers: list[str], rows: list[list[str]]) -> Any:
    """A Rich table: the first column left-aligned, the others right-aligned; every cell is
    shown as text (user data is never read as markup) and folded, never cut, when narrow."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), title_justify="left")
    for i, name in enumerate(headers):
        table.add_column(Text(name), justify="left" if i == 0 else "right",
                         overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def pct(value: Any) -> str:
    return "—" if value is None or value != value else f"{value:.1%}"


def say(text: str) -> None:
    """Print a line as it is (no markup, no highlighting)."""
    console.print(text, markup=False, highlight=False)
