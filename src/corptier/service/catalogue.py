"""The service catalogue per tier (服务目录) as pydantic models; `docs/service.md` documents it.

Per tier: the service model (team), visit, annual-review and needs-survey cadences, response
time, pricing authority, exclusive services and the products offered proactively. Beside the
tiers: the published fee list (收费目录), the published preferential policies and the pricing
delegation the branch holds — what the compliance rules check the tiers against.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from corptier.provenance import hash_json

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")]
Days = Annotated[int, Field(gt=0, le=3660)]
BasisPoints = Annotated[int, Field(ge=0, le=1000)]
Text = Annotated[str, StringConstraints(max_length=200)]


def _text_version(value: object) -> object:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class CatalogueModel(BaseModel):
    """Base of every part of a catalogue: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Named(CatalogueModel):
    code: Code
    name_zh: Text
    name_en: Text = ""


class PublishedFee(Named):
    """A fee item of the published fee list (四公开), with the real service it pays for."""

    service: Text = ""
    """The service the fee is charged for (七不准: no fee without a real service)."""


class Policy(Named):
    """A published preferential policy a concession or free service rests on."""

    published: date | None = None


class Delegation(CatalogueModel):
    """The pricing authority delegated to the branch (basis points)."""

    loan_rate_bp: BasisPoints = 0
    fee_concession_bp: BasisPoints = 0


class Concession(CatalogueModel):
    """A fee concession a tier may grant: which published fee, how much, on which policy."""

    fee: Code
    waive_share: Annotated[float, Field(gt=0, le=1)] = 1.0
    policy: Code | None = None
    conditions: tuple[Code, ...] = ()
    """What the customer must do to get it (never deposits or products: 七不准)."""


class Pricing(CatalogueModel):
    """The pricing authority of the tier's team, within the branch's delegation."""

    loan_rate_bp: BasisPoints = 0
    fee_concession_bp: BasisPoints = 0
    concessions: tuple[Concession, ...] = ()


class ExclusiveService(Named):
    """An exclusive service (绿色通道, dedicated line, priority counter, …)."""

    free: bool = False
    fee: Code | None = None
    """The published fee it is charged under, when it is not free."""
    policy: Code | None = None
    """The published preferential policy that makes it free."""
    conditions: tuple[Code, ...] = ()


class ServiceModel(CatalogueModel):
    """Who serves the tier: e.g. a 1+N team (a senior RM and product specialists) or a pool."""

    kind: Literal["team", "dedicated", "pooled", "remote"]
    lead_grade: Code | None = None
    specialists: tuple[Code, ...] = ()
    description_zh: Text = ""
    description_en: Text = ""


class TierService(CatalogueModel):
    """What one tier receives."""

    service_model: ServiceModel
    visit_days: Days | None = None
    """Days between visits (None: no scheduled visits)."""
    review_days: Days | None = None
    """Days between annual reviews (年审)."""
    survey_days: Days | None = None
    """Days between needs surveys."""
    response_hours: Annotated[int, Field(gt=0, le=720)]
    pricing: Pricing = Pricing()
    exclusive_services: tuple[ExclusiveService, ...] = ()
    proactive_products: tuple[Code, ...] = ()


class Onboarding(CatalogueModel):
    """Days after the close by which an upgraded customer's onboarding tasks are due."""

    assign_rm_days: Days = 10
    welcome_visit_days: Days = 30
    needs_survey_days: Days = 45


class PlanRules(CatalogueModel):
    """How a tier change changes the plan."""

    onboarding: Onboarding = Onboarding()
    transition_days: Days = 30


class Catalogue(CatalogueModel):
    """A tier service catalogue: identity, the published lists and each tier's service."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    version: Annotated[str, BeforeValidator(_text_version),
                       StringConstraints(min_length=1, max_length=40)]
    effective_from: date
    description: str = ""
    rules: str = "service_rules.yaml"
    """The compliance rule file, beside the catalogue."""
    delegation: Delegation = Delegation()
    published_fees: tuple[PublishedFee, ...] = ()
    preferential_policies: tuple[Policy, ...] = ()
    plan: PlanRules = PlanRules()
    tiers: dict[Code, TierService] = Field(min_length=1)

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the catalogue: its identity in a plan record."""
        return hash_json(self.model_dump(mode="json"))

    def summary(self) -> list[str]:
        """A few lines describing the catalogue (for `corptier service check`)."""
        return [
            f"{self.id} {self.version} (effective {self.effective_from.isoformat()})",
            f"content hash: {self.content_hash}",
            "tiers: " + ", ".join(self.tiers),
            f"published fees: {len(self.published_fees)}; "
            f"policies: {len(self.preferential_policies)}",
        ]
