"""What a standard applied over past periods looks like: the pure part of `standard backtest`.

Input: the tiers the standard gives over a range of periods (with hysteresis already applied),
long form with `period`, `customer_id`, the tier column, `score` and optionally `contribution`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from corptier.errors import ContractError
from corptier.evaluation.concentration import Concentration, concentration
from corptier.evaluation.psi import PSIResult, psi
from corptier.evaluation.stability import StabilityReport, stability


@dataclass(frozen=True)
class Backtest:
    periods: tuple[str, ...]
    stability: StabilityReport
    psi: dict[str, PSIResult]
    """Score PSI of each later period against the first (bins fixed on the first)."""
    concentration: dict[str, Concentration]
    """Concentration of contribution per period (empty without a contribution column)."""

    def psi_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"period": p, "psi": r.value, "verdict": r.verdict, "bins": r.bins,
              "n_ref": r.n_ref, "n_cur": r.n_cur} for p, r in self.psi.items()],
            columns=["period", "psi", "verdict", "bins", "n_ref", "n_cur"])

    def concentration_table(self) -> pd.DataFrame:
        rows = [{"period": p, "gini": c.gini, **{f"top_{p_:.0%}": v
                                                 for p_, v in c.top_shares.items()},
                 "destroying_share": c.destroying_share}
                for p, c in self.concentration.items()]
        return pd.DataFrame(rows)


def backtest(
    history: pd.DataFrame,
    tier_order: Sequence[str],
    *,
    tier_column: str = "applied_tier",
    score_column: str = "score",
    bins: int = 10,
    window: int = 3,
) -> Backtest:
    """Stability, flapping, exits, score PSI against the first period, concentration."""
    if score_column not in history.columns:
        raise ContractError(f"the backtest history lacks the {score_column!r} column")
    periods = tuple(sorted(str(p) for p in history["period"].unique()))
    if not periods:
        raise ContractError("the backtest history is empty")
    by_period = {str(p): g for p, g in history.groupby("period", sort=True)}
    reference = by_period[periods[0]][score_column]
    psis = {p: psi(reference, by_period[p][score_column], bins=bins) for p in periods[1:]
            if by_period[p][score_column].notna().any()}
    conc = ({p: concentration(by_period[p]["contribution"]) for p in periods}
            if "contribution" in history.columns else {})
    return Backtest(
        periods=periods,
        stability=stability(history, tier_order, tier_column=tier_column, window=window),
        psi=psis,
        concentration=conc,
    )
