"""Which rules fire for which customers, as one Ibis table (no Python per customer).

`fired_alerts` gives one row per (rule, customer) whose condition holds on the alert frame, with
the severity of the customer's applied tier, its RM and the facts the condition read
(`name=value; …`), so that every alert explains itself.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.crm.alert_rules import AlertRule, AlertRules
from corptier.tiering.conditions import compile_condition, condition_names

FIRED_COLUMNS = ("rule_id", "customer_id", "tier", "rm_id", "sub_branch", "severity", "facts")
MISSING = "null"


def fired_alerts(frame: ir.Table, rules: AlertRules) -> ir.Table | None:
    """The alerts of every enabled rule on `frame` (see `alert_frame`); None without rules."""
    parts = [_fired(frame, rule) for rule in rules.enabled]
    if not parts:
        return None
    fired = parts[0]
    for part in parts[1:]:
        fired = fired.union(part)
    return fired


def _fired(frame: ir.Table, rule: AlertRule) -> ir.Table:
    hits = frame.filter(compile_condition(rule.when, frame))
    tier = hits.applied_tier.cast("string")
    others = [(tier == code, sev) for code, sev in rule.severity.items() if code != "default"]
    severity = (ibis.cases(*others, else_=rule.severity["default"]) if others
                else ibis.literal(rule.severity["default"]))
    return hits.select(
        rule_id=ibis.literal(rule.id, "string"),
        customer_id=hits.customer_id.cast("string"),
        tier=tier,
        rm_id=hits.rm_id.cast("string"),
        sub_branch=hits.sub_branch.cast("string"),
        severity=severity.cast("string"),
        facts=_facts(hits, sorted(condition_names(rule.when))),
    )


def _facts(table: ir.Table, names: list[str]) -> ir.StringValue:
    """`a=1.5; b=AA`: the values a condition read, floats to 4 decimals, null as 'null'."""
    text: ir.StringValue = ibis.literal("", "string")
    for i, name in enumerate(names):
        column = table[name]
        if column.type().is_floating():
            column = column.round(4)
        value = column.cast("string").fill_null(MISSING)
        text = text + ibis.literal(("; " if i else "") + f"{name}=") + value
    return text
