"""Who may cover whom, as Ibis expressions over the small per-RM-and-tier table: an RM covers a
customer of a tier eligibly when their grade is at least the tier's lowest grade and they hold
every certification the tier requires, valid on the month end. Eligibility depends only on the
RM and the tier, so the gaps are computed per (RM, tier) pair with its customer count; the
training plan names, per RM and missing (or soon expiring) certification, the shortest course of
the tier's catalogue that grants it."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

HELD = ("valid", "expiring")


def pair_gaps(pairs: ir.Table, managers: ir.Table, grades: ir.Table, tiers: ir.Table,
              required: ir.Table, status: ir.Table) -> ir.Table:
    """One row per (RM, tier) pair of the book with a gap: rm_id, tier, customers, example,
    grade, min_grade, grade_short, missing (certifications not validly held) and expiring
    (held but ending soon); unassigned customers (rm_id NULL) are gaps too."""
    m = managers.select(_rm=managers.rm_id.cast("string"), grade=managers.grade.cast("string"))
    g = grades.select(_grade=grades.grade, rank=grades["rank"])
    t = tiers.select(_tier=tiers.tier, min_grade=tiers.min_grade, min_rank=tiers.min_rank)
    j = pairs.left_join(m, pairs.rm_id == m._rm)
    j = j.left_join(g, j.grade == g._grade)
    j = j.left_join(t, j.tier == t._tier)
    base = j.select("rm_id", "tier", "customers", "example", "grade", "min_grade",
                    grade_short=j.rm_id.notnull() & (j["rank"].fill_null(0)
                                                     < j.min_rank.fill_null(0)))
    assigned = pairs.filter(pairs.rm_id.notnull()).select("rm_id", "tier")
    r = required.select(_t=required.tier, certification=required.certification)
    needs = assigned.join(r, assigned.tier == r._t).select("rm_id", "tier", "certification")
    held = status.filter(status.status.isin(HELD)).select(
        _r=status.rm_id, _c=status.certification, _s=status.status)
    n = needs.left_join(held, (needs.rm_id == held._r) & (needs.certification == held._c))
    marks = n.group_by(["rm_id", "tier"]).agg(
        missing=n.certification.collect(where=n._s.isnull(), order_by=n.certification),
        expiring=n.certification.collect(where=n._s == "expiring", order_by=n.certification))
    marks = marks.select(_r2=marks.rm_id, _t2=marks.tier, missing=marks.missing,
                         expiring=marks.expiring)
    out = base.left_join(marks, (base.rm_id == marks._r2) & (base.tier == marks._t2))
    none = ibis.literal([], "array<string>")
    out = out.select("rm_id", "tier", "customers", "example", "grade", "min_grade",
                     "grade_short", missing=out.missing.fill_null(none),
                     expiring=out.expiring.fill_null(none))
    return out.filter(out.rm_id.isnull() | out.grade_short | (out.missing.length() > 0)
                      | (out.expiring.length() > 0))


def training_plan(gaps: ir.Table, catalogue: ir.Table) -> ir.Table:
    """(rm_id, certification, action, course, hours, tiers, customers): per RM and
    certification missing (`train`) or expiring (`renew`) for the tiers of their book, the
    shortest course granting it in those tiers' catalogues, and the customers it concerns."""
    g = gaps.filter(gaps.rm_id.notnull())
    missing = g.select("rm_id", "tier", "customers", certification=g.missing.unnest(),
                       action=ibis.literal("train", "string"))
    expiring = g.select("rm_id", "tier", "customers", certification=g.expiring.unnest(),
                        action=ibis.literal("renew", "string"))
    long = missing.union(expiring)
    c = catalogue.select(_t=catalogue.tier, _c=catalogue.certification, course=catalogue.course,
                         hours=catalogue.hours)
    j = long.join(c, (long.tier == c._t) & (long.certification == c._c))
    pick = ibis.row_number().over(group_by=[j.rm_id, j.certification, j.action],
                                  order_by=[j.hours, j.course])
    ranked = j.mutate(_pick=pick)
    ranked = ranked.filter(ranked._pick == 0)
    best = ranked.select(_r=ranked.rm_id, _c=ranked.certification, _a=ranked.action,
                         course=ranked.course, hours=ranked.hours)
    need = long.group_by(["rm_id", "certification", "action"]).agg(
        tiers=long.tier.collect(distinct=True, order_by=long.tier), customers=long.customers.sum())
    out = need.join(best, (need.rm_id == best._r) & (need.certification == best._c)
                    & (need.action == best._a))
    return out.select("rm_id", "certification", "action", "course", "hours", "tiers",
                      "customers").order_by(["rm_id", "action", "certification"])
