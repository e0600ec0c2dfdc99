"""What is being synthesised: seed, number of customers, months, and the derived layout."""

from __future__ import annotations

from dataclasses import dataclass, field

from corptier.periods import Period, period_range
from corptier.synth.products import Managers, managers
from corptier.synth.rng import BLOCK

NO_MONTH = 10**6
"""Month index meaning 'never' (no arrival within the history, no exit)."""
NO_DATE = 10**7
"""Day number meaning 'never' (an account that is not closed)."""


@dataclass
class History:
    """The parameters of one synthetic bank history and what follows from them."""

    seed: int
    customers: int
    start: Period
    months: int
    txn_mean: float = 100.0
    own_bank: str = "XB"
    attrition: float = 0.03
    """Share of the customers who start to leave in a year (silent attrition)."""
    managers: Managers = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.managers = managers(self.customers, self.seed, self.start)

    @property
    def periods(self) -> list[Period]:
        return period_range(self.start, self.end)

    @property
    def end(self) -> Period:
        return self.start.shift(self.months - 1)

    @property
    def blocks(self) -> int:
        return -(-self.customers // BLOCK)

    def block_size(self, block: int) -> int:
        return min(BLOCK, self.customers - block * BLOCK)
