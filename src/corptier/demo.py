"""The demo: a synthetic branch, loaded, closed period by period, and reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corptier.close import CloseResult, close_period
from corptier.close.adoption import adopt_standard
from corptier.close.inputs import active_standard, active_standard_path
from corptier.contract import load_period
from corptier.evaluation.report import ReportPaths, write_report
from corptier.synth import synthesize
from corptier.workspace import Workspace

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    incoming: Path
    periods: list[str]
    rows_loaded: int
    rows_rejected: int
    last_close: CloseResult
    report: ReportPaths


def run_demo(
    target: Path,
    *,
    customers: int = 5000,
    months: int = 24,
    seed: int = 2026,
    language: str = "zh-CN",
    progress: Progress = lambda _msg: None,
) -> DemoResult:
    """Synthesise a branch into `target/incoming`, load and close every period in a workspace
    at `target/workspace`, and write the last period's report. Safe to run again."""
    target = Path(target)
    root = target / "workspace"
    ws = Workspace.open(root) if (root / "corptier.toml").exists() else Workspace.init(
        root, language=language
    )
    incoming = target / "incoming"
    progress(f"Synthesising {customers} customers × {months} months into {incoming}")
    summary = synthesize(incoming, customers, months, seed)
    loaded = rejected = 0
    for period in summary.periods:
        report = load_period(ws, period, incoming / period)
        loaded, rejected = loaded + report.accepted, rejected + report.rejected
        progress(f"Loaded {period}: {report.accepted:,} rows accepted, {report.rejected} rejected")
    adopt_standard(ws, active_standard_path(ws), summary.periods[0], "demo",
                   "default standard adopted for the demo")
    close = None
    for period in summary.periods:
        close = close_period(ws, period)
        progress(f"Closed {period}: " + ", ".join(f"{k} {v}" for k, v in close.tier_counts.items()))
    assert close is not None
    paths = write_report(ws, close.period, standard=active_standard(ws))
    return DemoResult(ws.root, incoming, list(summary.periods), loaded, rejected, close, paths)
