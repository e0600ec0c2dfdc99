"""Setting up and reporting: init, the effect report, the demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.base import PeriodOpt, WorkspaceOpt, app, console, grid, say
from corptier.cli.labels import counts_line, label
from corptier.cli.language import _
from corptier.cli.progress import event_name, showing_progress

if TYPE_CHECKING:
    from corptier.services.progress import Event


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
    say(_("Workspace ready at {root} (database {database})").format(
        root=ws.root, database=ws.database_label))
    if database_url is not None and database_url != ws.config.database.url:
        say(_("The database password is not stored in corptier.toml: set "
              "CORPTIER_DATABASE_PASSWORD (or PGPASSWORD, or ~/.pgpass) for later commands."))


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

    with showing_progress():
        paths = write_report(open_workspace(workspace), period, lang)
    for path in paths:
        typer.echo(str(path))


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo.")] = Path("demo"),
    customers: Annotated[int, typer.Option(help="Customers of the synthetic branch.")] = 5000,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic bank.")] = 2026,
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    users: Annotated[bool, typer.Option(
        "--users/--no-users", help="Make a web login for every role (first run only).")] = True,
) -> None:
    """Build a synthetic branch, load and close every period, write the last report and make
    a web login for every role."""
    from corptier.services import run_demo

    with showing_progress() as steps:
        result = run_demo(directory, customers=customers, months=months, seed=seed,
                          language=language, users=users)
    last = result.last_close
    console.rule(_("corptier demo — {period}").format(period=last.period))
    say(_("Workspace: {path}").format(path=result.workspace))
    say(_("Input files: {path} ({n} periods)").format(path=result.incoming,
                                                       n=len(result.periods)))
    say(_("Rows loaded: {loaded}; rejected: {rejected}").format(
        loaded=f"{result.rows_loaded:,}", rejected=f"{result.rows_rejected:,}"))
    say(_("Standard {standard} v{version}, run {run_id}").format(
        standard=last.standard_id, version=last.standard_version, run_id=last.run_id))
    say(_("Tier distribution: {counts}").format(counts=counts_line(last.tier_counts, "tier")))
    say(_("Migration vs previous period: {counts}").format(
        counts=counts_line(last.migrations, "migration")))
    for path in result.report:
        say(_("Report: {path}").format(path=path))
    console.print(grid(_("Wall time by step"), [_("step"), _("runs"), _("seconds")],
                       step_times(steps.events)))
    say(_("Try: {command}").format(command=f"corptier explain <customer> --period "
                                            f"{last.period} --workspace {result.workspace}"))
    say(_("Web app: {command}, then open {url}").format(
        command=f"corptier serve --workspace {result.workspace}", url="http://127.0.0.1:8000/"))
    if result.logins:
        console.print(grid(_("Demo logins (the passwords are shown only this once)"),
                           [_("role"), _("user"), _("password"), _("scope")],
                           [[label(login.role, "role"), login.name, login.password,
                             _login_scope(login)] for login in result.logins]))
    if result.admin_token:
        say(_("The workspace now has users: commands that change something act with a user's "
              "API token, e.g. the admin's: export CORPTIER_TOKEN={token}").format(
            token=result.admin_token))


def _login_scope(login: Any) -> str:
    if login.rm_id:
        return _("book of RM {rm}").format(rm=login.rm_id)
    if login.team_members:
        return _("team of {rms}").format(rms=", ".join(login.team_members))
    if login.sub_branches:
        return _("sub-branch {names}").format(names=", ".join(login.sub_branches))
    return _("the whole bank")


def step_times(events: list[Event]) -> list[list[str]]:
    """The demo's own steps (synthesise, each kind of stage, …) with their count and total wall
    time, in the order they first ran, and the demo's total."""
    totals: dict[str, list[float]] = {}
    for e in events:
        if e.depth == 1:
            key = _(e.template).split(" {")[0]
            totals.setdefault(key, [0, 0.0])
            totals[key][0] += 1
            totals[key][1] += e.seconds or 0.0
    rows = [[key, f"{n:,.0f}", f"{sec:,.1f}"] for key, (n, sec) in totals.items()]
    demo = [e for e in events if e.depth == 0]
    if demo:
        rows.append([event_name(demo[-1]), "1", f"{demo[-1].seconds or 0.0:,.1f}"])
    return rows


@app.command()
def backup(
    dest: Annotated[Path, typer.Argument(help="New folder to write the backup into.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Copy the workspace (files and app database) into a new folder, consistently."""
    from corptier.services import open_workspace
    from corptier.services.backup import backup_workspace

    done = backup_workspace(open_workspace(workspace), dest)
    say(_("Backed up {files} files and the {database} database to {path} ({n} published "
          "periods)").format(files=done.files, database=done.database, path=done.path,
                             n=len(done.published)))


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
    say(_("Restored {files} files and the {database} database into {path} ({n} published "
          "periods)").format(files=done.files, database=done.database, path=done.path,
                             n=len(done.published)))
