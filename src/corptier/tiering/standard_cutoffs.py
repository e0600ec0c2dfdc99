"""The cut-offs of a tiering standard: absolute points, exact quantiles or a target pyramid on the
total score, optionally within ladders (`by`); `docs/standard.md` documents every field."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from corptier.errors import Text
from corptier.reference.size_standard import SIZE_CATEGORIES
from corptier.tiering.standard_dimensions import (
    WEIGHT_TOLERANCE,
    Code,
    Condition,
    Dimension,
    FieldIssue,
    Points,
    StandardModel,
)

# --- cut-offs ------------------------------------------------------------------------------------
OTHER_LADDER = "other"
"""The ladder of customers whom no condition of a `by` mapping (or no value of a `by`
indicator) places."""
LADDER_VALUES: dict[str, tuple[str, ...]] = {"enterprise_size": SIZE_CATEGORIES}
"""The values a categorical `by` indicator can take, where they are known in advance."""

Share = Annotated[float, Field(ge=0, le=1)]
Quantile = Annotated[float, Field(gt=0, lt=1)]


class _NoneDropped(StandardModel):
    """Absent optional fields are left out of the dump, so adding one keeps old hashes."""

    @model_serializer(mode="wrap")
    def _without_none(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k not in _DROPPABLE}
        return data


_DROPPABLE = frozenset({"by", "ladders", "score_within_ladder", "shares", "points", "quantiles",
                        "weights"})


class Ladder(_NoneDropped):
    """One ladder's own cut-offs (the field of the standard's method) and dimension weights;
    what it leaves out is taken from the standard."""

    shares: dict[str, Share] | None = None
    points: dict[str, Points] | None = None
    quantiles: dict[str, Quantile] | None = None
    weights: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = None


class _Ladders(_NoneDropped):
    """`by`, `ladders` and `score_within_ladder`: cut-offs computed within segments."""

    by: str | dict[Code, Condition] | None = None
    ladders: dict[str, Ladder] | None = None
    score_within_ladder: bool | None = None

    @field_validator("by")
    @classmethod
    def _by_known(cls, by: str | dict[str, str] | None) -> str | dict[str, str] | None:
        from corptier.tiering.indicator_names import known_indicators

        if isinstance(by, str) and by not in known_indicators():
            raise ValueError(Text("unknown indicator '{by}' in 'by' (see docs/indicators.md); "
                                  "or give a mapping of ladder codes to conditions", by=by))
        if isinstance(by, dict):
            if not by:
                raise ValueError("'by' needs at least one ladder")
            if OTHER_LADDER in by:
                raise FieldIssue(Text("'{ladder}' is the ladder of everyone left: it needs "
                                      "no condition", ladder=OTHER_LADDER), OTHER_LADDER)
        return by

    @field_validator("ladders", "score_within_ladder")
    @classmethod
    def _needs_by(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None and info.data.get("by") is None:
            raise ValueError(Text("'{field}' needs 'by' (the segments to rank within)",
                                  field=info.field_name))
        return value

    @property
    def within_ladder(self) -> bool:
        """Percentile points are taken within each ladder (the default when `by` is set)."""
        return self.by is not None and self.score_within_ladder is not False

    def ladder_codes(self) -> list[str] | None:
        """The possible ladders, where they are known in advance (None: any value of `by`)."""
        if isinstance(self.by, dict):
            return [*self.by, OTHER_LADDER]
        if isinstance(self.by, str) and self.by in LADDER_VALUES:
            return [*LADDER_VALUES[self.by], OTHER_LADDER]
        return None

    def ladder(self, code: str) -> Ladder:
        """The overrides of one ladder (none: an empty `Ladder`)."""
        return (self.ladders or {}).get(code) or Ladder()


class AbsoluteCutoffs(_Ladders):
    """A customer takes the best tier whose minimum points its total score reaches."""

    method: Literal["absolute"]
    points: dict[str, Points]


class QuantileCutoffs(_Ladders):
    """Each tier starts at an exact quantile of the period's score distribution."""

    method: Literal["quantile"]
    quantiles: dict[str, Quantile]


