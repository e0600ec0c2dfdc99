"""The thresholds of the behaviour states (`BehaviourRules`, the `behaviour:` section a standard
can carry), apart from the states' engine code, so that reading a standard imports neither Ibis
nor scipy (see `corptier.tiering.behaviour`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class BehaviourRules(BaseModel):
    """Thresholds of the behaviour states (the `behaviour:` section a standard can carry)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    new_max_tenure_months: int = Field(3, ge=0, description="New while tenure ≤ this.")
    dormant_days_without_txn: int = Field(
        90, ge=1, description="Dormant after this many days without a transaction …")
    dormant_max_dep_avg: float = Field(
        100_000, ge=0, description="… with average daily deposits (yuan) at most this.")
    declining_dep_trend_rel: float = Field(
        -0.05, lt=0, description="Declining when the 12-month deposit slope / mean ≤ this …")
    declining_txn_count_mom: float = Field(
        -0.5, ge=-1, lt=0, description="… or transactions fell month on month by this ratio …")
    declining_p_alive: float = Field(
        0.5, gt=0, lt=1, description="… or P(alive) from BG/NBD is below this.")
    growing_dep_trend_rel: float = Field(
        0.03, gt=0, description="Growing when the 12-month deposit slope / mean ≥ this …")
    growing_dep_avg_yoy: float = Field(
        0.2, gt=0, description="… or deposits grew year on year by this ratio.")
    bgnbd_min_repeaters: int = Field(
        30, ge=2, description="Fit BG/NBD only with this many customers with repeat activity.")
    bgnbd_max_fit_customers: int = Field(
        200_000, ge=100, description="Fit on a seeded sample of at most this many customers.")
    bgnbd_seed: int = Field(20260101, description="Seed of that sample.")
    bgnbd_min_dropout: float = Field(
        1e-5, ge=0, lt=1, description="A BG/NBD fit whose mean dropout chance per active week, "
        "a / (a + b), is below this says nobody leaves: not informative …")
    bgnbd_max_a: float = Field(
        1e9, gt=0, description="… nor one with a (Beta dropout shape) above this …")
    bgnbd_max_b: float = Field(
        1e9, gt=0, description="… or b above this (the optimiser ran off; P(alive) is then "
        "not used).")
