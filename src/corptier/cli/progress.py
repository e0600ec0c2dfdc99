"""Progress on the command line: a Rich display on a terminal, one plain line per step otherwise.

Both are reporters for `corptier.services.progress`; lines go to stderr, so that a command's own
output (stdout) stays clean. Steps nested deeper than a stage's own steps (a load's tables inside
the demo) show only while they run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from corptier.cli.base import err_console
from corptier.cli.labels import TABLE_LABELS, label
from corptier.cli.language import _, translator
from corptier.services.progress import Event, StepLog, reporting

KEPT_DEPTH = 1
"""Stages and steps up to this depth leave a line; deeper ones show only while they run."""


def event_name(event: Event) -> str:
    """The event's name in the current language, inside the stages it runs in."""
    return " · ".join(_name(e) for e in (*event.outer, event))


def _name(event: Event) -> str:
    if event.template in TABLE_LABELS:  # a load's step per input table
        return label(event.template, "table")
    return _(event.template).format(**event.values) if event.values else _(event.template)


def event_line(event: Event) -> str:
    """One line for an ended stage or step: name, rows, seconds and rows per second."""
    tr = translator()
    parts = [tr.count(event.rows) + " " + _("rows")] if event.rows is not None else []
    parts.append(_("{seconds} s").format(seconds=tr.number(event.seconds or 0.0, 1)))
    rate = event.rows_per_second
    if rate is not None:
        parts.append(_("{rate} rows/s").format(rate=tr.count(rate)))
    return f"{event_name(event)}: {', '.join(parts)}"


class PlainSteps(StepLog):
    """One line per ended stage and step (up to `KEPT_DEPTH`), for logs and pipes."""

    def ended(self, event: Event) -> None:
        super().ended(event)
        if event.depth <= KEPT_DEPTH and not event.failed:  # a failure is the error's one line
            sys.stderr.write(event_line(event) + "\n")
            sys.stderr.flush()


class RichSteps(StepLog):
    """A live Rich display: a spinner per running stage and step with its rows and elapsed time;
    each ended stage and step (up to `KEPT_DEPTH`) leaves its line with rows per second."""

    def __init__(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        super().__init__()
        self.display = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                                TimeElapsedColumn(), console=_screen(), transient=True)
        self._tasks: dict[int, Any] = {}

    def began(self, event: Event) -> None:
        rows = "" if event.rows is None else f"  {translator().count(event.rows)} {_('rows')}"
        self._tasks[id(event)] = self.display.add_task(
            "  " * event.depth + event_name(event) + rows, total=None)

    def ended(self, event: Event) -> None:
        from rich.text import Text

        super().ended(event)
        task = self._tasks.pop(id(event), None)
        if task is not None:
            self.display.remove_task(task)
        if event.depth <= KEPT_DEPTH and not event.failed:  # a failure is the error's one line
            self.display.console.print(Text(f"{'  ' * event.depth}✓ {event_line(event)}"))


def _screen() -> Any:
    return getattr(err_console, "real", err_console)


@contextmanager
def showing_progress() -> Iterator[StepLog]:
    """Report the services' stages and steps run inside the block: live on a terminal, plain
    lines otherwise; yields the log of every ended step."""
    if _screen().is_terminal:
        steps: StepLog = RichSteps()
        with steps.display, reporting(steps):  # type: ignore[attr-defined]
            yield steps
    else:
        steps = PlainSteps()
        with reporting(steps):
            yield steps
