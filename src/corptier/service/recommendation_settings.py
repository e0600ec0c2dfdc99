"""How product recommendations are made, as data (`standards/recommendations.yaml`).

Who counts as a customer's peers (the keys of each peer-group level, finest first, and the
minimum number of peers a level needs), which product categories are recommended, when a
category is "commonly held" by the peers, which contribution measure the expected gain uses, how
many products are proposed and the backtest horizon. `load_recommendation_settings` reports
every error with the file, the line and the field, like the standard's loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, field_validator

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.errors import StandardError, Text
from corptier.tiering.standard_dimensions import Code, FieldIssue, StandardModel, text_version
from corptier.tiering.yaml_loader import (
    MAX_STANDARD_BYTES,
    Issue,
    StandardValidationError,
    compose_yaml,
    validation_issues,
)

FILE_NAME = "recommendations.yaml"
PeerKey = Literal["needs_segment", "industry_section", "enterprise_size"]
PEER_KEYS: tuple[str, ...] = ("needs_segment", "industry_section", "enterprise_size")
Category = Literal["settlement", "financing", "trade", "cash_management", "investment_banking",
                   "payroll", "wealth", "ebanking"]
Measure = Literal["contribution", "contribution_r3", "contribution_r12"]
Status = Literal["active", "dormant", "closed"]


class RecommendationSettingsError(StandardValidationError):
    """A recommendations file is invalid; `issues` lists each problem with file, line, field."""

    head = "the recommendation settings have {count} error(s):"


class RecommendationSettings(StandardModel):
    """The recommendation model's parameters (see docs/service.md, "Product recommendations")."""

    id: Code
    version: Annotated[str, BeforeValidator(text_version)]
    description: str = ""
    statuses: tuple[Status, ...] = Field(default=("active",), min_length=1)
    """Relationship statuses of the customers who get recommendations and count as peers."""
    categories: tuple[Category, ...] = Field(min_length=1)
    """The product categories that may be recommended."""
    peer_groups: tuple[tuple[PeerKey, ...], ...] = Field(min_length=1)
    """Peer-group levels, finest first; `[]` is the whole book. A customer uses the first level
    whose group has at least `min_peers` other customers."""
    min_peers: int = Field(ge=1, le=100_000)
    min_adoption: float = Field(gt=0, le=1)
    """A category is in the gap when at least this share of the peers hold it."""
    contribution: Measure = "contribution_r12"
    top: int = Field(default=3, ge=1, le=len(PRODUCT_CATEGORIES))
    stated_need_bonus: float = Field(default=0.25, ge=0, le=1)
    """Added to the score of a category the customer stated as a need (needs survey)."""
    horizon_months: int = Field(default=6, ge=1, le=24)
    """Backtest: adoptions are looked for in the months t+1 … t+horizon."""

    @field_validator("categories", "statuses")
    @classmethod
    def _unique(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for i, value in enumerate(values):
            if value in values[:i]:
                raise FieldIssue(Text("'{value}' is listed twice", value=value), i)
        return values

    @field_validator("peer_groups")
    @classmethod
    def _levels(cls, levels: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        for i, keys in enumerate(levels):
            for j, key in enumerate(keys):
                if key in keys[:j]:
                    raise FieldIssue(Text("'{key}' is listed twice in this level", key=key), i, j)
            if set(keys) in [set(k) for k in levels[:i]]:
                raise FieldIssue("this level repeats an earlier one", i)
        return levels


def load_recommendation_settings(path: str | Path) -> RecommendationSettings:
    """Read and check the settings in a YAML file (RecommendationSettingsError if invalid)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_STANDARD_BYTES:
            raise RecommendationSettingsError([Issue(str(path), None, "", Text(
                "the file is larger than {limit:,} bytes", limit=MAX_STANDARD_BYTES))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read recommendation settings {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise RecommendationSettingsError([Issue(str(path), None, "",
                                                 "the file is not UTF-8 text")]) from None
    return parse_recommendation_settings(text, str(path))


def parse_recommendation_settings(text: str, source: str = "<recommendations>",
                                  ) -> RecommendationSettings:
    """Check and return the settings in YAML `text`; `source` names it in errors."""
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise RecommendationSettingsError(exc.issues) from None
    if not isinstance(data, dict):
        raise RecommendationSettingsError([Issue(source, 1, "", "the recommendation settings "
                                                 "must be a YAML mapping")])
    try:
        return RecommendationSettings.model_validate(data)
    except ValidationError as exc:
        issues = [i.with_doc("docs/service.md")
                  for i in validation_issues(exc, data, lines, source)]
        raise RecommendationSettingsError(issues) from None


def default_settings_path() -> Path:
    """The shipped settings (`corptier/standards/recommendations.yaml`)."""
    from importlib import resources

    return Path(str(resources.files("corptier") / "standards" / FILE_NAME))
