"""Inclusive finance (普惠小微): a small or micro firm whose total credit at period end is at
most the configured limit (default 10 million yuan, the PBoC/NFRA definition 单户授信总额
1000万元以下(含)). Sizes and limit are `[assumptions] inclusive_sizes` and
`inclusive_credit_limit`."""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.engine.money import MONEY, money_sum, to_money


def inclusive_metrics(m: ir.Table) -> dict[str, ir.Value]:
    """Total credit at period end: month-end loan balances and off-balance facilities."""
    now = m.lag == 0
    return {"total_credit": to_money(money_sum(m.loan_end, where=now)
                                     + money_sum(m.off_balance, where=now))}


def inclusive_derived(t: ir.Table, a: Assumptions) -> dict[str, ir.Value]:
    """1 for a firm of an inclusive size with total credit at most the limit, else 0 (an
    unclassified size is never inclusive)."""
    limit = ibis.literal(Decimal(str(a.inclusive_credit_limit)).quantize(Decimal("0.01")), MONEY)
    sizes = list(a.inclusive_sizes)
    small = t.enterprise_size.isin(sizes) if sizes else ibis.literal(False)
    return {"inclusive_finance": ibis.ifelse(
        small.fill_null(False) & (t.total_credit <= limit), 1, 0).cast("int64")}
