"""Each RM's portfolio as one Ibis expression: the tier migration of their book, the
contribution of their customers against the same customers' in a base period, and the NPS of
their customers' latest answers — one group-by per RM in the engine."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

PROMOTER_MIN, DETRACTOR_MAX = 9, 6
"""NPS classes of a 0–10 answer (as crm.surveys)."""


def latest_nps(answers: ir.Table) -> ir.Table:
    """(customer_id, nps): each customer's latest NPS answer (campaign period, then time)."""
    order = ibis.window(group_by=answers.customer_id,
                        order_by=[ibis.desc(answers.campaign_period),
                                  ibis.desc(answers.answered_at), ibis.desc(answers.answer_id)])
    ranked = answers.mutate(_rn=ibis.row_number().over(order))
    return ranked.filter(ranked._rn == 0).select(
        customer_id=ranked.customer_id.cast("string"), nps=ranked.score.cast("int64"))


def portfolio_table(book: ir.Table, now: ir.Table, base: ir.Table, nps: ir.Table) -> ir.Table:
    """Per RM of `book` (customer_id, rm_id, migration): customers upgraded, downgraded, kept
    and new; the contribution of `now` (customer_id, contribution) summed over the RM's
    customers, and over those also in `base` both now and in the base period; the NPS answers
    of `nps` (customer_id, nps) with promoters and detractors."""
    n = now.select(_n_id=now.customer_id.cast("string"),
                   _now=now.contribution.cast("float64"))
    b = base.select(_b_id=base.customer_id.cast("string"),
                    _base=base.contribution.cast("float64"))
    s = nps.select(_s_id=nps.customer_id.cast("string"), _nps=nps.nps.cast("int64"))
    j = book.left_join(n, book.customer_id == n._n_id)
    j = j.left_join(b, j.customer_id == b._b_id)
    j = j.left_join(s, j.customer_id == s._s_id)
    both = j._now.notnull() & j._base.notnull()
    return j.group_by("rm_id").agg(
        customers=j.count(),
        upgraded=(j.migration == "up").ifelse(1, 0).sum(),
        downgraded=(j.migration == "down").ifelse(1, 0).sum(),
        kept=(j.migration == "same").ifelse(1, 0).sum(),
        new=(j.migration == "new").ifelse(1, 0).sum(),
        contribution=j._now.sum(),
        compared=both.ifelse(1, 0).sum(),
        contribution_now=j._now.sum(where=both),
        contribution_base=j._base.sum(where=both),
        nps_answers=j._nps.count(),
        promoters=(j._nps >= PROMOTER_MIN).ifelse(1, 0).sum(),
        detractors=(j._nps <= DETRACTOR_MAX).ifelse(1, 0).sum())
