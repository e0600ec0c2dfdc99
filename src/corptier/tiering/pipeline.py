"""One period's tiering as an engine expression: scores → computed tier → hysteresis.

Shared by the period close and by the backtest, so a backtest applies exactly the rule a close
would.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from corptier.tiering.apply import Stage, score_and_tier
from corptier.tiering.gates import NamedLists
from corptier.tiering.group_rule import risk_cap_level
from corptier.tiering.hysteresis import CAP, COMPUTED, apply_hysteresis
from corptier.tiering.standard import Standard


def tier_with_hysteresis(
    indicators: ir.Table,
    standard: Standard,
    lists: NamedLists,
    state: pa.Table | ir.Table,
    carry: Sequence[str] = (),
    stage: Stage | None = None,
) -> ir.Table:
    """One period's tiers before overrides, as an Ibis expression (nothing runs yet).

    Scores and tiers `indicators` (one row per customer), applies hysteresis from `state` (the
    previous close's state in `STATE_SCHEMA`, in memory or as an engine table; empty for a
    first close; fired immediate caps and a group risk cap bound the applied tier at once) and
    joins the values of the indicators the standard uses, plus the `carry` columns, by customer
    id. With `stage`
    (EngineConnection.stage) the steps are stored one after the other as they are planned.
    """
    tiered = score_and_tier(indicators, standard, lists, stage=stage)
    current = tiered.mutate(**{COMPUTED: (tiered.computed_level - 1).cast("int64"),
                               CAP: risk_cap_level(tiered, standard)})
    if stage is not None:
        current = stage(current)
    previous = ibis.memtable(state) if isinstance(state, pa.Table) else state
    result = apply_hysteresis(current, previous, standard.hysteresis,
                              standard.tier_codes)
    used = ["customer_id", *sorted(standard.indicators_used()), *carry]
    values = indicators.select(*[c for c in dict.fromkeys(used) if c in indicators.columns])
    return result.join(values, "customer_id", rname="{name}__value")
