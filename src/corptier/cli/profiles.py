"""`corptier profile ...`: start a mapping profile of the bank's exports, and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corptier.cli.base import JsonOpt, app, console, grid, group, print_json, say
from corptier.cli.labels import label
from corptier.cli.language import _, current

profile_app = group("Mapping profiles: describe the bank's own export files once, check them "
                    "on a sample, then load with `corptier load --profile`.")
app.add_typer(profile_app, name="profile")


@profile_app.command("init")
def profile_init(
    name: Annotated[str, typer.Argument(help="Name of the new profile, e.g. my_bank.")] = "my_bank",
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("profiles"),
    base: Annotated[str, typer.Option(
        "--from", help="Shipped profile name or a profile file to start from.")
    ] = "cn_core_banking",
    overwrite: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Write OUT/NAME.yaml (a profile to edit) and OUT/NAME.template.xlsx (one sheet per table:
    field names, the profile's headers, an example row)."""
    from corptier.services import init_profile

    files = init_profile(out, name, base, overwrite=overwrite)
    say(_("profile: {path}").format(path=files.profile))
    say(_("template: {path}").format(path=files.template))
    say(_("Edit the profile to match your exports, then: {command}").format(
        command=f"corptier profile check EXPORTS --profile {files.profile}"))


@profile_app.command("check")
def profile_check(
    path: Annotated[Path, typer.Argument(help="Folder with one period's export files.")],
    profile: Annotated[str, typer.Option(
        "--profile", help="Profile file (or the name of a shipped profile).")],
    period: Annotated[str | None, typer.Option(
        "--period", "-p", help="Period of the files, YYYY-MM (default: the folder's name).")
    ] = None,
    rows: Annotated[int, typer.Option(help="Rows of each table to try.")] = 1000,
    as_json: JsonOpt = False,
) -> None:
    """Show on a sample how each column maps and which values have no mapping, before a load.
    Exits 5 when a table cannot be read or a sampled value would be rejected."""
    from dataclasses import asdict

    from corptier.errors import ContractError
    from corptier.services import check_profile

    result = check_profile(path, profile, period, rows)
    if as_json:
        print_json(asdict(result))
    else:
        _print_check(result)
    if not result.ok:
        raise typer.Exit(ContractError.exit_code)


def _print_check(result: Any) -> None:
    for t in result.tables:
        table = label(t.table, "table")
        if t.error:
            error = t.error.say(current()) if hasattr(t.error, "say") else t.error
            say(_("error: {error}").format(error=error) if t.table == "*" else
                _("error: {table}: {error}").format(table=table, error=error))
            continue
        rows = [[c.field, c.source or "—", _cut(c.example), _cut(c.mapped), f"{c.problems:,}",
                 ", ".join(c.unmapped)] for c in t.columns]
        console.print(grid(_("{table} ← {file} ({rows} rows sampled)").format(
                               table=table, file=t.file, rows=f"{t.rows:,}"),
                           [_("field"), _("source column"), _("example"), _("mapped"),
                            _("problems"), _("values without mapping")], rows))
        if t.ignored_headers:
            say(_("{table}: columns not used: {columns}").format(
                table=table, columns=", ".join(t.ignored_headers)))
    say(_("All sampled values map.") if result.ok else
        _("Some values cannot be read: extend the profile's codes, units or formats and "
          "check again."))


def _cut(text: str | None, width: int = 24) -> str:
    if text is None:
        return "—"
    return text if len(text) <= width else text[: width - 1] + "…"
