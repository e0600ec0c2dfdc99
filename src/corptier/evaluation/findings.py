"""The report's verdict: rule-based findings over the period's small aggregates.

Each rule looks at one question a branch head asks of a tiering and answers it with a status
(`ok` within the threshold, `attention` outside it, `unknown` when the data cannot tell yet),
the evidence and the report section that shows it. The thresholds are data
(`[report.thresholds]` in corptier.toml, `ReportThresholds`); messages are catalogue ids whose
`%(name)s` parameters carry a value and the kind it is formatted as.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from corptier.config import ReportThresholds

Status = Literal["ok", "attention", "unknown"]
ParamKind = Literal["count", "money", "share", "number", "tier", "text"]


def N_(message: str) -> str:
    """Mark a message for the catalogues (translated when shown)."""
    return message


@dataclass(frozen=True)
class Param:
    """A value of a finding's message and how it is shown."""

    kind: ParamKind
    value: object


@dataclass(frozen=True)
class Item:
    """One piece of evidence: a message id and its parameters."""

    message: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One rule's verdict with its evidence and the section (anchor) that shows it."""

    code: str
    status: Status
    section: str
    message: str
    params: Mapping[str, Param] = field(default_factory=dict)
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class FindingInputs:
    """The small figures the rules read (every one already aggregated by the engine)."""

    tier_order: tuple[str, ...]
    kpis: pd.DataFrame
    """Indexed by tier code (and `all`): customers, contribution, raroc."""
    hurdle_rate: float
    thresholds: ReportThresholds
    destroying_customers: int = 0
    customers: int = 0
    value_lost: float = 0.0
    unchanged_share: float | None = None
    flapping_rate: float | None = None
    psi: float | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    target_shares: Mapping[str, float] | None = None


def findings(inputs: FindingInputs) -> list[Finding]:
    """Every rule's finding, in the order the report shows them."""
    return [
        value_order(inputs, "avg_contribution", "money"),
        value_order(inputs, "raroc", "share"),
        raroc_hurdle(inputs),
        value_destroyers(inputs),
        tier_stability(inputs),
        score_psi(inputs),
        data_quality(inputs),
        pyramid(inputs),
    ]


ORDER_MESSAGES = {
    "avg_contribution": (
        N_("Average contribution per customer decreases from each tier to the next."),
        N_("Average contribution per customer does not decrease with tier: %(count)s "
           "inversion(s)."),
    ),
    "raroc": (
        N_("RAROC decreases from each tier to the next."),
        N_("RAROC does not decrease with tier: %(count)s inversion(s)."),
    ),
}


def value_order(inputs: FindingInputs, measure: str, kind: ParamKind) -> Finding:
    """Tiers ordered by value: a lower tier above a better one is an inversion."""
    values = _by_tier(inputs, measure)
    present = [(tier, v) for tier, v in values if not math.isnan(v)]
    inversions = [
        Item(N_("%(lower)s (%(lower_value)s) above %(higher)s (%(higher_value)s)"), {
            "lower": Param("tier", low), "lower_value": Param(kind, low_v),
            "higher": Param("tier", high), "higher_value": Param(kind, high_v)})
        for (high, high_v), (low, low_v) in itertools.pairwise(present)
        if low_v > high_v
    ]
    good, bad = ORDER_MESSAGES[measure]
    if len(present) < 2:
        return Finding(f"order_{measure}", "unknown", "kpis",
                       N_("Fewer than two tiers hold customers: no order to judge."))
    if not inversions:
        return Finding(f"order_{measure}", "ok", "kpis", good)
    return Finding(f"order_{measure}", "attention", "kpis", bad,
                   {"count": Param("count", len(inversions))}, tuple(inversions))


def raroc_hurdle(inputs: FindingInputs) -> Finding:
    """Each tier's RAROC against the hurdle rate."""
    values = [(t, v) for t, v in _by_tier(inputs, "raroc") if not math.isnan(v)]
    hurdle = Param("share", inputs.hurdle_rate)
    if not values:
        return Finding("raroc_hurdle", "unknown", "kpis",
                       N_("No tier holds economic capital: RAROC cannot be set against the "
                          "hurdle of %(hurdle)s."), {"hurdle": hurdle})
    below = [Item(N_("%(tier)s %(raroc)s"), {"tier": Param("tier", t), "raroc": Param("share", v)})
             for t, v in values if v < inputs.hurdle_rate]
    if not below:
        return Finding("raroc_hurdle", "ok", "kpis",
                       N_("Every tier's RAROC meets the hurdle of %(hurdle)s."), {"hurdle": hurdle})
    return Finding("raroc_hurdle", "attention", "kpis",
                   N_("%(below)s of %(tiers)s tiers earn a RAROC below the hurdle of "
                      "%(hurdle)s."),
                   {"below": Param("count", len(below)), "tiers": Param("count", len(values)),
                    "hurdle": hurdle}, tuple(below))


