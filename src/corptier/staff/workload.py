"""Each RM's book as Ibis expressions: customers per RM and tier over the published tiers (the
only per-customer step, a group-by in the engine), weighted load, certification status and
recent training — small tables the services read."""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

YEAR_DAYS = 365


def book_table(published: ir.Table, customers: ir.Table) -> ir.Table:
    """(customer_id, tier, rm_id) of every published customer (rm_id as the customers table
    has it: empty when unassigned)."""
    people = customers.select(_cid=customers.customer_id.cast("string"),
                              rm_id=customers.rm_id.cast("string"))
    joined = published.left_join(people, published.customer_id.cast("string") == people._cid)
    return joined.select(customer_id=joined.customer_id.cast("string"),
                         tier=joined.applied_tier.cast("string"), rm_id=joined.rm_id)


def rm_tiers(book: ir.Table, managers: ir.Table) -> ir.Table:
    """(rm_id, tier, customers, example) per RM of the roster and tier; customers whose RM is
    empty or not on the roster are counted under rm_id NULL."""
    ids = managers.select(_rm=managers.rm_id.cast("string"))
    j = book.left_join(ids, book.rm_id == ids._rm)
    covered = j.select(customer_id=j.customer_id, tier=j.tier, rm_id=j._rm)
    return covered.group_by(["rm_id", "tier"]).agg(
        customers=covered.count(), example=covered.customer_id.min())


def weighted_load(pairs: ir.Table, tiers: ir.Table) -> ir.Table:
    """(rm_id, customers, load): customers and their tier-weighted sum per RM on the roster."""
    w = tiers.select(_tier=tiers.tier, weight=tiers.weight)
    j = pairs.filter(pairs.rm_id.notnull()).left_join(w, pairs.tier == w._tier)
    load = j.customers.cast("float64") * j.weight.fill_null(0.0)
    return j.group_by("rm_id").agg(customers=j.customers.sum(), load=load.sum())


def certification_status(certs: ir.Table, month_end: date, expiring_days: int) -> ir.Table:
    """(rm_id, certification, issued, expires, status): `valid` on the month end, `expiring`
    (valid but ending within `expiring_days`), `expired`, or `not_yet` (issued later)."""
    end = ibis.literal(month_end, "date")
    soon = ibis.literal(month_end + timedelta(days=expiring_days), "date")
    status = (ibis.cases((certs.issued > end, "not_yet"),
                         (certs.expires.notnull() & (certs.expires < end), "expired"),
                         (certs.expires.notnull() & (certs.expires <= soon), "expiring"),
                         else_="valid"))
    return certs.select(rm_id=certs.rm_id.cast("string"),
                        certification=certs.certification.cast("string"),
                        issued=certs.issued, expires=certs.expires, status=status)


def recent_training(training: ir.Table, month_end: date) -> ir.Table:
    """(rm_id, hours, courses, avg_score) of the training in the year up to the month end."""
    start = ibis.literal(month_end - timedelta(days=YEAR_DAYS), "date")
    t = training.filter((training.date > start)
                        & (training.date <= ibis.literal(month_end, "date")))
    return t.group_by(t.rm_id.cast("string").name("rm_id")).agg(
        hours=t.hours.sum(), courses=t.count(), avg_score=t.score.mean())


def placed_book(published: ir.Table, customers: ir.Table, managers: ir.Table) -> ir.Table:
    """(customer_id, tier, rm_id, sub_branch): every published customer with its RM when that
    RM is on the roster (else NULL) and the sub-branch that books it."""
    people = customers.select(_cid=customers.customer_id.cast("string"),
                              _rm=customers.rm_id.cast("string"),
                              sub_branch=customers.sub_branch.cast("string"))
    ids = managers.select(_known=managers.rm_id.cast("string"))
    j = published.left_join(people, published.customer_id.cast("string") == people._cid)
    j = j.left_join(ids, j._rm == ids._known)
    return j.select(customer_id=j.customer_id.cast("string"),
                    tier=j.applied_tier.cast("string"), rm_id=j._known,
                    sub_branch=j.sub_branch)


def with_assigned_rm(customers: ir.Table, assigned: ir.Table) -> ir.Table:
    """`customers` with the RM of an approved assignment (customer_id, rm_id) in place of the
    loaded one, where a customer has one (services.rm_assignments)."""
    a = assigned.select(_acid=assigned.customer_id.cast("string"),
                        _arm=assigned.rm_id.cast("string"))
    j = customers.left_join(a, customers.customer_id.cast("string") == a._acid)
    return j.mutate(rm_id=ibis.coalesce(j._arm, j.rm_id.cast("string"))).drop("_acid", "_arm")
