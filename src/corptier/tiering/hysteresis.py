"""当期升级，延期降级: the applied service tier follows the computed tier up at once and down late.

Tier ranks count from 0 for the best tier. For each customer of a period, given the state left by
the previous close (applied tier, consecutive periods below it, best tier computed during that
streak), the tier computed this period and the worst tier of the caps with `immediate: true`
that fired this period (if any):

- a customer absent from the previous state is **new** and gets its computed tier;
- a computed tier better than the applied tier is an **upgrade**: it applies at once and the
  streak is cleared;
- a computed tier equal to the applied tier clears the streak (**same**, or **recovered** when a
  streak was running);
- a computed tier worse than the applied tier extends the streak. With N =
  `policy.periods_before_downgrade(applied tier)`, the downgrade applies at the close of the N-th
  consecutive period below (连续 N 期未达标则降级; N = 0 or 1: at once); before that the applied
  tier is **held**;
- a downgrade moves to the tier `policy.downgrade_to` names: `computed` (the default) = the tier
  computed this period; `best_of_last_n` = the best tier computed during the N periods of the
  streak (one bad last month does not pull it further down);
- **capped** (risk wins over every buffer): when the tier the rules above give is better than a
  fired immediate cap's tier, the customer is applied the cap's tier at once and the streak is
  cleared; a score drop below the cap's tier then runs its own buffer from the next close;
- customers of the previous state absent from this period have exited and are not returned (a
  close may put customers absent for a few closes back into the state: see
  `policy.keep_state_absent_periods` and `corptier.tiering.results.hysteresis_state`).

Consequences (property-tested): the applied tier is never worse than the computed tier and never
better than a fired immediate cap's tier; without caps, after a downgrade the next one comes N
periods later at the earliest (N of the new tier); a computed tier alternating between the
applied tier and a worse one never moves a tier with N ≥ 2 down.

`apply_hysteresis` is the Ibis version the close runs on DuckDB or Spark; `step` is the plain
Python reference of the same rule, used by the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from corptier.tiering.policy import HysteresisPolicy

Reason = Literal["new", "upgrade", "same", "recovered", "held", "downgrade", "capped"]

COMPUTED = "computed_tier_rank"
APPLIED = "applied_tier_rank"
BELOW = "periods_below"
PENDING = "pending_tier_rank"
REASON = "hysteresis_reason"
PREVIOUS = "previous_applied_rank"
BUFFER = "downgrade_buffer"
CAP = "cap_tier_rank"
"""Optional input column: the worst tier rank of the immediate caps fired this period (null
when none fired)."""
OUTPUT_COLUMNS = (APPLIED, BELOW, PENDING, REASON, PREVIOUS, BUFFER)

STATE_SCHEMA = pa.schema(
    [("customer_id", pa.string()), (APPLIED, pa.int64()), (BELOW, pa.int64()),
     (PENDING, pa.int64())]
)


# --- the rule in plain Python (the reference) ---------------------------------------------------
@dataclass(frozen=True)
class HysteresisState:
    """What a close leaves for the next one about one customer."""

    applied: int
    periods_below: int = 0
    pending: int | None = None


class Step(NamedTuple):
    state: HysteresisState
    reason: Reason


def downgrade_buffers(policy: HysteresisPolicy, tier_codes: Sequence[str]) -> tuple[int, ...]:
    """N of each tier rank: consecutive periods below at whose close the downgrade applies."""
    return tuple(policy.periods_before_downgrade(code) for code in tier_codes)


def step(state: HysteresisState | None, computed: int, policy: HysteresisPolicy,
         tier_codes: Sequence[str], cap: int | None = None) -> Step:
    """One close for one customer: the new state and why (see the module docstring). `cap` is
    the worst tier rank of the immediate caps fired this period (None: none fired)."""
    result = _unbounded_step(state, computed, policy, tier_codes)
    if cap is not None and result.state.applied < cap:
        return Step(HysteresisState(cap), "capped")
    return result


def _unbounded_step(state: HysteresisState | None, computed: int, policy: HysteresisPolicy,
                    tier_codes: Sequence[str]) -> Step:
    if state is None:
        return Step(HysteresisState(computed), "new")
    if computed < state.applied:
        return Step(HysteresisState(computed), "upgrade")
    if computed == state.applied:
        return Step(HysteresisState(computed), "recovered" if state.periods_below else "same")
    below = state.periods_below + 1
    pending = computed
    if policy.downgrade_to == "best_of_last_n" and state.periods_below > 0:
        assert state.pending is not None
        pending = min(state.pending, computed)
    if below >= _buffer(state.applied, policy, tier_codes):
        return Step(HysteresisState(pending), "downgrade")
    return Step(HysteresisState(state.applied, below, pending), "held")


def _buffer(rank: int, policy: HysteresisPolicy, tier_codes: Sequence[str]) -> int:
    buffers = downgrade_buffers(policy, tier_codes)
    return buffers[rank] if 0 <= rank < len(buffers) else 0


# --- the rule as an Ibis expression (what the close runs) ---------------------------------------
def apply_hysteresis(current: ir.Table, previous_state: ir.Table, policy: HysteresisPolicy,
                     tier_codes: Sequence[str]) -> ir.Table:
    """Apply 当期升级，延期降级 to one period's computed tiers.

    Parameters
    ----------
    current : one row per customer of the period: `customer_id` and `computed_tier_rank`
        (0 = best; never null), optionally `cap_tier_rank` (the worst tier rank of the
        immediate caps fired this period, null when none; at most `computed_tier_rank`);
        other columns are passed through.
    previous_state : one row per customer of the previous close: `customer_id`,
        `applied_tier_rank`, `periods_below` and, optionally, `pending_tier_rank` (best tier
        computed during the running streak; when absent, a running streak's best tier is
        taken from the current period only; it is ignored when `periods_below` is 0).
        Empty for the first close.
    policy : the standard's `hysteresis` section.
    tier_codes : the standard's tier codes, best first (rank i is `tier_codes[i]`).

    Returns
    -------
    `current` with `applied_tier_rank`, `periods_below`, `pending_tier_rank` (null unless a
    downgrade is held: where it would land), `hysteresis_reason` (new, upgrade, same,
    recovered, held, downgrade, capped),
    `previous_applied_rank` (null for new customers) and `downgrade_buffer` (N of the previous
    applied tier). The first four columns (as `customer_id`, `applied_tier_rank`,
    `periods_below`, `pending_tier_rank`) are the state of the next close. Nothing runs until
    the caller executes the result.
    """
    _check_columns(current, previous_state)
    prev = _previous(previous_state)
    joined = current.left_join(prev, current.customer_id == prev._prev_id)
    joined = joined.drop("_prev_id")
    return joined.mutate(**_decision(joined, policy, tier_codes)).drop(
        "_prev_applied", "_prev_below", "_prev_pending"
    )


def _check_columns(current: ir.Table, previous_state: ir.Table) -> None:
    missing = [c for c in ("customer_id", COMPUTED) if c not in current.columns]
    missing += [f"previous_state.{c}" for c in ("customer_id", APPLIED, BELOW)
                if c not in previous_state.columns]
    if missing:
        raise ValueError(f"apply_hysteresis needs column(s) {', '.join(missing)}")
    clash = [c for c in OUTPUT_COLUMNS if c in current.columns]
    if clash:
        raise ValueError(f"apply_hysteresis would overwrite column(s) {', '.join(clash)} "
                         "of the current table; drop them first")


def _previous(state: ir.Table) -> ir.Table:
    pending = (state[PENDING].cast("int64") if PENDING in state.columns
               else ibis.null("int64"))
    return state.select(
        _prev_id=state.customer_id,
        _prev_applied=state[APPLIED].cast("int64"),
        _prev_below=state[BELOW].cast("int64").fill_null(0),
        _prev_pending=pending,
    )


def _decision(t: ir.Table, policy: HysteresisPolicy,
              tier_codes: Sequence[str]) -> dict[str, ir.Value]:
    computed = t[COMPUTED].cast("int64")
    applied = t._prev_applied
    buffers = downgrade_buffers(policy, tier_codes)
    buffer = ibis.cases(*[(applied == i, n) for i, n in enumerate(buffers)], else_=0)
    below = t._prev_below + 1
    pending: ir.IntegerValue = computed
    if policy.downgrade_to == "best_of_last_n":
        streak = (t._prev_below > 0) & t._prev_pending.notnull()
        pending = ibis.cases((streak & (t._prev_pending < computed), t._prev_pending),
                             else_=computed)
    reason = ibis.cases(
        (applied.isnull(), "new"),
        (computed < applied, "upgrade"),
        ((computed == applied) & (t._prev_below > 0), "recovered"),
        (computed == applied, "same"),
        (below >= buffer, "downgrade"),
        else_="held",
    )
    held = reason == "held"
    rule_tier = ibis.cases((held, applied), (reason == "downgrade", pending), else_=computed)
    cap = t[CAP].cast("int64") if CAP in t.columns else ibis.null("int64")
    capped = (cap.notnull() & (rule_tier < cap)).fill_null(False)
    held = held & ~capped
    return {
        APPLIED: ibis.ifelse(capped, cap, rule_tier).cast("int64"),
        BELOW: ibis.cases((held, below), else_=0).cast("int64"),
        PENDING: ibis.cases((held, pending), else_=ibis.null("int64")).cast("int64"),
        REASON: ibis.ifelse(capped, "capped", reason).cast("string"),
        PREVIOUS: applied,
        BUFFER: ibis.cases((applied.isnull(), ibis.null("int64")), else_=buffer).cast("int64"),
    }


# --- the state between closes -------------------------------------------------------------------
def state_from_published(rows: Iterable[Mapping[str, Any]],
                         tier_codes: Sequence[str]) -> pa.Table:
    """The previous state from the previous close's published results.

    Each row needs `customer_id`, `applied_tier` (a code) and `hysteresis` (the dict of
    `hysteresis_record`, may be empty). The state carries on from the tier the hysteresis rule
    gave (`hysteresis["tier"]`), not from an override that replaced it, so an override never
    outlives its expiry through the downgrade buffer; rows without it use `applied_tier`. A row
    whose tier is not a tier of the current standard (the ladder changed) is left out, so that
    customer starts afresh as new.

    `pending_tier_rank` is never null: without a running streak it repeats the applied rank
    (and is ignored), because some engines lose the values of a nullable integer column
    passed from memory (`ibis.memtable` on PySpark turns them all into nulls).
    """
    ranks = {code: i for i, code in enumerate(tier_codes)}
    out: dict[str, list[Any]] = {name: [] for name in STATE_SCHEMA.names}
    for row in rows:
        info = row.get("hysteresis") or {}
        tier = info.get("tier") or row["applied_tier"]
        if tier not in ranks:
            continue
        out["customer_id"].append(row["customer_id"])
        out[APPLIED].append(ranks[tier])
        below = int(info.get("periods_below") or 0)
        pending = ranks.get(info.get("pending_tier") or "") if below else None
        if pending is None:  # no streak, or its best tier is unknown now: start afresh
            below, pending = 0, ranks[tier]
        out[BELOW].append(below)
        out[PENDING].append(pending)
    return pa.table(out, schema=STATE_SCHEMA)


def hysteresis_record(row: Mapping[str, Any], tier_codes: Sequence[str]) -> dict[str, Any]:
    """The JSON kept with a published result (tier_result.hysteresis) from one output row:
    the tier the rule gave (before any override), why, the running streak and the tier of the
    immediate caps that fired (None when none did)."""

    def code(rank: Any) -> str | None:
        return None if rank is None or pd.isna(rank) else tier_codes[int(rank)]

    return {
        "tier": code(row[APPLIED]),
        "reason": row[REASON],
        "periods_below": int(row[BELOW]),
        "pending_tier": code(row[PENDING]),
        "downgrade_buffer": None if pd.isna(row[BUFFER]) else int(row[BUFFER]),
        "previous_applied_tier": code(row[PREVIOUS]),
        "cap_tier": code(row.get(CAP)),
    }
