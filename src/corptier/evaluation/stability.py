"""Stability of tiers over a sequence of periods: diagonal share, flapping, next-period exits.

The input is a tier history in long form: one row per (period, customer) with columns `period`,
`customer_id` and the tier column (default `applied_tier`). Periods are taken in sorted order and
each one is compared with the next one present in the history.

- Diagonal share of a step: customers present in both periods that kept their tier, over those
  present in both (see `corptier.evaluation.migration`).
- Flapping: a tier change A → B at period t (tier A at the period before) that is reversed, the
  customer being back in A at one of the next `window` periods (t+1 … t+window, default 3). Each
  change is counted once. The flapping rate is the share of customers seen in at least two
  periods that flapped at least once; the reversal rate is flapping changes over all changes.
- Next-period exit rate by tier (`exit_rate_by_tier`): of the customers of tier X at a period,
  the share absent at the next period, summed over all steps of the history (customer-periods).
- Customer exits by tier (`customer_exits`): distinct customers that were in tier X at some
  period with a next one, and of them those absent at the next period after being in X; each
  customer counts once per tier however many periods it spent there.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from corptier.errors import ContractError
from corptier.evaluation._inputs import check_known_tiers, check_tier_order
from corptier.evaluation.migration import EXITED, MigrationMatrix, migration_matrix

FLAP_WINDOW = 3


@dataclass(frozen=True)
class Flapping:
    """Tier changes reversed within the window."""

    events: pd.DataFrame
    """customer_id, from_tier, to_tier, changed_at, reverted_at."""
    changes: int
    customers_observed: int
    window: int

    @property
    def customers_flapping(self) -> int:
        return int(self.events["customer_id"].nunique())

    @property
    def rate(self) -> float:
        """Customers that flapped over customers seen in at least two periods."""
        obs = self.customers_observed
        return self.customers_flapping / obs if obs else float("nan")

    @property
    def reversal_rate(self) -> float:
        """Reversed changes over all tier changes."""
        return len(self.events) / self.changes if self.changes else float("nan")


@dataclass(frozen=True)
class StabilityReport:
    steps: pd.DataFrame
    """One row per step: period_from, period_to, stayers, diagonal/upgrade/downgrade share,
    new, exited."""
    flapping: Flapping
    exit_rate_by_tier: pd.DataFrame
    """tier, customers, exited_next, exit_rate (customer-periods)."""
    customer_exits: pd.DataFrame | None = None
    """tier, customers, exited, exit_rate (distinct customers)."""

    @property
    def mean_diagonal_share(self) -> float:
        return float(self.steps["diagonal_share"].mean()) if len(self.steps) else float("nan")


def stability(
    history: pd.DataFrame,
    tier_order: Sequence[str],
    *,
    tier_column: str = "applied_tier",
    window: int = FLAP_WINDOW,
) -> StabilityReport:
    """Diagonal shares, flapping and next-period exit rates of a tier history."""
    order = check_tier_order(tier_order)
    matrices = step_matrices(history, order, tier_column=tier_column)
    return StabilityReport(
        steps=diagonal_shares(matrices),
        flapping=flapping(history, order, tier_column=tier_column, window=window),
        exit_rate_by_tier=exit_rate_by_tier(matrices, order),
        customer_exits=customer_exits(history, order, tier_column=tier_column),
    )


def step_matrices(
    history: pd.DataFrame, tier_order: Sequence[str], *, tier_column: str = "applied_tier"
) -> dict[tuple[str, str], MigrationMatrix]:
    """The migration matrix of each pair of consecutive periods in the history."""
    _check_history(history, tier_column)
    by_period = {str(p): g.set_index("customer_id")[tier_column]
                 for p, g in history.groupby("period", sort=True)}
    periods = sorted(by_period)
    return {
        (a, b): migration_matrix(by_period[a], by_period[b], tier_order)
        for a, b in itertools.pairwise(periods)
    }


def diagonal_shares(matrices: dict[tuple[str, str], MigrationMatrix]) -> pd.DataFrame:
    rows = [
        {
            "period_from": a,
            "period_to": b,
            "stayers": m.stayers,
            "diagonal_share": m.diagonal_share,
            "upgrade_share": m.upgrade_share,
            "downgrade_share": m.downgrade_share,
            "new": m.new_count,
            "exited": m.exited_count,
        }
        for (a, b), m in matrices.items()
    ]
    columns = ["period_from", "period_to", "stayers", "diagonal_share", "upgrade_share",
               "downgrade_share", "new", "exited"]
    return pd.DataFrame(rows, columns=columns)


def exit_rate_by_tier(
    matrices: dict[tuple[str, str], MigrationMatrix], tier_order: Sequence[str]
) -> pd.DataFrame:
    """Per tier, over all steps: customers at the start, exited at the next period, the rate."""
    order = list(tier_order)
    customers = pd.Series(0, index=order, dtype="int64")
    exited = pd.Series(0, index=order, dtype="int64")
    for m in matrices.values():
        block = m.counts.loc[order]
        customers += block.sum(axis=1)
        exited += block[EXITED]
    rate = exited / customers.where(customers > 0)
    return pd.DataFrame(
        {"tier": order, "customers": customers.to_numpy(), "exited_next": exited.to_numpy(),
         "exit_rate": rate.to_numpy()}
    )


def customer_exits(
    history: pd.DataFrame, tier_order: Sequence[str], *, tier_column: str = "applied_tier"
) -> pd.DataFrame:
    """Per tier: distinct customers in it at a period followed by another, and of them those
    absent at the next period after being in it (see the module text)."""
    order = check_tier_order(tier_order)
    _customers, _periods, codes = tier_panel(history, order, tier_column=tier_column)
    at, after = codes[:, :-1], codes[:, 1:]
    rows = []
    for k, tier in enumerate(order):
        held = (at == k).any(axis=1)
        left = ((at == k) & (after < 0)).any(axis=1)
        n, gone = int(held.sum()), int(left.sum())
        rows.append({"tier": tier, "customers": n, "exited": gone,
                     "exit_rate": gone / n if n else float("nan")})
    return pd.DataFrame(rows, columns=["tier", "customers", "exited", "exit_rate"])


def flapping(
    history: pd.DataFrame,
    tier_order: Sequence[str],
    *,
    tier_column: str = "applied_tier",
    window: int = FLAP_WINDOW,
) -> Flapping:
    """Tier changes reversed within `window` periods (see the module text)."""
    if window < 1:
        raise ValueError(f"The 'window' parameter of flapping must be >= 1. Got {window} instead.")
    order = check_tier_order(tier_order)
    customers, periods, codes = tier_panel(history, order, tier_column=tier_column)
    present = codes >= 0
    events: list[pd.DataFrame] = []
    changes = 0
    for t in range(1, len(periods)):
        changed = present[:, t - 1] & present[:, t] & (codes[:, t] != codes[:, t - 1])
        changes += int(changed.sum())
        reverted_at = np.full(len(customers), -1)
        for k in range(window, 0, -1):  # the smallest k wins
            if t + k < len(periods):
                back = changed & (codes[:, t + k] == codes[:, t - 1])
                reverted_at[back] = t + k
        hit = np.flatnonzero(reverted_at >= 0)
        if hit.size:
            events.append(pd.DataFrame({
                "customer_id": customers[hit],
                "from_tier": np.asarray(order)[codes[hit, t - 1]],
                "to_tier": np.asarray(order)[codes[hit, t]],
                "changed_at": periods[t],
                "reverted_at": np.asarray(periods)[reverted_at[hit]],
            }))
    columns = ["customer_id", "from_tier", "to_tier", "changed_at", "reverted_at"]
    frame = pd.concat(events, ignore_index=True) if events else pd.DataFrame(columns=columns)
    return Flapping(
        events=frame[columns],
        changes=changes,
        customers_observed=int((present.sum(axis=1) >= 2).sum()),
        window=window,
    )


def tier_panel(
    history: pd.DataFrame, tier_order: Sequence[str], *, tier_column: str = "applied_tier"
) -> tuple[NDArray[Any], list[str], NDArray[np.int16]]:
    """(customer ids, sorted periods, codes[customer, period]) with −1 where absent.

    A code is the tier's position in `tier_order` (0 = best).
    """
    _check_history(history, tier_column)
    frame = history[["period", "customer_id", tier_column]].dropna(subset=[tier_column])
    check_known_tiers(frame[tier_column].astype(str), tier_order, "the tier history")
    if frame.duplicated(["period", "customer_id"]).any():
        raise ContractError("the tier history has a customer twice in the same period")
    code = pd.Categorical(frame[tier_column].astype(str), categories=list(tier_order)).codes
    cust = pd.Categorical(frame["customer_id"])
    per = pd.Categorical(frame["period"].astype(str))
    per = per.reorder_categories(sorted(per.categories))
    codes = np.full((len(cust.categories), len(per.categories)), -1, dtype=np.int16)
    codes[cust.codes, per.codes] = code
    return np.asarray(cust.categories), [str(p) for p in per.categories], codes


def _check_history(history: pd.DataFrame, tier_column: str) -> None:
    missing = {"period", "customer_id", tier_column} - set(history.columns)
    if missing:
        raise ContractError(f"the tier history lacks column(s) {sorted(missing)}")
