"""Alerts as a web user sees and handles them: the role's permission and the data scope (the
book's: the latest loaded customers' RM and sub-branch) are checked here, then the use cases of
`services.alerts` do the rest (the audit log records the user)."""

from __future__ import annotations

from corptier.errors import NotFoundError
from corptier.services import alerts as core
from corptier.services.access import Principal, require
from corptier.services.book import in_scope
from corptier.workspace import Workspace

MAX_ID = 2**31 - 1
MAX_LISTED = 500
ACTIONS = {"ack": core.acknowledge_alert, "resolve": core.resolve_alert,
           "dismiss": core.dismiss_alert}


def scoped_alerts(ws: Workspace, who: Principal, *, state: str | None = None,
                  severity: str | None = None, mine: bool = False) -> list[core.AlertView]:
    """The latest alerts of the customers `who` sees (a role without a book sees none);
    `mine`: an RM's or a team head's own (see `list_alerts`)."""
    if not who.can("read_book"):
        return []
    found = core.list_alerts(ws, mine=who.name if mine else None, state=state,
                             severity=severity, scope=who.scope, limit=MAX_LISTED)
    visible = in_scope(ws, who, sorted({a.customer_id for a in found}))
    return [a for a in found if a.customer_id in visible]


def scoped_alert(ws: Workspace, who: Principal, alert_id: int) -> core.AlertView:
    """One alert, when its customer is in `who`'s scope; NotFoundError otherwise."""
    require(who, "read_book")
    if not 0 < alert_id <= MAX_ID:
        raise NotFoundError("alert {id} does not exist", id=alert_id)
    alert = core.get_alert(ws, alert_id)
    if not in_scope(ws, who, [alert.customer_id]):
        raise NotFoundError("alert {id} does not exist", id=alert_id)
    return alert


def handle_as(ws: Workspace, who: Principal, alert_id: int, action: str,
              note: str | None = None) -> core.AlertView:
    """Acknowledge (`ack`), resolve or dismiss an alert of a customer in `who`'s scope."""
    require(who, "handle_alert")
    if action not in ACTIONS:
        raise NotFoundError("unknown alert action '{action}'", action=action)
    scoped_alert(ws, who, alert_id)
    return ACTIONS[action](ws, alert_id, who.name, note)
