"""Off-balance-sheet exposure from the optional `facilities` table (one row per customer and
month): the gross amount, the exposure after credit conversion and its term weights.

    off_ead = Σ round(CCF(kind) × max(amount − margin deposit, 0), 2)   (margin netted when
              `ccf_net_of_margin`; CCFs per kind in `[assumptions] ccf`)
    EAD     = average daily loan balance + off_ead
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.engine.money import MONEY, SUM_EXACT, money_sum, product, to_money

KEY = ["customer_id", "period"]
CCF_TYPE = "decimal(10, 6)"


def ccf_of(kind: ir.StringValue, a: Assumptions) -> ir.DecimalValue:
    """The configured credit conversion factor of each facility kind (0 for an unknown kind)."""
    cases = [(kind == k, ibis.literal(Decimal(str(v)).quantize(Decimal("0.000001")), CCF_TYPE))
             for k, v in sorted(a.ccf.items())]
    return ibis.cases(*cases, else_=ibis.literal(Decimal("0"), CCF_TYPE))


def net_amount(f: ir.Table, a: Assumptions) -> ir.DecimalValue:
    """The amount exposed: net of the margin deposit (never below 0) when configured."""
    if not a.ccf_net_of_margin:
        return f.amount
    zero = ibis.literal(Decimal("0.00"), MONEY)
    net = f.amount - f.margin_deposit.coalesce(zero)
    return ibis.ifelse(net > zero, net, zero).cast(MONEY)


def facility_facts(facilities: ir.Table, months: ir.Table, a: Assumptions) -> ir.Table:
    """Per customer and month: `off_balance` (gross amount), `off_ead` (after CCF) and
    `off_term_days` (Σ off EAD × remaining days to maturity, ≥ 0, the maturity weights)."""
    f = facilities.join(months.select("period", "month_end"), "period")
    ead = to_money(product(net_amount(f, a), ccf_of(f.kind, a)).round(2))
    remaining = f.maturity_date.delta(f.month_end, unit="day")
    remaining = ibis.ifelse(remaining > 0, remaining, 0).cast("int64")
    f = f.mutate(ead=ead, remaining=remaining)
    return f.group_by(KEY).aggregate(
        off_balance=money_sum(f.amount),
        off_ead=money_sum(f.ead),
        off_term_days=product(f.ead, f.remaining).sum().cast(SUM_EXACT),
    )