def value_destroyers(inputs: FindingInputs) -> Finding:
    """Customers with negative contribution: how many, and what they cost."""
    if not inputs.customers:
        return Finding("value_destroyers", "unknown", "concentration",
                       N_("No customer has a contribution this period."))
    share = inputs.destroying_customers / inputs.customers
    params = {"count": Param("count", inputs.destroying_customers),
              "customers": Param("count", inputs.customers), "share": Param("share", share),
              "lost": Param("money", inputs.value_lost),
              "limit": Param("share", inputs.thresholds.max_destroying_share)}
    status: Status = "ok" if share <= inputs.thresholds.max_destroying_share else "attention"
    return Finding("value_destroyers", status, "concentration",
                   N_("%(count)s of %(customers)s customers (%(share)s) destroy value, losing "
                      "%(lost)s of contribution (limit %(limit)s); the workbook lists them."),
                   params)


def tier_stability(inputs: FindingInputs) -> Finding:
    """Customers that kept their tier since last period, and tier changes reversed."""
    th = inputs.thresholds
    if inputs.unchanged_share is None or math.isnan(inputs.unchanged_share):
        return Finding("tier_stability", "unknown", "stability",
                       N_("No earlier published period: tier stability cannot be judged yet."))
    flapping = inputs.flapping_rate
    flap_ok = flapping is None or math.isnan(flapping) or flapping <= th.max_flapping_rate
    ok = inputs.unchanged_share >= th.min_unchanged_share and flap_ok
    params = {"unchanged": Param("share", inputs.unchanged_share),
              "min": Param("share", th.min_unchanged_share),
              "flapping": Param("share", math.nan if flapping is None else flapping),
              "max": Param("share", th.max_flapping_rate)}
    return Finding("tier_stability", "ok" if ok else "attention", "stability",
                   N_("%(unchanged)s of customers kept their tier since last period (at least "
                      "%(min)s expected); %(flapping)s flapped (at most %(max)s)."), params)


def score_psi(inputs: FindingInputs) -> Finding:
    """The score distribution against last period (population stability index)."""
    limit = Param("number", inputs.thresholds.max_psi)
    if inputs.psi is None or math.isnan(inputs.psi):
        return Finding("score_psi", "unknown", "stability",
                       N_("No earlier scores to compare with: the PSI is not known yet."))
    status: Status = "ok" if inputs.psi <= inputs.thresholds.max_psi else "attention"
    return Finding("score_psi", status, "stability",
                   N_("Score PSI against last period %(psi)s (at most %(limit)s)."),
                   {"psi": Param("number", inputs.psi), "limit": limit})


def data_quality(inputs: FindingInputs) -> Finding:
    """Rejected input rows over rows read in the period's loads."""
    if not inputs.rows_read:
        return Finding("data_quality", "unknown", "quality",
                       N_("No load is recorded for this period: data quality is not known."))
    share = inputs.rows_rejected / inputs.rows_read
    status: Status = "ok" if share <= inputs.thresholds.max_rejected_share else "attention"
    return Finding("data_quality", status, "quality",
                   N_("%(rejected)s of %(read)s input rows rejected (%(share)s, at most "
                      "%(limit)s)."),
                   {"rejected": Param("count", inputs.rows_rejected),
                    "read": Param("count", inputs.rows_read), "share": Param("share", share),
                    "limit": Param("share", inputs.thresholds.max_rejected_share)})


def pyramid(inputs: FindingInputs) -> Finding:
    """Each tier's share of customers against the standard's target share."""
    targets = inputs.target_shares
    if not targets:
        return Finding("pyramid", "unknown", "kpis",
                       N_("The standard sets no target share per tier."))
    counts = dict(_by_tier(inputs, "customers"))
    total = sum(v for v in counts.values() if not math.isnan(v))
    if not total:
        return Finding("pyramid", "unknown", "kpis", N_("No customer is tiered this period."))
    tolerance = inputs.thresholds.pyramid_tolerance
    off = [Item(N_("%(tier)s %(actual)s against %(target)s"), {
               "tier": Param("tier", t), "actual": Param("share", counts.get(t, 0.0) / total),
               "target": Param("share", targets[t])})
           for t in inputs.tier_order
           if t in targets and abs(counts.get(t, 0.0) / total - targets[t]) > tolerance + 1e-12]
    if not off:
        return Finding("pyramid", "ok", "kpis",
                       N_("Every tier's share of customers is within %(tolerance)s of the "
                          "standard's target."), {"tolerance": Param("share", tolerance)})
    return Finding("pyramid", "attention", "kpis",
                   N_("%(count)s tier(s) differ from the standard's target share by more than "
                      "%(tolerance)s."),
                   {"count": Param("count", len(off)), "tolerance": Param("share", tolerance)},
                   tuple(off))


def _by_tier(inputs: FindingInputs, measure: str) -> Sequence[tuple[str, float]]:
    kpis = inputs.kpis
    if measure == "avg_contribution":
        column = kpis["contribution"] / kpis["customers"].where(kpis["customers"] > 0)
    else:
        column = kpis[measure]
    return [(t, float(column.get(t, math.nan))) for t in inputs.tier_order]
