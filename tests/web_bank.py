"""The small closed bank of the web tests: one user per role; logging in through the form."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from corptier.services import close_period, load_period
from corptier.services.users import add_user, grant_user
from corptier.web import WebSettings
from corptier.workspace import Workspace
from sample_data import write_sample_period

PERIODS = ("2026-08", "2026-09")
PASSWORD = "correct horse battery"
USERS = {
    # name: (role, links) — RM01 books C001, C002, C005 (高新支行); RM02 C003, C004 (锦江支行)
    "boss": ("admin", {}),
    "zhang": ("rm", {"rm_id": "RM01"}),
    "li": ("rm", {"rm_id": "RM02"}),
    "head": ("team_head", {"team": "高新一队", "team_members": ["RM01"]}),
    "branch": ("branch_head", {"sub_branches": ["锦江支行"]}),
    "ana": ("analyst", {}),
    "risky": ("risk", {}),
    "aud": ("auditor", {}),
    "plain": ("user", {}),
    "locky": ("analyst", {}),  # locked out by the lockout test
}
ROLE_USER = {role: name for name, (role, _) in USERS.items() if name != "locky"}


def build_bank(root: Path, database_url: str | None = None) -> Workspace:
    """Two periods loaded, the second closed, one user of each role."""
    ws = Workspace.init(root / "ws", language="zh-CN", database_url=database_url)
    for period in PERIODS:
        folder = root / "in" / period
        write_sample_period(folder, period)
        load_period(ws, period, folder)
    close_period(ws, PERIODS[-1], by="boss")
    add_user(ws, "boss", password=PASSWORD)
    for name, (role, links) in USERS.items():
        if name != "boss":
            add_user(ws, name, "user", by="boss", password=PASSWORD)
            if role != "user":
                grant_user(ws, name, role, by="boss", **links)
    return ws


def settings(**overrides: object) -> WebSettings:
    values: dict[str, object] = {"secret_key": "s" * 48, "login_attempts_per_minute": 1000,
                                 **overrides}
    return WebSettings(**values)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Log `client` in through the form; the CSRF token of the session on `client.csrf`."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": password,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = client.get("/overrides")
    client.csrf = csrf_of(page.text) if page.status_code == 200 else _meta_csrf(page.text)
    return client


def _meta_csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]*)"', html)
    return found.group(1) if found else ""




def write_quarantine(ws: Workspace, period: str, table: str, rows: list[dict[str, str]],
                     kind: str = "") -> Path:
    """A quarantine file as the load writes it (`corptier.contract.quarantine`): UTF-8 with
    BOM, `row, column, reason`, then the table's columns, formula text neutralised."""
    import csv

    from corptier.contract.schema import TABLES
    from corptier.csv_safety import CSV_ENCODING, neutralise

    folder = ws.quarantine_dir / period / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    header = ["row", "column", "reason", *TABLES[table].column_names]
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([neutralise(r.get(h, "")) for h in header] for r in rows)
    return path