class PyramidCutoffs(_Ladders):
    """Target shares per tier, filled by rank (score desc, then customer id)."""

    method: Literal["pyramid"]
    shares: dict[str, Share]

    def cumulative(self, tier_codes: list[str], ladder: str | None = None) -> list[Fraction]:
        """Exact cumulative shares down the tiers (the last is 1), of one ladder if given."""
        shares = cutoff_values(self, ladder)
        total, out = Fraction(0), []
        for code in tier_codes:
            total += exact_fraction(shares[code])
            out.append(total)
        return out


Cutoffs = Annotated[
    AbsoluteCutoffs | QuantileCutoffs | PyramidCutoffs, Field(discriminator="method")
]


CUTOFF_FIELD = {"absolute": "points", "quantile": "quantiles", "pyramid": "shares"}


def cutoff_values(cutoffs: Any, ladder: str | None = None) -> dict[str, float]:
    """The points, quantiles or shares of the method: a ladder's own, else the standard's."""
    field = CUTOFF_FIELD[cutoffs.method]
    own = getattr(cutoffs.ladder(ladder), field) if ladder is not None else None
    return dict(own if own is not None else getattr(cutoffs, field))


def exact_fraction(value: float) -> Fraction:
    """The decimal a person wrote (0.02 → 1/50), not the binary float's exact value."""
    return Fraction(repr(value))


def check_cutoff_values(method: str, values: dict[str, float], codes: list[str],
                         *loc: str) -> None:
    """Pyramid shares cover every tier and add up to 1; points and quantiles cover every tier
    but the last and fall down the tiers."""
    if method == "pyramid":
        keys_are(values, codes, *loc)
        total = sum(exact_fraction(v) for v in values.values())
        if total != 1:
            raise FieldIssue(Text("shares must add up to 1 exactly; they add up to {total:g}",
                                  total=float(total)), *loc)
        return
    keys_are(values, codes[:-1], *loc, rest=codes[-1])
    ordered = [values[c] for c in codes[:-1]]
    for upper, lower, code in zip(ordered, ordered[1:], codes[1:], strict=False):
        if lower >= upper:
            raise FieldIssue(
                Text("must be lower than the tier above ({lower:g} is not below {upper:g})",
                     lower=lower, upper=upper),
                *loc, code,
            )


def check_ladder_weights(weights: dict[str, float], dims: dict[str, Dimension],
                          ladder: str) -> None:
    """A ladder's dimension weights name known dimensions and, with the standard's weights
    of the dimensions it leaves out, add up to 1."""
    for code in weights:
        if code not in dims:
            raise FieldIssue(Text("unknown dimension '{code}'; the dimensions are {dims}",
                                  code=code, dims=", ".join(dims)),
                             "ladders", ladder, "weights", code)
    merged = {code: weights.get(code, dim.weight) for code, dim in dims.items()}
    total = sum(merged.values())
    if abs(total - 1) > WEIGHT_TOLERANCE:
        terms = " + ".join(f"{code} {w:g}" for code, w in merged.items())
        raise FieldIssue(Text("dimension weights must add up to 1; {terms} = {total:g}",
                              terms=terms, total=total),
                         "ladders", ladder, "weights")


def keys_are(values: dict[str, Any], expected: list[str], *loc: str, rest: str = "") -> None:
    for key in values:
        if key not in expected:
            message = (Text("'{key}' is not a tier that needs a cut-off (the last tier, "
                            "'{rest}', takes the rest and has no cut-off)", key=key, rest=rest)
                       if rest else Text("'{key}' is not a tier that needs a cut-off", key=key))
            raise FieldIssue(message, *loc, key)
    missing = [c for c in expected if c not in values]
    if missing:
        raise FieldIssue(Text("missing cut-off for tier(s) {tiers}", tiers=", ".join(missing)),
                         *loc)
