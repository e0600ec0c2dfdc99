"""Main counterparties (上下游) of every customer from its transactions: per direction (in = the
payers, downstream buyers; out = the payees, upstream suppliers), the `top` counterparties by
amount over the last 12 months, with how much of that amount went through accounts at our own
bank (`counterparty_bank` = the configured own bank code). One expression, any engine."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.engine.money import money_sum

MONTHS = 12
"""The months of transactions counted (the period and the 11 before it)."""


def top_counterparties(transactions: ir.Table, months: ir.Table, own_bank_code: str,
                       top: int) -> ir.Table:
    """(customer_id, direction, rank, counterparty, amount, own_bank_amount, transactions,
    direction_amount, direction_own_bank_amount): the `top` counterparties of each customer and
    direction by amount (ties by counterparty id), and the direction's totals over every named
    counterparty. Transactions without a counterparty (cash, fees) are not counted."""
    window = months.filter(months.lag < MONTHS).select("period")
    t = transactions.join(window, "period").filter(transactions.counterparty.notnull())
    own = t.counterparty_bank.notnull() & (t.counterparty_bank == own_bank_code)
    per = t.group_by(["customer_id", "direction", "counterparty"]).aggregate(
        amount=money_sum(t.amount), own_bank_amount=money_sum(t.amount, where=own),
        transactions=t.count())
    totals = per.group_by(["customer_id", "direction"]).aggregate(
        direction_amount=money_sum(per.amount),
        direction_own_bank_amount=money_sum(per.own_bank_amount))
    order = ibis.window(group_by=[per.customer_id, per.direction],
                        order_by=[per.amount.desc(), per.counterparty])
    ranked = per.mutate(rank=(ibis.row_number().over(order) + 1).cast("int64"))
    kept = ranked.filter(ranked.rank <= top)
    return kept.join(totals, ["customer_id", "direction"]).select(
        "customer_id", "direction", "rank", "counterparty", "amount", "own_bank_amount",
        "transactions", "direction_amount", "direction_own_bank_amount")
