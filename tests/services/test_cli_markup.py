"""User values with Rich markup (`[/]`, `[red]`) are printed as they are, never interpreted."""

from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import NotFoundError, RequestError, StandardError
from corptier.workspace import Workspace
from sample_data import write_sample_period

runner = CliRunner()


def _ok(ws: Workspace, *args: str) -> str:
    result = runner.invoke(app, [*args, "--workspace", str(ws.root)])
    assert result.exception is None, result.output
    return result.output


def _fails(ws: Workspace, code: int, *args: str) -> str:
    result = runner.invoke(app, [*args, "--workspace", str(ws.root)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == code, result.output
    return result.output


def test_override_request_approve_list_with_markup(loaded: Workspace) -> None:
    _ok(loaded, "close", "--period", "2026-07")
    override_id = _ok(loaded, "override", "request", "C005", "--tier", "core", "--reason",
                      "x[/]", "--until", "2099-12-31", "--by", "alice").strip()
    out = _ok(loaded, "override", "approve", override_id, "--by", "bob", "--note", "n[/]")
    assert f"override {override_id} (C005 → Core) approved by bob" in out
    listing = _ok(loaded, "override", "list")
    assert "alice" in listing and "bob" in listing
    assert re.search(r"│\s+x\[/\] │", listing), listing
    # a user name with markup is not a name: refused in one line that shows it literally
    refused = _fails(loaded, RequestError.exit_code, "override", "revoke", override_id,
                     "--by", "carol[bold]")
    assert "carol[bold]" in refused


def test_explain_and_close_errors_with_markup(loaded: Workspace, tmp_path) -> None:
    _ok(loaded, "close", "--period", "2026-07")
    out = _fails(loaded, NotFoundError.exit_code, "explain", "X[red]", "--period", "2026-07")
    assert "no customer of 2026-07 has the id, USCC or name 'X[red]'" in out
    out = _fails(loaded, NotFoundError.exit_code, "explain", "X[/]", "--period", "2026-07")
    assert "no customer of 2026-07 has the id, USCC or name 'X[/]'" in out
    missing = tmp_path / "std[/red].yaml"
    out = _fails(loaded, StandardError.exit_code, "close", "--period", "2026-07",
                 "--standard", str(missing))
    assert "std[/red].yaml" in out


def test_close_with_a_standard_in_a_folder_with_markup(loaded: Workspace, tmp_path) -> None:
    folder = tmp_path / "std[bold]"
    folder.mkdir()
    shutil.copy(loaded.standards_dir / "default.yaml", folder / "s[red].yaml")
    out = _ok(loaded, "close", "--period", "2026-07", "--standard", str(folder / "s[red].yaml"))
    assert "Closed 2026-07" in out


def test_load_prints_file_names_with_markup(loaded: Workspace, tmp_path) -> None:
    folder = tmp_path / "in[bold]"
    write_sample_period(folder, "2026-09")
    (folder / "notes[red].txt").write_text("x")
    out = _ok(loaded, "load", "--period", "2026-09", str(folder))
    assert "file notes[red].txt is not a contract table; ignored" in out
    assert "in[bold]" in out.replace("\n", "")


def test_progress_line_on_a_terminal_shows_the_period_as_text(loaded: Workspace,
                                                              monkeypatch) -> None:
    import io

    from rich.console import Console

    from corptier.cli import progress as cli_progress

    screen = io.StringIO()
    monkeypatch.setattr(cli_progress, "err_console", Console(file=screen, force_terminal=True))
    result = runner.invoke(app, ["indicators", "--period", "2026-0[/]",
                                 "--workspace", str(loaded.root)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert "indicators 2026-0[/]" in screen.getvalue()
