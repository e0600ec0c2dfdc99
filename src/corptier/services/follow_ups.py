"""Next steps become RM tasks (跟进任务): an interaction with a next step and a due date makes
one open service task of kind `follow_up`, assigned to the customer's RM, due on the next
step's date; it is listed, overdue and completed like the tasks of a service plan.

The task belongs to the month of the interaction (`period`), takes the tier and sub-branch of
the customer's latest service plan (an empty tier while the customer has none) and keeps the
next step's text as its note. A close never removes or supersedes it (it is a promise made to
the customer, not a service of the tier); it does hand it to the customer's new RM. At most one
task per interaction (a unique index), so importing a log twice adds none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from corptier.periods import Period
from corptier.store import UnitOfWork

KIND = "follow_up"
MAX_NOTE = 2000
UNPLANNED_TIER = ""
"""The tier of a follow-up of a customer that has no service plan yet."""


class FollowUp(NamedTuple):
    """What a follow-up task needs of its interaction."""

    interaction_id: int
    customer_id: str
    occurred_on: date
    rm_id: str | None
    next_step: str | None
    next_step_due: date | None


def add_follow_ups(uow: UnitOfWork, interactions: Sequence[FollowUp], by: str,
                   now: datetime, *, audit_each: bool = True) -> list[int]:
    """Make the follow-up task of each of `interactions` that has a next step due; the ids
    of the tasks made. Each is audited on its own unless `audit_each` is False (an import
    audits its summary)."""
    from corptier.services.service_tasks import ENTITY, _snapshot

    due = [i for i in interactions if i.next_step_due is not None]
    if not due:
        return []
    plans = uow.service_plans.latest_plans([i.customer_id for i in due])
    uow.service_plans.insert_tasks([
        {"period": str(Period.from_date(i.occurred_on)), "customer_id": i.customer_id,
         "kind": KIND, "tier": plans.get(i.customer_id, (UNPLANNED_TIER, None))[0],
         "rm_id": i.rm_id, "sub_branch": plans.get(i.customer_id, (UNPLANNED_TIER, None))[1],
         "due_date": i.next_step_due, "status": "open",
         "note": (i.next_step or "")[:MAX_NOTE] or None, "interaction_id": i.interaction_id}
        for i in due])
    made = uow.service_plans.follow_ups_of([i.interaction_id for i in due])
    for task in made if audit_each else ():
        uow.audit.record(now, by, "add", ENTITY, str(task.id), after=_snapshot(task))
    return [t.id for t in made]
