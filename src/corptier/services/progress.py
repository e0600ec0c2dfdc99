"""Progress of long work, without a screen: a face installs a reporter, services name their steps.

    with reporting(reporter):          # the face (CLI: a Rich display or plain lines)
        close_period(ws, "2026-09")    # services: @stage("close {period}") and step("tiering")

A stage is one use case run (a load, a close); its steps follow one another, each ending when the
next begins or the stage ends. Without a reporter every call is a no-op.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(eq=False)
class Event:
    """A stage or a step: its name, where it sits, and (once ended) its time and rows."""

    template: str
    """The name before its values are filled in, e.g. "close {period}" (a catalogue key)."""
    values: dict[str, Any]
    kind: str
    """"stage" or "step"."""
    outer: tuple[Event, ...]
    """The stages it runs in, outermost first."""
    rows: int | None = None
    started: float = field(default_factory=time.perf_counter)
    seconds: float | None = None
    failed: bool = False

    @property
    def name(self) -> str:
        """The name with its values, e.g. "close 2026-09"."""
        return self.template.format(**self.values) if self.values else self.template

    @property
    def label(self) -> str:
        """The full name, e.g. "close 2026-09 · tiering"."""
        return " · ".join((*(e.name for e in self.outer), self.name))

    @property
    def depth(self) -> int:
        return len(self.outer)

    @property
    def rows_per_second(self) -> float | None:
        if self.rows is None or not self.seconds:
            return None
        return self.rows / self.seconds


class Reporter(Protocol):
    """What a face implements to show progress."""

    def began(self, event: Event) -> None: ...

    def ended(self, event: Event) -> None: ...


class StepLog:
    """A reporter that keeps every ended stage and step, in the order they ended."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def began(self, event: Event) -> None:
        """Nothing to do when a step begins."""

    def ended(self, event: Event) -> None:
        self.events.append(event)


@dataclass
class _Open:
    stage: Event
    step: Event | None = None


_reporter: ContextVar[Reporter | None] = ContextVar("corptier_reporter", default=None)
_stages: ContextVar[tuple[_Open, ...]] = ContextVar("corptier_stages", default=())


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Report the stages and steps run inside the block to `reporter`."""
    token, stages = _reporter.set(reporter), _stages.set(())
    try:
        yield reporter
    finally:
        _stages.reset(stages)
        _reporter.reset(token)


def step(name: str, *, rows: int | None = None, **values: Any) -> None:
    """Begin step `name` (a template filled with `values`) of the current stage, ending the step
    before; `rows` is how many rows it handles, when known before it starts."""
    reporter, stages = _reporter.get(), _stages.get()
    if reporter is None or not stages:
        return
    current = stages[-1]
    _end_step(reporter, current)
    current.step = Event(name, values, "step", tuple(s.stage for s in stages), rows)
    reporter.began(current.step)


def stage(template: str, *, rows: Callable[[Any], int | None] | None = None) -> Callable[[F], F]:
    """Run the decorated use case as a stage named `template` formatted with its arguments
    (e.g. "close {period}"); `rows(result)` gives the rows it handled."""

    def decorate(func: F) -> F:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            reporter = _reporter.get()
            if reporter is None:
                return func(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            with _staged(reporter, template, bound.arguments) as opened:
                result = func(*args, **kwargs)
                opened.stage.rows = None if rows is None else rows(result)
                return result

        return run  # type: ignore[return-value]  # same signature as func

    return decorate


@contextmanager
def _staged(reporter: Reporter, template: str, values: dict[str, Any]) -> Iterator[_Open]:
    outer = _stages.get()
    if outer:
        _end_step(reporter, outer[-1])
    opened = _Open(Event(template, values, "stage", tuple(s.stage for s in outer)))
    token = _stages.set((*outer, opened))
    reporter.began(opened.stage)
    try:
        yield opened
    except BaseException:
        opened.stage.failed = True
        if opened.step is not None:
            opened.step.failed = True
        raise
    finally:
        _end_step(reporter, opened)
        _stages.reset(token)
        _finish(reporter, opened.stage)


def _end_step(reporter: Reporter, opened: _Open) -> None:
    if opened.step is not None:
        _finish(reporter, opened.step)
        opened.step = None


def _finish(reporter: Reporter, event: Event) -> None:
    event.seconds = time.perf_counter() - event.started
    reporter.ended(event)
