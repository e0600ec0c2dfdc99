"""Risk at period end: rating grade and rank, the PD and LGD used for EL and EC (PD 1 for a
borrower in default), the default flag, the worst five-category loan classification (五级分类)
and the maximum days overdue."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.contract.schema import LOAN_CLASSES


def risk_metrics(m: ir.Table) -> dict[str, ir.Value]:
    now = m.lag == 0
    return {
        "rating_rank": m.rating_rank.max(where=now).nullif(0),
        "pd": ibis.ifelse(m.in_default, 1.0, m.pd).max(where=now),
        "in_default": m.in_default.cast("int64").max(where=now).coalesce(0),
        "lgd": m.lgd.max(where=now),
        "worst_loan_class_rank": m.worst_class_rank.max(where=now).coalesce(0).cast("int64"),
        "max_days_overdue": m.max_days_overdue.max(where=now).coalesce(0).cast("int64"),
    }


def risk_derived(t: ir.Table) -> dict[str, ir.Value]:
    rank = t.worst_loan_class_rank
    return {
        "worst_loan_class": ibis.cases(
            *((rank == i + 1, name) for i, name in enumerate(LOAN_CLASSES)),
            else_=ibis.null("string"),
        ),
    }
