"""Setting up and reporting: init, the effect report, the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corptier.cli.base import PeriodOpt, WorkspaceOpt, app, console, say


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    engine: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    database_url: Annotated[
        str | None, typer.Option(help="App database URL (default sqlite:///db.sqlite).")
    ] = None,
) -> None:
    """Create a workspace: config, folders and the migrated app database."""
    from corptier.services import init_workspace

    ws = init_workspace(directory, language=language, engine=engine, database_url=database_url)
    say(f"Workspace ready at {ws.root} (database {ws.database_label})")
    if database_url is not None and database_url != ws.config.database.url:
        say("The database password is not stored in corptier.toml: set "
            "CORPTIER_DATABASE_PASSWORD (or PGPASSWORD, or ~/.pgpass) for later commands.")


@app.command()
def report(
    period: PeriodOpt,
    lang: Annotated[
        str | None, typer.Option("--lang", help="en or zh-CN (default: the workspace language).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the effect report of a period: reports/P/report.LANG.html, .pdf and .xlsx."""
    from corptier.services import open_workspace, write_report

    for path in write_report(open_workspace(workspace), period, lang):
        typer.echo(str(path))


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo.")] = Path("demo"),
    customers: Annotated[int, typer.Option(help="Customers of the synthetic branch.")] = 5000,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic bank.")] = 2026,
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
) -> None:
    """Build a synthetic branch, load and close every period, and write the last report."""
    from corptier.services import run_demo

    result = run_demo(directory, customers=customers, months=months, seed=seed,
                      language=language, progress=say)
    last = result.last_close
    console.rule(f"corptier demo — {last.period}")
    say(f"Workspace: {result.workspace}")
    say(f"Input files: {result.incoming} ({len(result.periods)} periods)")
    say(f"Rows loaded: {result.rows_loaded:,}; rejected: {result.rows_rejected:,}")
    say(f"Standard {last.standard_id} v{last.standard_version}, run {last.run_id}")
    say("Tier distribution: " + ", ".join(f"{k} {v}" for k, v in last.tier_counts.items()))
    say("Migration vs previous period: "
        + ", ".join(f"{k} {v}" for k, v in last.migrations.items()))
    for path in result.report:
        say(f"Report: {path}")
    say(f"Try: corptier explain <customer> --period {last.period} "
        f"--workspace {result.workspace}")


@app.command()
def backup(
    dest: Annotated[Path, typer.Argument(help="New folder to write the backup into.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Copy the workspace (files and app database) into a new folder, consistently."""
    from corptier.services import open_workspace
    from corptier.services.backup import backup_workspace

    done = backup_workspace(open_workspace(workspace), dest)
    say(f"Backed up {done.files} files and the {done.database} database to {done.path} "
        f"({len(done.published)} published periods)")


@app.command()
def restore(
    src: Annotated[Path, typer.Argument(help="Backup folder written by 'corptier backup'.")],
    directory: Annotated[Path, typer.Argument(help="New folder for the restored workspace.")],
    database_url: Annotated[
        str | None, typer.Option(help="Empty PostgreSQL database for a PostgreSQL backup.")
    ] = None,
) -> None:
    """Restore a backup into a new workspace folder (verified against its manifest)."""
    from corptier.services.backup import restore_workspace

    done = restore_workspace(src, directory, database_url=database_url)
    say(f"Restored {done.files} files and the {done.database} database into {done.path} "
        f"({len(done.published)} published periods)")
