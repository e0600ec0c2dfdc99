"""The close through the command line, with an approved override taking effect."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import NotFoundError
from corptier.workspace import Workspace

runner = CliRunner()


def _run(ws: Workspace, *args: str):
    result = runner.invoke(app, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_close_tiers_explain_and_an_approved_override(loaded: Workspace) -> None:
    assert "Closed 2026-07" in _run(loaded, "close", "--period", "2026-07")
    before = list(csv.DictReader(io.StringIO(_run(loaded, "tiers", "--period", "2026-07"))))
    assert [r["customer_id"] for r in before] == ["C001", "C002", "C003", "C004", "C005"]
    c005 = next(r for r in before if r["customer_id"] == "C005")
    assert c005["applied_tier"] != "core"

    # July is published already: the override corrects it on a re-close only because it
    # starts on or before July's end (docs/standard.md, "Overrides in time")
    override_id = _run(loaded, "override", "request", "C005", "--tier", "core", "--reason",
                       "new strategic contract", "--until", "2099-12-31", "--by", "alice",
                       "--valid-from", "2026-07-01").strip()
    refused = runner.invoke(app, ["override", "approve", override_id, "--by", "alice",
                                  "--workspace", str(loaded.root)])
    assert refused.exit_code != 0 and "traceback" not in refused.output.lower()
    _run(loaded, "override", "approve", override_id, "--by", "bob")

    out = _run(loaded, "close", "--period", "2026-07")
    assert "identical" not in out  # the override makes it a different run
    after = {r["customer_id"]: r for r in csv.DictReader(
        io.StringIO(_run(loaded, "tiers", "--period", "2026-07")))}
    assert after["C005"]["applied_tier"] == "core"
    assert after["C005"]["computed_tier"] == c005["computed_tier"]
    text = _run(loaded, "explain", "C005", "--period", "2026-07", "--lang", "en")
    assert f"Override: #{override_id}" in text and "Applied tier: Core (core)" in text


def test_explain_of_an_unknown_customer_is_one_clear_line(loaded: Workspace) -> None:
    _run(loaded, "close", "--period", "2026-07")
    result = runner.invoke(app, ["explain", "NOPE", "--period", "2026-07",
                                 "--workspace", str(loaded.root)])
    assert result.exit_code == NotFoundError.exit_code
    assert "no customer of 2026-07 has the id, USCC or name 'NOPE'" in result.output


def test_an_override_for_an_unknown_customer_is_refused(loaded: Workspace) -> None:
    result = runner.invoke(app, ["override", "request", "NOPE", "--tier", "core", "--reason",
                                 "x", "--until", "2099-12-31", "--by", "alice",
                                 "--workspace", str(loaded.root)])
    assert result.exit_code == NotFoundError.exit_code
    assert "customer NOPE is not among the customers loaded for 2026-09" in result.output
