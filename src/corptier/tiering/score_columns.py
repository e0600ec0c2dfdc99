"""The names of the score columns (the total, each dimension's, each indicator's points), apart
from the Ibis scoring code, so that explaining a published row imports no Ibis."""

from __future__ import annotations

SCORE = "score"


def points_column(dimension: str, indicator: str) -> str:
    """Output column holding an indicator's points within a dimension."""
    return f"points__{dimension}__{indicator}"


def dimension_column(dimension: str) -> str:
    """Output column holding a dimension's score."""
    return f"score_{dimension}"
