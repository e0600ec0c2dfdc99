"""A close's per-customer results as engine columns (nothing runs until the caller executes).

From the hysteresis output of `tier_with_hysteresis`, the published results of the earlier
closes and the overrides in force: the applied tier (the hysteresis tier, then the override;
an override better than the tier of an immediate cap that fired applies only with a risk
exception, otherwise the cap wins and the override is recorded as refused), the previous tier
and the migration (`new`, `returned`, `same`, `up`, `down`), and the columns of the published
table, which hold every fact an explanation shows (`explain_published`
renders one customer's explanation from its row).

A customer absent from the previous close but present in one of the
`hysteresis.keep_state_absent_periods` (K) closes before it has **returned**: it keeps the
hysteresis state and the applied tier of its last close, and its migration compares with that
tier's period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from corptier.tiering.apply import FLAGS, flag_column
from corptier.tiering.hysteresis import (
    APPLIED,
    BELOW,
    BUFFER,
    CAP,
    PENDING,
    PREVIOUS,
    REASON,
    STATE_SCHEMA,
)
from corptier.tiering.ladders import LADDER, LADDER_SIZE
from corptier.tiering.score_columns import SCORE, dimension_column, points_column
from corptier.tiering.standard import Standard

MIGRATIONS = ("new", "returned", "same", "up", "down")
VALUE_PREFIX = "value__"
"""Published column of an indicator's value: `value__<indicator>`."""
DIMENSION_PREFIX = "dim_"
"""Published column of a dimension's score: `dim_<dimension>`."""
HISTORY_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("previous_tier", pa.string()),
    ("previous_period", pa.string()), ("hysteresis_tier", pa.string()),
    ("periods_below", pa.int64()), ("pending_tier", pa.string()),
])
"""What the next close needs of a published close: the applied tier and the hysteresis state."""
OVERRIDE_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("override_id", pa.int64()), ("override_tier", pa.string()),
    ("risk_exception", pa.string()),
])
Chosen = tuple[int, str] | tuple[int, str, str | None]
"""An override in force: its id, its tier and, optionally, its risk exception."""


def published_history(closes: Sequence[tuple[str, ir.Table]]) -> ir.Table:
    """Each customer's row of its latest close among `closes` ((period, published table)):
    the columns of `HISTORY_SCHEMA`; an empty table when there are none."""
    if not closes:
        return ibis.memtable(HISTORY_SCHEMA.empty_table())
    parts = [t.select(
        customer_id=t.customer_id.cast("string"),
        previous_tier=t.applied_tier.cast("string"),
        previous_period=ibis.literal(period, "string"),
        hysteresis_tier=t.hysteresis_tier.cast("string"),
        periods_below=t.periods_below.cast("int64"),
        pending_tier=t.pending_tier.cast("string"),
    ) for period, t in closes]
    union = parts[0] if len(parts) == 1 else ibis.union(*parts)
    latest = union.group_by("customer_id").aggregate(_last=union.previous_period.max())
    kept = union.join(latest, (union.customer_id == latest.customer_id)
                      & (union.previous_period == latest._last))
    return kept.select(*HISTORY_SCHEMA.names)


def hysteresis_state(history: ir.Table, tier_codes: Sequence[str]) -> ir.Table:
    """The hysteresis state (`STATE_SCHEMA`) the close starts from: it carries on from the tier
    the rule gave (not from an override, so an override never outlives its expiry through the
    buffer); a tier the standard no longer has starts afresh (the customer is new); a streak
    whose best tier is unknown now restarts."""
    tier = history.hysteresis_tier.fill_null(history.previous_tier)
    rank = tier_rank(tier, tier_codes)
    below = history.periods_below.fill_null(0)
    pending = ibis.ifelse(below > 0, tier_rank(history.pending_tier, tier_codes),
                          ibis.null("int64"))
    state = history.select(
        customer_id=history.customer_id,
        **{APPLIED: rank,
           BELOW: ibis.ifelse(pending.isnull(), 0, below).cast("int64"),
           PENDING: pending.fill_null(rank).cast("int64")},
    )
    return state.filter(state[APPLIED].notnull()).select(*STATE_SCHEMA.names)


