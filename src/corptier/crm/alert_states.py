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
NOTE_REQUIRED = {"resolve": "a resolution note", "dismiss": "a reason"}
MAX_NOTE = 4_000


def check_action(alert_id: int, state: str, action: str, note: str | None) -> str | None:
    """The note of `action` on an alert in `state` (as given; None when blank), or
    RequestError saying why the action is not allowed."""
    allowed, _ = ACTIONS[action]
    if state not in allowed:
        raise RequestError("alert {id} is {state}; only an alert that is {allowed} can be {done}",
                           id=alert_id, state=state, allowed=" or ".join(allowed),
                           done=_past(action))
    cleaned = note if note and note.strip() else None  # kept verbatim
    if cleaned is None and action in NOTE_REQUIRED:
        raise RequestError("--note: {what} is required to {action} alert {id}",
                           what=NOTE_REQUIRED[action], action=action, id=alert_id)
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise RequestError("--note: at most {limit:,} characters; got {count:,}", limit=MAX_NOTE,
                           count=len(cleaned))
    return cleaned


def check_filter(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise RequestError("unknown alert {what} '{value}'; use one of {allowed}", what=what,
                           value=value, allowed=", ".join(allowed))


def _past(action: str) -> str:
    return {"acknowledge": "acknowledged", "resolve": "resolved", "dismiss": "dismissed"}[action]
