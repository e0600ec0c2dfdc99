"""Who is ranked: customers whose relationship status the standard excludes (by default
`closed`) take no score, rank or pyramid slot, so the shares are taken of the others."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from corptier.tiering.standard_dimensions import FieldIssue, StandardModel

if TYPE_CHECKING:
    import ibis.expr.types as ir

STATUS = "status"
"""The customer attribute of the indicator snapshot the exclusion reads (customers table)."""

ExcludedStatus = Literal["dormant", "closed"]


class Ranking(StandardModel):
    """`ranking:` of a standard: the relationship statuses left out of the close (they show
    as `exited` in the migration, like a customer no longer in the data)."""

    exclude_status: tuple[ExcludedStatus, ...] = Field(default=("closed",))

    @field_validator("exclude_status")
    @classmethod
    def _unique(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for i, value in enumerate(values):
            if value in values[:i]:
                raise FieldIssue(f"status '{value}' is listed twice", i)
        return values


def ranked_customers(indicators: ir.Table, ranking: Ranking) -> ir.Table:
    """The rows of `indicators` whose status the standard does not exclude (a row without a
    status is kept; a table without a `status` column has nothing to exclude)."""
    if not ranking.exclude_status or STATUS not in indicators.columns:
        return indicators
    status = indicators[STATUS].cast("string").fill_null("")
    return indicators.filter(~status.isin(list(ranking.exclude_status)))