def overrides_table(overrides: Mapping[str, Chosen], tier_codes: Sequence[str]) -> pa.Table:
    """The overrides in force (customer id → (override id, tier[, risk exception])) whose tier
    the standard has."""
    kept = sorted((c, o) for c, o in overrides.items() if o[1] in tier_codes)
    return pa.table({"customer_id": [c for c, _ in kept], "override_id": [o[0] for _, o in kept],
                     "override_tier": [o[1] for _, o in kept],
                     "risk_exception": [o[2] if len(o) > 2 else None for _, o in kept]},
                    schema=OVERRIDE_SCHEMA)


def add_results(tiered: ir.Table, history: ir.Table, overrides: ir.Table,
                tier_codes: Sequence[str], previous_period: str | None) -> ir.Table:
    """`tiered` (the output of `tier_with_hysteresis`) with `hysteresis_tier`, `override_id`,
    `override_refused`, `override_risk_exception`, `applied_tier`, `previous_tier`,
    `previous_period` and `migration`; `previous_period` is the period of the last close (a
    customer whose previous tier is older has returned).

    An override whose tier is better than the tier of an immediate cap that fired
    (`cap_tier_rank`) applies only with a risk exception (kept in `override_risk_exception`);
    without one the hysteresis tier (bounded by the cap) applies, `override_id` is null and
    `override_refused` holds the override's id."""
    prev = history.select(_pid=history.customer_id, previous_tier=history.previous_tier,
                          previous_period=history.previous_period)
    joined = tiered.left_join(prev, tiered.customer_id == prev._pid).drop("_pid")
    chosen = overrides.select(_oid=overrides.customer_id, _ooid=overrides.override_id,
                              _otier=overrides.override_tier, _orisk=overrides.risk_exception)
    joined = joined.left_join(chosen, joined.customer_id == chosen._oid).drop("_oid")
    hysteresis_tier = tier_code(joined[APPLIED], tier_codes)
    cap = joined[CAP].cast("int64") if CAP in joined.columns else ibis.null("int64")
    above_cap = (cap.notnull() & (tier_rank(joined._otier, tier_codes) < cap)).fill_null(False)
    refused = above_cap & joined._orisk.isnull()
    no_id = ibis.null("int64")
    applied = ibis.ifelse(refused, hysteresis_tier, joined._otier.fill_null(hysteresis_tier))
    before, now = tier_rank(joined.previous_tier, tier_codes), tier_rank(applied, tier_codes)
    last = ibis.literal(previous_period or "", "string")
    migration = ibis.cases(
        (before.isnull(), "new"),
        (joined.previous_period != last, "returned"),
        (now == before, "same"),
        (now > before, "down"),
        else_="up",
    )
    return joined.mutate(
        hysteresis_tier=hysteresis_tier, applied_tier=applied, migration=migration.cast("string"),
        override_id=ibis.ifelse(refused, no_id, joined._ooid.cast("int64")),
        override_refused=ibis.ifelse(refused, joined._ooid.cast("int64"), no_id),
        override_risk_exception=ibis.ifelse(above_cap & ~refused, joined._orisk.cast("string"),
                                            ibis.null("string")),
    ).drop("_ooid", "_otier", "_orisk")


