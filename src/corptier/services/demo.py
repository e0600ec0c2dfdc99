"""The demo: a synthetic branch, loaded, closed period by period, and reported."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corptier.config import CONFIG_FILE
from corptier.report import ReportPaths
from corptier.services.closing import CloseResult, close_period
from corptier.services.demo_archive import DemoArchive, import_demo_archive
from corptier.services.loading import load_period
from corptier.services.progress import stage, step
from corptier.services.reports import write_report
from corptier.services.roster import roster
from corptier.services.standards import active_standard_path, adopt_standard
from corptier.services.synthesis import synthesize_bank
from corptier.services.users import add_user, grant_user, list_users
from corptier.workspace import Workspace

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    """A web login the demo made: shown once, as the password is stored only as its hash."""

    name: str
    role: str
    password: str
    rm_id: str | None = None
    team_members: tuple[str, ...] = ()
    sub_branches: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    incoming: Path
    periods: list[str]
    rows_loaded: int
    rows_rejected: int
    last_close: CloseResult
    report: ReportPaths
    logins: tuple[DemoLogin, ...] = ()
    """One user per role, made on the first run only (a later run keeps the users)."""
    admin_token: str | None = None
    """The API token of the demo's admin, for the CLI (`CORPTIER_TOKEN`); first run only."""
    archive: DemoArchive | None = None
    """The contacts, interactions and survey answers imported (first run: all of them)."""


@stage("demo", rows=lambda result: result.rows_loaded)
def run_demo(
    target: Path | str,
    *,
    customers: int = 5000,
    months: int = 24,
    seed: int = 2026,
    language: str = "zh-CN",
    users: bool = True,
    progress: Progress = lambda _msg: None,
) -> DemoResult:
    """Synthesise a branch into `target/incoming`, load and close every period in a workspace
    at `target/workspace`, write the last period's report and (with `users`, once) make a web
    login for every role. Safe to run again: a later run acts as the demo's admin."""
    target = Path(target)
    root = target / "workspace"
    ws = Workspace.open(root) if (root / CONFIG_FILE).exists() else Workspace.init(
        root, language=language
    )
    actor = _acting_admin(ws)
    incoming = target / "incoming"
    progress(f"Synthesising {customers} customers × {months} months into {incoming}")
    summary = synthesize_bank(incoming, customers=customers, months=months, seed=seed)
    loaded = rejected = 0
    for period in summary.periods:
        report = load_period(ws, period, incoming / period, by=actor)
        loaded, rejected = loaded + report.accepted, rejected + report.rejected
        progress(f"Loaded {period}: {report.accepted:,} rows accepted, {report.rejected} rejected")
    step("adopt standard")
    adopt_standard(ws, active_standard_path(ws), summary.periods[0], actor or "demo",
                   "default standard adopted for the demo")
    close = None
    for period in summary.periods:
        close = close_period(ws, period, by=actor)
        progress(f"Closed {period}: " + ", ".join(f"{k} {v}" for k, v in close.tier_counts.items()))
    if close is None:
        raise RuntimeError("the synthetic bank has no period")  # months >= 1 is checked
    archive = import_demo_archive(ws, incoming, list(summary.periods), actor or "demo")
    progress(f"Archive: {archive.contacts:,} contacts, {archive.interactions:,} interactions, "
             f"{archive.answers:,} survey answers ({archive.rejected} rejected) in "
             f"{archive.seconds} s")
    paths = write_report(ws, close.period)
    logins, token = make_demo_users(ws) if users and actor is None else ((), None)
    return DemoResult(ws.root, incoming, list(summary.periods), loaded, rejected, close, paths,
                      logins, token, archive)


DEMO_ADMIN = "admin"
TEAM_SIZE = 4


def _acting_admin(ws: Workspace) -> str | None:
    """Who the demo acts as: nobody in a workspace without users, else its admin."""
    users = list_users(ws)
    if not users:
        return None
    admins = [u.name for u in users if u.role == "admin" and not u.disabled]
    return DEMO_ADMIN if DEMO_ADMIN in admins else (admins[0] if admins else DEMO_ADMIN)


def make_demo_users(ws: Workspace) -> tuple[tuple[DemoLogin, ...], str]:
    """An admin, a branch head (the first sub-branch), a team head (its first RMs), two RMs of
    that team, an analyst, a risk officer and an auditor, each with a new random password."""
    rms = roster(ws)
    branch = rms[0].sub_branch
    team = tuple(e.rm_id for e in rms if e.sub_branch == branch)[:TEAM_SIZE]
    wanted = [DemoLogin(DEMO_ADMIN, "admin", _password()),
              DemoLogin("branch_head", "branch_head", _password(), sub_branches=(branch,)),
              DemoLogin("team_head", "team_head", _password(), team_members=team),
              *(DemoLogin(rm.lower(), "rm", _password(), rm_id=rm) for rm in team[:2]),
              DemoLogin("analyst", "analyst", _password()),
              DemoLogin("risk", "risk", _password()),
              DemoLogin("auditor", "auditor", _password())]
    token = add_user(ws, DEMO_ADMIN, "admin", password=wanted[0].password).token
    for login in wanted[1:]:
        add_user(ws, login.name, by=DEMO_ADMIN, password=login.password)
        grant_user(ws, login.name, login.role, by=DEMO_ADMIN, rm_id=login.rm_id,
                   team=f"{branch}-1" if login.team_members else None,
                   team_members=login.team_members, sub_branches=login.sub_branches)
    return tuple(wanted), token


def _password() -> str:
    return secrets.token_urlsafe(12)
