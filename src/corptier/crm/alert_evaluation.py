"""Which rules fire for which customers, as one Ibis table (no Python per customer).

`fired_alerts` gives one row per (rule, customer) whose condition holds on the alert frame, with
the severity of the customer's applied tier, its RM and the facts the condition read
(`name=value; …`), so that every alert explains itself.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from corptier.crm.alert_rules import AlertRule, AlertRules
from corptier.tiering.conditions import compile_condition, condition_names

FIRED_COLUMNS = ("rule_id", "customer_id", "tier", "rm_id", "sub_branch", "severity", "facts")
MISSING = "null"


def fired_alerts(frame: ir.Table, rules: AlertRules) -> ir.Table | None:
    """The alerts of every enabled rule on `frame` (see `alert_frame`); None without rules.

    One pass over the frame: each row gets the array of the rules that fire on it, the array is
    unnested, and severity and facts are computed for the fired rows only."""
    enabled = rules.enabled
    if not enabled:
        return None
    fired = ibis.array([
        ibis.ifelse(compile_condition(rule.when, frame), ibis.literal(rule.id, "string"),
                    ibis.null("string"))
        for rule in enabled])
    hits = frame.mutate(_rules=fired).filter(
        ibis.or_(*[compile_condition(rule.when, frame) for rule in enabled]))
    hits = hits.mutate(rule_id=hits._rules.unnest()).drop("_rules")
    hits = hits.filter(hits.rule_id.notnull())
    return hits.select(
        rule_id=hits.rule_id,
        customer_id=hits.customer_id.cast("string"),
        tier=hits.applied_tier.cast("string"),
        rm_id=hits.rm_id.cast("string"),
        sub_branch=hits.sub_branch.cast("string"),
        severity=_by_rule(hits, enabled, lambda r: _severity(hits, r)),
        facts=_by_rule(hits, enabled, lambda r: _facts(hits, sorted(condition_names(r.when)))),
    )


def _by_rule(table: ir.Table, rules: tuple[AlertRule, ...],
             value: Callable[[AlertRule], ir.Value]) -> ir.StringValue:
    """The value of the row's rule (`rule_id`)."""
    return ibis.cases(*[(table.rule_id == r.id, value(r)) for r in rules],
                      else_=ibis.null("string")).cast("string")


def _severity(table: ir.Table, rule: AlertRule) -> ir.StringValue:
    tier = table.applied_tier.cast("string")
    others = [(tier == code, sev) for code, sev in rule.severity.items() if code != "default"]
    if not others:
        return ibis.literal(rule.severity["default"], "string")
    return ibis.cases(*others, else_=rule.severity["default"]).cast("string")


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
