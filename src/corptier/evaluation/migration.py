"""Migration matrix between two tier assignments: who moved up, down, in and out.

Rows are the tier at the start, columns the tier at the end, both in the order of the standard
(best first). A "new" row counts customers present only at the end; an "exited" column counts
customers present only at the start. Row percentages divide each row by its total (exits
included), so a row reads "of the customers that were X, this share ended as Y or left".

Shares of the customers present at both dates (the "stayers"):
- diagonal share = same tier (stability),
- downgrade share = right of the diagonal (a worse tier, since tiers are ordered best first),
- upgrade share = left of the diagonal;
the three add up to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corptier.evaluation._inputs import (
    TierInput,
    check_known_tiers,
    check_tier_order,
    tier_series,
)

NEW = "new"
EXITED = "exited"


@dataclass(frozen=True)
class MigrationMatrix:
    """Counts and row percentages; index = tiers + "new", columns = tiers + "exited"."""

    counts: pd.DataFrame
    row_pct: pd.DataFrame
    tier_order: tuple[str, ...]

    @property
    def stayers(self) -> int:
        """Customers present at both dates."""
        return int(self._stay_block().to_numpy().sum())

    @property
    def diagonal_share(self) -> float:
        """Share of stayers whose tier did not change (NaN when there are none)."""
        return self._share(np.trace(self._stay_block().to_numpy()))

    @property
    def downgrade_share(self) -> float:
        """Share of stayers that ended in a worse tier (right of the diagonal)."""
        return self._share(np.triu(self._stay_block().to_numpy(), k=1).sum())

    @property
    def upgrade_share(self) -> float:
        """Share of stayers that ended in a better tier (left of the diagonal)."""
        return self._share(np.tril(self._stay_block().to_numpy(), k=-1).sum())

    @property
    def new_count(self) -> int:
        return int(self.counts.loc[NEW].to_numpy().sum())

    @property
    def exited_count(self) -> int:
        return int(self.counts[EXITED].sum())

    @property
    def exit_rate(self) -> float:
        """Exited customers over all customers at the start."""
        start = int(self.counts.loc[list(self.tier_order)].to_numpy().sum())
        return self.exited_count / start if start else float("nan")

    def exit_rate_by_tier(self) -> pd.Series:
        """Per start tier: exited / customers of that tier at the start."""
        block = self.counts.loc[list(self.tier_order)]
        totals = block.sum(axis=1)
        return (block[EXITED] / totals.where(totals > 0)).rename("exit_rate")

    def _stay_block(self) -> pd.DataFrame:
        tiers = list(self.tier_order)
        return self.counts.loc[tiers, tiers]

    def _share(self, part: float) -> float:
        total = self.stayers
        return float(part) / total if total else float("nan")


def migration_matrix(
    start: TierInput,
    end: TierInput,
    tier_order: Sequence[str],
    *,
    tier_column: str = "applied_tier",
) -> MigrationMatrix:
    """Count customers by (start tier, end tier), with a "new" row and an "exited" column.

    Parameters
    ----------
    start, end
        Tier of each customer: a Series indexed by customer id, or a DataFrame with
        `customer_id` and `tier_column` (default `applied_tier`, as in the published tiers).
    tier_order
        Tier codes best first; every code in the data must be listed.

    Returns
    -------
    MigrationMatrix with `counts` (int) and `row_pct` (0–1, NaN for an empty row).

    Examples
    --------
    >>> m = migration_matrix(pd.Series({"a": "core", "b": "basic"}),
    ...                      pd.Series({"a": "basic", "c": "core"}), ["core", "basic"])
    >>> int(m.counts.loc["core", "basic"]), int(m.counts.loc["basic", "exited"]), m.new_count
    (1, 1, 1)
    """
    order = check_tier_order(tier_order)
    s, e = tier_series(start, tier_column), tier_series(end, tier_column)
    check_known_tiers(s, order, "the start tiers")
    check_known_tiers(e, order, "the end tiers")
    joined = pd.concat([s.rename("start"), e.rename("end")], axis=1, join="outer")
    rows = pd.Categorical(joined["start"].fillna(NEW), categories=[*order, NEW])
    cols = pd.Categorical(joined["end"].fillna(EXITED), categories=[*order, EXITED])
    counts = pd.crosstab(rows, cols, dropna=False).reindex(
        index=[*order, NEW], columns=[*order, EXITED], fill_value=0
    )
    counts.index.name, counts.columns.name = "from", "to"
    counts = counts.astype("int64")
    totals = counts.sum(axis=1)
    row_pct = counts.div(totals.where(totals > 0), axis=0)
    return MigrationMatrix(counts=counts, row_pct=row_pct, tier_order=order)
