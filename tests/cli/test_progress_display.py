"""Progress on the command line: plain lines on stderr when not a terminal, one per step of a
close with rows and rows per second, in the workspace's language."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.cli.progress import event_line
from corptier.services import load_period
from corptier.services.progress import Event
from corptier.workspace import Workspace
from sample_data import write_sample_period

runner = CliRunner()
PERIOD = "2026-07"


@pytest.fixture(scope="module")
def loaded_en(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("progress")
    ws = Workspace.init(root / "ws", language="en")
    write_sample_period(root / "in", PERIOD)
    load_period(ws, PERIOD, root / "in")
    return ws


def test_a_close_prints_one_plain_line_per_step_on_stderr(loaded_en: Workspace) -> None:
    result = runner.invoke(app, ["close", "--period", PERIOD, "-w", str(loaded_en.root)])
    assert result.exit_code == 0, result.output
    steps = [line for line in result.stderr.splitlines() if line.startswith("close ")]
    names = [line.split(":")[0] for line in steps]
    assert names == [f"close {PERIOD} · indicators", f"close {PERIOD} · tiering",
                     f"close {PERIOD} · publish", f"close {PERIOD}"]
    assert re.fullmatch(rf"close {PERIOD}: 5 rows, [\d.]+ s(, [\d,]+ rows/s)?", steps[-1])
    assert "close 2026-07 ·" not in result.stdout and "Closed 2026-07" in result.stdout


def test_a_step_line_speaks_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    outer = Event("close {period}", {"period": "2026-09"}, "stage", ())
    event = Event("tiering", {}, "step", (outer,), rows=4824, seconds=2.0)
    monkeypatch.setenv("CORPTIER_LANG", "zh-CN")
    assert event_line(event) == "关账 2026-09 · 分层: 4,824 行, 2.0 秒, 2,412 行/秒"
    monkeypatch.setenv("CORPTIER_LANG", "en")
    assert event_line(event) == "close 2026-09 · tiering: 4,824 rows, 2.0 s, 2,412 rows/s"


def test_step_times_of_the_demo_add_up_per_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPTIER_LANG", "en")
    from corptier.cli.reports import step_times

    demo = Event("demo", {}, "stage", (), seconds=10.0)
    events = [
        Event("synthesise", {}, "stage", (demo,), seconds=2.0),
        Event("load {period}", {"period": "2026-01"}, "stage", (demo,), seconds=1.5),
        Event("load {period}", {"period": "2026-02"}, "stage", (demo,), seconds=2.5),
        Event("close {period}", {"period": "2026-02"}, "stage", (demo,), seconds=3.0),
        demo,
    ]
    assert step_times(events) == [["synthesise", "1", "2.0"], ["load", "2", "4.0"],
                                  ["close", "1", "3.0"], ["demo", "1", "10.0"]]
