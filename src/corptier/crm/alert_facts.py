"""The facts a dynamics alert rule may test, and the frame that holds them, as Ibis expressions.

The frame is one row per customer of a closed period: the customer indicator snapshot, the
published tier columns, the same facts of the previous month (`prev_…`), changes derived from
them and the archive's facts (`corptier.crm.alert_archive`). Everything is a column the engine
computes; no customer is handled in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from corptier.crm.alert_archive import ARCHIVE_FACTS, ArchiveTables, join_archive
from corptier.tiering.indicator_names import TEXT_INDICATORS, known_indicators

PUBLISHED_FACTS: dict[str, str] = {
    "score": "float64",
    "computed_tier": "string",
    "applied_tier": "string",
    "previous_tier": "string",
    "migration": "string",
    "needs_segment": "string",
    "behaviour_state": "string",
    "p_alive": "float64",
    "attrition_risk": "float64",
}
"""Columns of the period's published tiers a rule may test."""

PREVIOUS_INDICATORS: dict[str, str] = {
    "rating": "string",
    "rating_rank": "int64",
    "worst_loan_class_rank": "int64",
    "max_days_overdue": "int64",
    "dep_avg_r3": "float64",
    "rm_id": "string",
}
"""Indicators of the previous month a rule may test as `prev_<name>`."""

PREVIOUS_PUBLISHED: dict[str, str] = {"computed_tier": "string", "behaviour_state": "string"}
"""Published columns of the previous month a rule may test as `prev_<name>`."""

DERIVED_FACTS = (
    "dep_change_r3",
    "rating_notches_down",
    "loan_class_steps_down",
    "computed_tier_steps_down",
    "applied_tier_steps_down",
    "outflow_other_bank_to_inflow",
)
"""Changes computed from the columns above (see docs/alerts.md for each formula)."""

PREFIX = "prev_"


def fact_names() -> frozenset[str]:
    """Every name an alert condition may use."""
    previous = {PREFIX + n for n in (*PREVIOUS_INDICATORS, *PREVIOUS_PUBLISHED)}
    return (known_indicators() | set(PUBLISHED_FACTS) | previous | set(DERIVED_FACTS)
            | set(ARCHIVE_FACTS))


def text_facts() -> frozenset[str]:
    """The facts that hold text (compared with == and != only)."""
    text = {n for n, t in (*PUBLISHED_FACTS.items(), *_previous_types().items())
            if t == "string"}
    return TEXT_INDICATORS | text


def _previous_types() -> dict[str, str]:
    return {PREFIX + n: t for n, t in (*PREVIOUS_INDICATORS.items(),
                                       *PREVIOUS_PUBLISHED.items())}


def alert_frame(indicators: ir.Table, published: ir.Table, previous: ir.Table | None,
                previous_published: ir.Table | None, tier_codes: Sequence[str],
                archive: ArchiveTables | None = None) -> ir.Table:
    """One row per customer of the period with every fact of `fact_names()`.

    `previous` and `previous_published` are the indicator snapshot and the published tiers of
    the month before; when absent, the `prev_…` facts are null (and so never match). `archive`
    holds the archive's tables; when absent (or for a table it lacks) its facts are null."""
    frame = indicators.left_join(
        published.select("customer_id", *PUBLISHED_FACTS), "customer_id"
    ).drop("customer_id_right")
    frame = _join_previous(frame, previous, PREVIOUS_INDICATORS)
    frame = _join_previous(frame, previous_published, PREVIOUS_PUBLISHED)
    dep_now = frame.dep_avg.cast("float64")
    dep_before = frame[PREFIX + "dep_avg_r3"]
    out_other = (frame.outflow_other_bank_share.cast("float64")
                 * frame.txn_out_amount.cast("float64"))
    inflow = frame.txn_in_amount.cast("float64")
    frame = join_archive(frame, archive, published)
    return frame.mutate(
        dep_change_r3=ibis.ifelse(dep_before > 0, dep_now / dep_before - 1,
                                  ibis.null("float64")),
        rating_notches_down=(frame.rating_rank - frame[PREFIX + "rating_rank"]).cast("int64"),
        loan_class_steps_down=(frame.worst_loan_class_rank
                               - frame[PREFIX + "worst_loan_class_rank"]).cast("int64"),
        computed_tier_steps_down=(_rank(frame.computed_tier, tier_codes)
                                  - _rank(frame[PREFIX + "computed_tier"], tier_codes)),
        applied_tier_steps_down=(_rank(frame.applied_tier, tier_codes)
                                 - _rank(frame.previous_tier, tier_codes)),
        outflow_other_bank_to_inflow=ibis.ifelse(inflow > 0, out_other / inflow,
                                                 ibis.null("float64")),
    )


def _join_previous(frame: ir.Table, previous: ir.Table | None,
                   columns: dict[str, str]) -> ir.Table:
    if previous is None:
        return frame.mutate(**{PREFIX + n: ibis.null(t) for n, t in columns.items()})
    renamed = previous.select(
        _prev_id=previous.customer_id.cast("string"),
        **{PREFIX + n: previous[n].cast(t) for n, t in columns.items()})
    joined = frame.left_join(renamed, frame.customer_id.cast("string") == renamed._prev_id)
    return joined.drop("_prev_id")


def _rank(code: ir.Value, tier_codes: Sequence[str]) -> ir.IntegerValue:
    """The rank (0 = best) of a tier code; null for null or an unknown code."""
    return ibis.cases(*[(code == c, i) for i, c in enumerate(tier_codes)],
                      else_=ibis.null("int64")).cast("int64")
