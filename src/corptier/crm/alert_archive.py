"""The alert facts that come from the customer archive (visits, NPS, key contacts), as Ibis.

The services read each from the app database with one bulk query and hand it over as a small
table; here they are reduced per customer and left-joined to the alert frame in the engine. A
table that is None means the workspace keeps no such data: its facts are null for everyone, so
no rule on them fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

ARCHIVE_FACTS: dict[str, str] = {
    "days_since_visit": "int64",
    "visits_12m": "int64",
    "visit_cadence_days": "int64",
    "nps_latest": "int64",
    "key_contact_changed": "int64",
    "open_next_steps": "int64",
}
"""Facts from the archive a rule may test (see docs/alerts.md for each)."""

KEY_CONTACT_ROLES = ("legal_representative", "actual_controller")
"""The contact roles whose change is a dynamics alert (法定代表人, 实际控制人)."""


@dataclass(frozen=True)
class ArchiveTables:
    """The archive's raw tables for one period (each None when the workspace keeps none)."""

    period_end: date
    visits: ir.Table | None = None
    """customer_id, last_visit (date, up to the period end), visits_12m."""
    nps: ir.Table | None = None
    """customer_id, campaign_period, answered_at, answer_id, score: NPS answers up to the
    period (the latest per customer counts)."""
    key_contacts: ir.Table | None = None
    """customer_id: customers with a key contact added, edited or removed in the period."""
    cadence: ir.Table | None = None
    """tier, visit_days: the service catalogue's visit cadence per tier."""
    next_steps: ir.Table | None = None
    """customer_id, open_next_steps: the open follow-up tasks of the customers that have
    some."""


def join_archive(frame: ir.Table, archive: ArchiveTables | None,
                 customers: ir.Table | None = None) -> ir.Table:
    """`frame` with the columns of ARCHIVE_FACTS (null where the data is not kept).

    The facts are worked out on `customers` (customer_id, applied_tier; default: `frame`)
    and joined to `frame` once: given the period's published tiers, the query reads the
    archive tables next to them instead of repeating the whole frame (half the SQL)."""
    if archive is None:
        return frame.mutate(**{n: ibis.null(t) for n, t in ARCHIVE_FACTS.items()})
    base = frame if customers is None else customers
    facts = base.select(_a_id=_key(base), applied_tier=base.applied_tier.cast("string"),
                        customer_id=_key(base))
    facts = _visits(facts, archive.visits, archive.period_end)
    facts = _nps(facts, archive.nps)
    facts = _key_contacts(facts, archive.key_contacts)
    facts = _next_steps(facts, archive.next_steps)
    facts = _cadence(facts, archive.cadence).select("_a_id", *ARCHIVE_FACTS)
    return frame.left_join(facts, _key(frame) == facts._a_id).drop("_a_id")


def _key(frame: ir.Table) -> ir.StringValue:
    return frame.customer_id.cast("string")


def _visits(frame: ir.Table, visits: ir.Table | None, period_end: date) -> ir.Table:
    if visits is None:
        return frame.mutate(days_since_visit=ibis.null("int64"), visits_12m=ibis.null("int64"))
    v = visits.select(_v_id=visits.customer_id.cast("string"),
                      _last=visits.last_visit.cast("date"),
                      _n=visits.visits_12m.cast("int64"))
    joined = frame.left_join(v, _key(frame) == v._v_id)
    end = ibis.literal(period_end, "date")
    return joined.mutate(
        days_since_visit=end.delta(joined._last, unit="day").cast("int64"),
        visits_12m=joined._n.fill_null(0),   # the workspace logs interactions: none is 0
    ).drop("_v_id", "_last", "_n")


def _nps(frame: ir.Table, nps: ir.Table | None) -> ir.Table:
    if nps is None:
        return frame.mutate(nps_latest=ibis.null("int64"))
    order = ibis.window(group_by=nps.customer_id,
                        order_by=[ibis.desc(nps.campaign_period), ibis.desc(nps.answered_at),
                                  ibis.desc(nps.answer_id)])
    ranked = nps.mutate(_rn=ibis.row_number().over(order))
    latest = ranked.filter(ranked._rn == 0).select(
        _n_id=ranked.customer_id.cast("string"), nps_latest=ranked.score.cast("int64"))
    return frame.left_join(latest, _key(frame) == latest._n_id).drop("_n_id")


def _key_contacts(frame: ir.Table, changed: ir.Table | None) -> ir.Table:
    if changed is None:
        return frame.mutate(key_contact_changed=ibis.null("int64"))
    c = changed.select(_c_id=changed.customer_id.cast("string")).distinct()
    joined = frame.left_join(c, _key(frame) == c._c_id)
    return joined.mutate(
        key_contact_changed=joined._c_id.notnull().ifelse(1, 0).cast("int64")
    ).drop("_c_id")


def _next_steps(frame: ir.Table, steps: ir.Table | None) -> ir.Table:
    if steps is None:
        return frame.mutate(open_next_steps=ibis.null("int64"))
    s = steps.select(_s_id=steps.customer_id.cast("string"),
                     _s_n=steps.open_next_steps.cast("int64"))
    joined = frame.left_join(s, _key(frame) == s._s_id)
    return joined.mutate(open_next_steps=joined._s_n.fill_null(0)).drop("_s_id", "_s_n")


def _cadence(frame: ir.Table, cadence: ir.Table | None) -> ir.Table:
    if cadence is None:
        return frame.mutate(visit_cadence_days=ibis.null("int64"))
    c = cadence.select(_tier=cadence.tier.cast("string"),
                       visit_cadence_days=cadence.visit_days.cast("int64"))
    return frame.left_join(c, frame.applied_tier.cast("string") == c._tier).drop("_tier")
