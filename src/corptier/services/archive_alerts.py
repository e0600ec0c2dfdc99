"""Alerts after an archive edit: when a key contact changes or an interaction is logged, the
rules whose conditions read the archive (`key_contact_changed`, `no_visit_in_cadence`,
`nps_detractor`, any rule naming an archive fact) are evaluated again for the edited customers
only, on the latest closed period, through the close's own evaluation and de-duplication.

The archive's facts are taken as of today (a visit logged after the period end counts for
`days_since_visit`; a key contact changed since the period start counts as changed); the other
facts are the period's. An alert whose condition no longer holds is marked so, as at a close
(someone still resolves it). Nothing happens before the first close, with broken rules (the
next close reports them) or while another command holds the workspace (the close it runs
evaluates every alert).
"""

from __future__ import annotations

from collections.abc import Sequence

from corptier.crm.alert_archive import ARCHIVE_FACTS
from corptier.errors import StandardError, WorkspaceError
from corptier.periods import Period
from corptier.services.alerts import (
    AlertEvaluation,
    Clock,
    Scope,
    _evaluate,
    _naive,
    alert_rules,
    utc_now,
)
from corptier.services.recovery import writing
from corptier.store import UnitOfWork
from corptier.tiering.conditions import condition_names
from corptier.workspace import Workspace

LOCK_WAIT = 2.0
"""Seconds an edit waits for another writer before leaving the alerts to the next close."""


def reevaluate_archive_alerts(ws: Workspace, customer_ids: Sequence[str], by: str = "system",
                              *, clock: Clock = utc_now) -> AlertEvaluation | None:
    """Evaluate the archive's rules again for `customer_ids` on the latest closed period (one
    engine pass over those customers, audited like a close's evaluation); None when nothing
    was evaluated (see the module's note)."""
    customers = tuple(sorted(set(customer_ids)))
    with UnitOfWork(ws.db) as uow:
        periods = uow.runs.published_periods()
    if not customers or not periods:
        return None
    try:
        rules = alert_rules(ws)
    except StandardError:
        return None
    archive = tuple(r for r in rules.rules if condition_names(r.when) & set(ARCHIVE_FACTS))
    scoped = rules.model_copy(update={"rules": archive})
    if not scoped.enabled:
        return None
    p = Period(max(periods))
    now = _naive(clock())
    try:
        with writing(ws, f"alerts {p} {customers[0]}", timeout=LOCK_WAIT):
            return _evaluate(ws, p, scoped, now, by, Scope(customers, now.date()))
    except WorkspaceError:
        return None
