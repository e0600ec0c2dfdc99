"""Behaviour: transactions of the period, their month-on-month change, and the inputs of a
BG/NBD customer-base model over the last 12 months in weeks: an event is a week with activity
(weeks counted back from the period end), the customer's birth its first active week of the
window (x = active weeks − 1, t_x = first − last active week, T = first active week − 0)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.engine.facts import WEEKS_12, bit_count, bit_or
from corptier.engine.money import MONEY, growth, money_sum, ratio

COUNTS_NOW = ("txn_count", "txn_in_count", "txn_out_count", "payroll_txn_count", "active_days")


def behaviour_metrics(m: ir.Table) -> dict[str, ir.Value]:
    now, prev, r3, r12 = m.lag == 0, m.lag == 1, m.lag < 3, m.lag < 12
    out: dict[str, ir.Value] = {c: m[c].sum(where=now).coalesce(0) for c in COUNTS_NOW}
    return out | {
        "txn_in_amount": money_sum(m.txn_in_amount, where=now),
        "txn_out_amount": money_sum(m.txn_out_amount, where=now),
        "_ebank_count": m.ebank_count.sum(where=now),
        "_out_other_bank": money_sum(m.out_other_bank, where=now),
        "_txn_count_prev": m.txn_count.sum(where=prev),
        "_txn_amount_prev": money_sum(m.txn_in_amount + m.txn_out_amount, where=prev),
        "_txn_prev_months": m.count(where=prev),
        "txn_count_r3": m.txn_count.sum(where=r3).coalesce(0),
        "months_active_12": m.count(where=r12 & (m.txn_count > 0)),
        "_active_days_12": m.active_days.sum(where=r12),
        "_week_mask_12": bit_or(ibis.ifelse(r12, m.week_mask, ibis.literal(0, "int64"))),
        "_first_txn_12": m.first_txn.min(where=r12),
        "_last_txn_12": m.last_txn.max(where=r12),
    }


def behaviour_derived(t: ir.Table, period_end: ir.DateValue) -> dict[str, ir.Value]:
    has_prev = t._txn_prev_months > 0
    amount = (t.txn_in_amount + t.txn_out_amount).cast(MONEY)
    active = t._active_days_12 > 0
    first_week = _weeks_before(period_end, t._first_txn_12)
    last_week = _weeks_before(period_end, t._last_txn_12)
    return {
        "days_since_last_txn": period_end.delta(t._last_txn_12, unit="day"),
        "ebank_share": ratio(t._ebank_count, t.txn_count),
        "outflow_other_bank_share": ratio(t._out_other_bank, t.txn_out_amount),
        "txn_count_mom": ibis.ifelse(has_prev, growth(t.txn_count, t._txn_count_prev),
                                     ibis.null("float64")),
        "txn_amount_mom": ibis.ifelse(has_prev, growth(amount, t._txn_amount_prev),
                                      ibis.null("float64")),
        "bgnbd_x": ibis.ifelse(active, bit_count(t._week_mask_12, WEEKS_12) - 1,
                               ibis.null("int64")),
        "bgnbd_t_x": (first_week - last_week).cast("float64"),
        "bgnbd_T": first_week.cast("float64"),
    }


def _weeks_before(period_end: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Whole weeks from `day` to the period end, ⌊days / 7⌋ (the week index of `day`)."""
    return (period_end.delta(day, unit="day").cast("float64") / 7.0).floor().cast("int64")
