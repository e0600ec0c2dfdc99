"""Every failure of the environment reaches the user as one line on stderr with the error's own
exit code, never a traceback: driven through the real entry point in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import corptier
from corptier.errors import ConfigError, StorageError, WorkspaceError
from corptier.services import close_period
from corptier.workspace import Workspace

SRC = str(Path(corptier.__file__).resolve().parents[1])
CLOSED_PORT_URL = "postgresql://alice:s3cr3t-pw@127.0.0.1:1/corptier"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `corptier ARGS` as a user would (the console script's entry point)."""
    full_env = {**os.environ, "PYTHONPATH": SRC, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from corptier.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, timeout=300, check=False,
    )


def one_error_line(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """The single error line of a failed command (asserting there is exactly one, last, after
    at most the plain progress lines of the steps that finished before it)."""
    assert "Traceback" not in proc.stderr, proc.stderr
    *steps, last = proc.stderr.strip().splitlines()
    step = re.compile(r"[^:]+: ([\d,]+ rows, )?[\d.]+ s(, [\d,.]+ rows/s)?")
    assert all(step.fullmatch(s) for s in steps), proc.stderr
    lines = [last]
    assert lines[0].startswith("error: "), proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    return lines[0]


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may create files in: a 0500 folder, or for root (whom modes do not
    stop) a folder of sysfs, which refuses new files even to root."""
    if os.geteuid() == 0:
        return Path("/sys/kernel")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


# --- the app database ------------------------------------------------------------------------
def test_a_missing_sqlite_database_is_refused_not_recreated(workspace: Workspace) -> None:
    db = workspace.root / "db.sqlite"
    db.unlink()
    line = one_error_line(cli("override", "list", "-w", str(workspace.root)),
                          WorkspaceError.exit_code)
    assert f"the app database {db} is missing" in line and "restore it from a backup" in line
    assert not db.exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_or_truncated_sqlite_database_is_one_line(workspace: Workspace,
                                                            damage: str) -> None:
    db = workspace.root / "db.sqlite"
    if damage == "garbage":
        db.write_bytes(b"this is not a database\n" * 200)
    else:
        db.write_bytes(db.read_bytes()[:1500])
    line = one_error_line(cli("override", "list", "-w", str(workspace.root)),
                          StorageError.exit_code)
    assert f"the app database {db}" in line
    assert "corrupt or truncated" in line


def _server_workspace(tmp_path: Path, url: str) -> Path:
    root = tmp_path / "pgws"
    Workspace.init(root, language="en")
    toml = root / "corptier.toml"
    toml.write_text(toml.read_text().replace("sqlite:///db.sqlite", url))
    toml.chmod(0o600)
    return root


def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    root = _server_workspace(tmp_path, CLOSED_PORT_URL)
    proc = cli("override", "list", "-w", str(root))
    line = one_error_line(proc, StorageError.exit_code)
    assert "postgresql://alice:***@127.0.0.1:1/corptier" in line
    assert "refuses connections" in line
    assert "s3cr3t" not in proc.stderr + proc.stdout


def test_init_on_an_unreachable_postgresql_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "new"
    proc = cli("init", str(target), "--database-url", CLOSED_PORT_URL, "--language", "en")
    one_error_line(proc, StorageError.exit_code)
    assert "s3cr3t" not in proc.stderr + proc.stdout
    assert not target.exists()


# --- corptier.toml ---------------------------------------------------------------------------
def test_a_non_utf8_config_is_one_line(workspace: Workspace) -> None:
    toml = workspace.root / "corptier.toml"
    toml.write_bytes(toml.read_text().replace("duckdb", "鸭子").encode("gbk"))
    line = one_error_line(cli("override", "list", "-w", str(workspace.root)),
                          ConfigError.exit_code)
    assert f"{toml}: not UTF-8 text" in line


def test_an_empty_config_is_refused(workspace: Workspace) -> None:
    toml = workspace.root / "corptier.toml"
    toml.write_text("\n# nothing here\n")
    line = one_error_line(cli("override", "list", "-w", str(workspace.root)),
                          ConfigError.exit_code)
    assert f"{toml}: the configuration is empty" in line


# --- outputs -----------------------------------------------------------------------------------
@pytest.fixture
def closed(loaded: Workspace) -> Workspace:
    close_period(loaded, "2026-07")
    return loaded


def test_outputs_to_an_unwritable_path_are_one_line(closed: Workspace, tmp_path: Path) -> None:
    locked = unwritable_folder(tmp_path)
    ws = str(closed.root)
    standard = str(closed.standards_dir / "default.yaml")
    commands = {
        "tiers": ["tiers", "-p", "2026-07", "--out", str(locked / "tiers.csv"), "-w", ws],
        "indicators": ["indicators", "-p", "2026-07", "--out", str(locked / "ind.csv"), "-w", ws],
        "compare": ["standard", "compare", standard, standard, "-p", "2026-07",
                    "--out", str(locked / "changes.csv"), "-w", ws],
    }
    for name, args in commands.items():
        line = one_error_line(cli(*args), StorageError.exit_code)
        assert str(locked) in line, name


def test_a_read_only_reports_folder_is_one_line(closed: Workspace, tmp_path: Path) -> None:
    reports = closed.reports_dir
    reports.rmdir()
    if os.geteuid() == 0:
        reports.symlink_to(unwritable_folder(tmp_path))
    else:
        reports.mkdir(mode=0o500)
    line = one_error_line(cli("report", "-p", "2026-07", "--lang", "en", "-w", str(closed.root)),
                          StorageError.exit_code)
    assert "cannot write" in line and "2026-07" in line


# --- secrets -----------------------------------------------------------------------------------
def test_init_never_prints_or_stores_the_password(tmp_path: Path, pg_schema_url: str) -> None:
    from corptier.database_url import with_password

    target = tmp_path / "bank"
    proc = cli("init", str(target), "--language", "en",
               "--database-url", with_password(pg_schema_url, "s3cr3t-pw"))
    assert proc.returncode == 0, proc.stderr
    assert "s3cr3t" not in proc.stdout + proc.stderr
    assert "CORPTIER_DATABASE_PASSWORD" in proc.stdout
    toml = target / "corptier.toml"
    assert "s3cr3t" not in toml.read_text()
    assert toml.stat().st_mode & 0o777 == 0o600
    listed = cli("override", "list", "-w", str(target),
                 env={"CORPTIER_DATABASE_PASSWORD": "s3cr3t-pw"})
    assert listed.returncode == 0, listed.stderr
