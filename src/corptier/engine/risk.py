"""Risk at period end: rating grade and rank, the PD and LGD used for EL and EC (PD 1 for a
borrower in default), the default flag, the worst five-category loan classification (五级分类)
and the maximum days overdue."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.contract.schema import LOAN_CLASSES
from corptier.engine.money import SUM_EXACT, money_sum, ratio


def risk_metrics(m: ir.Table) -> dict[str, ir.Value]:
    now = m.lag == 0
    return {
        "rating_rank": m.rating_rank.max(where=now).nullif(0),
        "pd": ibis.ifelse(m.in_default, 1.0, m.pd).max(where=now),
        "in_default": m.in_default.cast("int64").max(where=now).coalesce(0),
        "lgd": m.lgd.max(where=now),
        "worst_loan_class_rank": m.worst_class_rank.max(where=now).coalesce(0).cast("int64"),
        "max_days_overdue": m.max_days_overdue.max(where=now).coalesce(0).cast("int64"),
        "irb_size_adjustment": m.size_adjustment.max(where=now),
        "_term_days": m.term_days.sum(where=now).cast(SUM_EXACT),
        "_ead": m.ead.sum(where=now).cast(SUM_EXACT),
        "ead": money_sum(m.ead, where=now),
        "off_balance": money_sum(m.off_balance, where=now),
    }


def risk_derived(t: ir.Table, maturity_years: float) -> dict[str, ir.Value]:
    """The worst class by name; the effective maturity M in years used for K (the fallback
    `maturity_years` without a loan balance)."""
    rank = t.worst_loan_class_rank
    return {
        "effective_maturity": ratio(t._term_days, t._ead.cast("float64") * 365.0).coalesce(
            maturity_years),
        "worst_loan_class": ibis.cases(
            *((rank == i + 1, name) for i, name in enumerate(LOAN_CLASSES)),
            else_=ibis.null("string"),
        ),
    }
