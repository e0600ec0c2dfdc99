"""The indicator names a standard may refer to.

The indicator engine is the authority: a standard may use the names of
`corptier.engine.INDICATOR_COLUMNS` and the identification columns.
"""

from __future__ import annotations

from functools import lru_cache

IDENTIFICATION = (
    "customer_id", "period", "name", "group_id", "parent_id", "industry_section",
    "enterprise_size", "sub_branch", "rm_id", "status", "onboarded_on",
)
#: Columns that hold text or dates: usable in conditions with == / != / is null, never scored.
TEXT_INDICATORS: frozenset[str] = frozenset(
    {*IDENTIFICATION, "rating", "worst_loan_class", "group_head_id"}
)


@lru_cache(maxsize=1)
def known_indicators() -> frozenset[str]:
    """Every indicator column name a standard may use: the engine's list."""
    from corptier.engine import INDICATOR_COLUMNS

    return frozenset(column.name for column in INDICATOR_COLUMNS) | frozenset(IDENTIFICATION)


def scorable_indicators() -> frozenset[str]:
    """Indicator names that hold numbers and may carry a scoring method."""
    return known_indicators() - TEXT_INDICATORS
