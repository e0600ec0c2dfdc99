"""The parts of a standard that describe customers: tiers, flags, scored dimensions."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from corptier.errors import Text
from corptier.tiering.conditions import ConditionError, check_condition
from corptier.tiering.indicator_names import (
    TEXT_INDICATORS,
    known_indicators,
    scorable_indicators,
)

WEIGHT_TOLERANCE = 1e-6



class FieldIssue(ValueError):
    """A validation problem below the field being validated; `loc` continues the field path."""

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


# --- small types ---------------------------------------------------------------------------------
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Points = Annotated[float, Field(ge=0, le=100)]
Weight = Annotated[float, Field(gt=0, le=1)]
Direction = Literal["ascending", "descending"]


def _condition(text: Any) -> str:
    if not isinstance(text, str):
        raise ValueError(Text("a condition must be text such as 'dep_avg_r3 >= 1e8'; got "
                              "{text!r}", text=text))
    try:
        check_condition(text, known_indicators(), TEXT_INDICATORS)
    except ConditionError as exc:
        raise ValueError(*exc.args) from None
    return text


def _scorable(name: str) -> str:
    if name in TEXT_INDICATORS and name in known_indicators():
        raise ValueError(Text("'{name}' holds text and cannot be scored", name=name))
    if name not in scorable_indicators():
        raise ValueError(Text("unknown indicator '{name}' (see docs/indicators.md for the names)",
                              name=name))
    return name


def _missing(value: object) -> float | str:
    if isinstance(value, str) and value in ("zero", "exclude"):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
        return float(value)
    raise ValueError(Text(
        "missing must be points between 0 and 100, 'zero' (score the value 0) or 'exclude' "
        "(leave the indicator out and re-weight the others); got {value!r}", value=value))


def text_version(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Condition = Annotated[str, PlainValidator(_condition)]
IndicatorName = Annotated[str, PlainValidator(lambda v: _scorable(str(v)))]
MissingPolicy = Annotated[float | str, PlainValidator(_missing), PlainSerializer(lambda v: v)]


def check_weights(parts: dict[str, Any], what: str) -> None:
    """Weights of a dimension's indicators, or of the dimensions, must add up to 1."""
    total = sum(part.weight for part in parts.values())
    if abs(total - 1) > WEIGHT_TOLERANCE:
        terms = " + ".join(f"{name} {part.weight:g}" for name, part in parts.items())
        raise ValueError(Text("{what} weights must add up to 1; {terms} = {total:g}",
                              what=Text(what), terms=terms, total=total))


class StandardModel(BaseModel):
    """Base of every part of a standard: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- tiers and flags -----------------------------------------------------------------------------
class Tier(StandardModel):
    """One rung of the ladder; the list in the standard is ordered best first."""

    code: Code
    name_zh: str
    name_en: str
    description: str = ""


class Flag(StandardModel):
    """An overlay flag (e.g. 潜力 potential, 风险关注 risk watch) shown beside the tier."""

    code: Code
    name_zh: str
    name_en: str
    description: str = ""
    when: Condition | None = None
    tiers: tuple[str, ...] | None = None


# --- indicator scoring ---------------------------------------------------------------------------
class _Scored(StandardModel):
    weight: Weight
    missing: MissingPolicy
    description: str = ""


class Band(StandardModel):
    at: float
    points: Points


class BandsScoring(_Scored):
    """Points by threshold bands: ascending = `value >= at`, highest band met wins;
    descending = `value <= at`, lowest band met wins; `otherwise` when no band is met."""

    method: Literal["bands"]
    direction: Direction = "ascending"
    bands: tuple[Band, ...] = Field(min_length=1)
    otherwise: Points = 0.0

    @field_validator("bands")
    @classmethod
    def _increasing(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        for i, (lower, upper) in enumerate(pairwise(bands)):
            if upper.at <= lower.at:
                raise FieldIssue(
                    Text("band thresholds must increase from one band to the next "
                         "({lower:g} then {upper:g})", lower=lower.at, upper=upper.at),
                    i + 1,
                    "at",
                )
        return bands


class PercentileScoring(_Scored):
    """Percent rank within the period × 100 (ties share the lower rank)."""

    method: Literal["percentile"]
    direction: Direction = "ascending"


class _Bounded(_Scored):
    """A scale between `lo` and `hi` (hi above lo)."""

    direction: Direction = "ascending"
    lo: float
    hi: float

    @field_validator("hi")
    @classmethod
    def _above_lo(cls, hi: float, info: ValidationInfo) -> float:
        lo = info.data.get("lo")
        if lo is not None and hi <= lo:
            raise ValueError(Text("hi ({hi:g}) must be greater than lo ({lo:g})", hi=hi, lo=lo))
        return hi


class MinMaxScoring(_Bounded):
    """Capped min-max: values are clipped to [lo, hi] and scaled to 0–100."""

    method: Literal["minmax"]


class LogScoring(_Bounded):
    """log10 scale between lo and hi (values clipped to [lo, hi]), scaled to 0–100."""

    method: Literal["log"]
    lo: float = Field(gt=0)


IndicatorScoring = Annotated[
    BandsScoring | PercentileScoring | MinMaxScoring | LogScoring,
    Field(discriminator="method"),
]


class Dimension(StandardModel):
    """A group of scored indicators; its score is their weighted mean (0–100)."""

    name_zh: str
    name_en: str
    weight: Weight
    description: str = ""
    indicators: dict[IndicatorName, IndicatorScoring] = Field(min_length=1)

    @field_validator("indicators")
    @classmethod
    def _weights_sum_to_one(cls, indicators: dict[str, Any]) -> dict[str, Any]:
        check_weights(indicators, "indicator")
        return indicators


