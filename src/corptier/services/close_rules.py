"""Which closes are allowed: periods are closed in order, and not before the standard applies.

After the first close of a workspace (any loaded period), closing P needs every loaded period
between the first closed period and P closed; closing P while later periods are published needs
`reclose_following`, and the close then re-closes those periods after P, in order. A close of a
period that ends before the standard's `effective_from` is refused. Each refusal is one line in
the workspace's language naming the periods or dates (`CloseRefusedError`).
"""

from __future__ import annotations

from collections.abc import Iterable

from corptier.errors import CloseRefusedError
from corptier.i18n import N_
from corptier.periods import Period
from corptier.services.messages import translator_for
from corptier.store import UnitOfWork
from corptier.tiering import Standard
from corptier.workspace import Workspace


def periods_to_close(ws: Workspace, period: Period, reclose_following: bool) -> list[Period]:
    """`period` and, with `reclose_following`, the published periods after it (oldest first);
    CloseRefusedError naming the first loaded period left unclosed before it (or before the
    last of those it re-closes), or the later published periods without `reclose_following`."""
    with UnitOfWork(ws.db) as uow:
        closed = {Period(p) for p in uow.runs.published_periods()}
    later = sorted(p for p in closed if p > period)
    first = min(closed, default=period)
    last = max([period, *later]) if reclose_following else period
    missing = _first_missing(ws.periods(), closed | {period}, min(first, period), last)
    if missing is not None:
        raise CloseRefusedError(_say(ws, N_("{missing} is not closed; close it first"),
                                     missing=missing))
    if later and not reclose_following:
        raise CloseRefusedError(_say(
            ws, N_("{periods} after {period} are already published: close {period} with "
                   "--reclose-following to close them again in order"),
            periods=", ".join(later), period=period))
    return [period, *later] if reclose_following else [period]


def refuse_before_effective(ws: Workspace, standard: Standard, period: Period) -> None:
    """CloseRefusedError when `period` ends before the standard's `effective_from`."""
    if period.month_end < standard.effective_from:
        raise CloseRefusedError(_say(
            ws, N_("standard {standard} {version} is effective from {effective}; period "
                   "{period} ends on {end}, before it: close it with a standard in force then"),
            standard=standard.id, version=standard.version,
            effective=standard.effective_from.isoformat(), period=period,
            end=period.month_end.isoformat()))


def _first_missing(loaded: Iterable[Period], closed: set[Period], start: Period,
                   end: Period) -> Period | None:
    """The first loaded period from `start` to `end` that is not in `closed`."""
    return next((p for p in sorted(loaded) if start <= p <= end and p not in closed), None)


def _say(ws: Workspace, message: str, **values: object) -> str:
    return translator_for(ws.config.workspace.language).gettext(message).format(**values)
