"""The demo: a synthetic branch, loaded, closed period by period, and reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corptier.config import CONFIG_FILE
from corptier.report import ReportPaths
from corptier.services.closing import CloseResult, close_period
from corptier.services.loading import load_period
from corptier.services.progress import stage, step
from corptier.services.reports import write_report
from corptier.services.standards import active_standard_path, adopt_standard
from corptier.services.synthesis import synthesize_bank
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


@stage("demo", rows=lambda result: result.rows_loaded)
def run_demo(
    target: Path | str,
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
    ws = Workspace.open(root) if (root / CONFIG_FILE).exists() else Workspace.init(
        root, language=language
    )
    incoming = target / "incoming"
    progress(f"Synthesising {customers} customers × {months} months into {incoming}")
    summary = synthesize_bank(incoming, customers=customers, months=months, seed=seed)
    loaded = rejected = 0
    for period in summary.periods:
        report = load_period(ws, period, incoming / period)
        loaded, rejected = loaded + report.accepted, rejected + report.rejected
        progress(f"Loaded {period}: {report.accepted:,} rows accepted, {report.rejected} rejected")
    step("adopt standard")
    adopt_standard(ws, active_standard_path(ws), summary.periods[0], "demo",
                   "default standard adopted for the demo")
    close = None
    for period in summary.periods:
        close = close_period(ws, period)
        progress(f"Closed {period}: " + ", ".join(f"{k} {v}" for k, v in close.tier_counts.items()))
    if close is None:
        raise RuntimeError("the synthetic bank has no period")  # months >= 1 is checked
    paths = write_report(ws, close.period)
    return DemoResult(ws.root, incoming, list(summary.periods), loaded, rejected, close, paths)
