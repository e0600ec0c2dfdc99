"""The life of a dynamics alert, pure: open → acknowledged → resolved (with a note) or
dismissed (with a reason); an open alert may also be resolved or dismissed at once."""

from __future__ import annotations

from corptier.errors import RequestError

STATES = ("open", "acknowledged", "resolved", "dismissed")
LIVE = ("open", "acknowledged")
ENTITY = "alert"
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("open",), "acknowledged"),
    "resolve": (LIVE, "resolved"),
    "dismiss": (LIVE, "dismissed"),
}
"""Action → (the states it may start from, the state it leads to)."""
NOTE_REQUIRED = {"resolve": "--note: a resolution note is required to resolve alert {id}",
                 "dismiss": "--note: a reason is required to dismiss alert {id}"}
"""Action → the error template when its note is missing (one whole sentence per action)."""
NOT_ALLOWED = {
    "acknowledge": "alert {id} is {state}; only an alert that is {allowed} can be acknowledged",
    "resolve": "alert {id} is {state}; only an alert that is {allowed} can be resolved",
    "dismiss": "alert {id} is {state}; only an alert that is {allowed} can be dismissed",
}
UNKNOWN = {"state": "unknown alert state '{value}'; use one of {allowed}",
           "severity": "unknown alert severity '{value}'; use one of {allowed}"}
MAX_NOTE = 4_000


def check_action(alert_id: int, state: str, action: str, note: str | None) -> str | None:
    """The note of `action` on an alert in `state` (as given; None when blank), or
    RequestError saying why the action is not allowed."""
    allowed, _ = ACTIONS[action]
    if state not in allowed:
        raise RequestError(NOT_ALLOWED[action], id=alert_id, state=state,
                           allowed=" or ".join(allowed))
    cleaned = note if note and note.strip() else None  # kept verbatim
    if cleaned is None and action in NOTE_REQUIRED:
        raise RequestError(NOTE_REQUIRED[action], id=alert_id)
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise RequestError("--note: at most {limit:,} characters; got {count:,}", limit=MAX_NOTE,
                           count=len(cleaned))
    return cleaned


def check_filter(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise RequestError(UNKNOWN[what], value=value, allowed=", ".join(allowed))