def published_table(results: ir.Table, standard: Standard, run_id: str) -> ir.Table:
    """The published columns, in order, sorted by customer id (see docs/standard.md,
    "Published results")."""
    t, codes = results, standard.tier_codes
    group = t.group_id.cast("string")
    columns: dict[str, ir.Value] = {
        "customer_id": t.customer_id.cast("string"),
        "group_id": ibis.ifelse(group == "", ibis.null("string"), group),
        "score": t[SCORE].cast("float64"),
        "computed_tier": t.computed_tier.cast("string"),
        "applied_tier": t.applied_tier.cast("string"),
        "previous_tier": t.previous_tier.cast("string"),
        "previous_period": t.previous_period.cast("string"),
        "migration": t.migration,
        FLAGS: t[FLAGS].cast("string"),
        **{f"{DIMENSION_PREFIX}{d}": t[dimension_column(d)].cast("float64")
           for d in standard.dimensions},
        "needs_segment": _text(t.needs_segment),
        "behaviour_state": _text(t.behaviour_state),
        "hysteresis_reason": t[REASON].cast("string"),
        "override_id": t.override_id.cast("int64"),
        "run_id": ibis.literal(run_id, "string"),
        "hysteresis_tier": t.hysteresis_tier.cast("string"),
        "periods_below": t[BELOW].cast("int64"),
        "pending_tier": tier_code(t[PENDING], codes),
        "downgrade_buffer": t[BUFFER].cast("int64"),
        "previous_applied_tier": tier_code(t[PREVIOUS], codes),
        "cap_tier": tier_code(t[CAP], codes),
        "override_refused": t.override_refused.cast("int64"),
        "override_risk_exception": t.override_risk_exception.cast("string"),
        "rank": t["rank"].cast("int64"),
        LADDER: _optional(t, LADDER, "string"),
        LADDER_SIZE: _optional(t, LADDER_SIZE, "int64"),
        "raw_tier": t.raw_tier.cast("string"),
        "tier_after_gates": t.tier_after_gates.cast("string"),
        "group_tier": t.group_tier.cast("string"),
        "group_adjusted": t.group_adjusted.cast("boolean"),
        "group_risk": t.group_risk.cast("boolean"),
        "group_risk_member": t.group_risk_member.cast("string"),
        **{f"gate_{g.id}": t[f"gate_{g.id}"].cast("boolean") for _, g in standard.gates.all()},
        **{flag_column(f.code): t[flag_column(f.code)].cast("boolean") for f in standard.flags},
        **{points_column(d, name): t[points_column(d, name)].cast("float64")
           for d, dim in standard.dimensions.items() for name in dim.indicators},
        "p_alive": t.p_alive.cast("float64"),
        "attrition_risk": t.attrition_risk.cast("float64"),
        "behaviour_reason": _text(t.behaviour_reason),
        **{f"{VALUE_PREFIX}{name}": _value(t, name) for name in sorted(standard.indicators_used())},
    }
    if "needs_cluster" in t.columns:
        columns["needs_cluster"] = t.needs_cluster.cast("int64")
    return t.select(**columns).order_by("customer_id")


def tier_rank(code: ir.StringValue, tier_codes: Sequence[str]) -> ir.IntegerValue:
    """The rank (0 = best) of a tier code; null for null or a code the standard lacks."""
    return ibis.cases(*[(code == c, i) for i, c in enumerate(tier_codes)],
                      else_=ibis.null("int64")).cast("int64")


def tier_code(rank: ir.Value, tier_codes: Sequence[str]) -> ir.StringValue:
    """The tier code of a rank; null for null."""
    r = rank.cast("int64")
    return ibis.cases(*[(r == i, c) for i, c in enumerate(tier_codes)],
                      else_=ibis.null("string")).cast("string")


def _optional(t: ir.Table, name: str, dtype: str) -> ir.Value:
    """A column of the results cast to `dtype`; null when the results lack it."""
    return t[name].cast(dtype) if name in t.columns else ibis.null(dtype)


def _text(value: ir.Value) -> ir.StringValue:
    text = value.cast("string")
    return ibis.ifelse(text == "", ibis.null("string"), text)


def _value(t: ir.Table, name: str) -> ir.Value:
    column = t[f"{name}__value"] if f"{name}__value" in t.columns else t[name]
    return column
