"""`corptier --help` lists the commands in workflow order; `--version` prints the version."""

from __future__ import annotations

from typer.testing import CliRunner

from corptier.cli import app
from corptier.cli.base import WORKFLOW

runner = CliRunner()


def test_help_lists_the_commands_in_workflow_order() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and result.exception is None
    positions = [result.output.index(f"\n  {name} ") for name in WORKFLOW]
    assert positions == sorted(positions)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("corptier 0.")
