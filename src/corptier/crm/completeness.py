"""The archive's completeness score (档案完整度), pure: the rules as data and the score of every
customer as one Ibis expression.

A customer's items are the profile fields the rules require (each present and not blank), a
verified contact for each role its tier requires, a visit within its tier's visit cadence (only
when the service catalogue gives the tier one) and a survey answered within the rules' months.
The score is 100 × items met / items that apply, rounded to one decimal; `missing` lists the
items not met (`field:uscc; contact:finance_head; visit; survey`) so that it explains itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import ibis
import ibis.expr.types as ir
from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from corptier.crm.contacts import ROLES
from corptier.errors import StandardError
from corptier.tiering.standard_dimensions import Code, StandardModel, text_version
from corptier.tiering.yaml_loader import (
    MAX_STANDARD_BYTES,
    Issue,
    StandardValidationError,
    compose_yaml,
    validation_issues,
)

FILE_NAME = "completeness.yaml"
PROFILE_FIELDS = ("name", "uscc", "industry_code", "region_code", "sub_branch", "founded_on",
                  "employees", "annual_revenue", "total_assets", "registered_capital",
                  "onboarded_on", "rating", "rm_id")
"""The customers table's columns a rule may require."""
DEFAULT_KEY = "default"
SCORE_COLUMNS = ("customer_id", "tier", "rm_id", "sub_branch", "items", "met", "score",
                 "missing")


def _role(code: str) -> str:
    if code not in ROLES:
        raise ValueError(f"unknown contact role {code!r}; use {', '.join(ROLES)}")
    return code


ContactRole = Annotated[str, AfterValidator(_role)]


class CompletenessError(StandardValidationError):
    """A completeness rules file is invalid; `issues` names each problem's file, line, field."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues)
        head = [f"the completeness rules have {len(issues)} error(s):"] if len(issues) > 1 else []
        self.args = ("\n".join([*head, *(str(i) for i in issues)]),)


class CompletenessRules(StandardModel):
    """What a complete archive holds (`standards/completeness.yaml`)."""

    id: Code
    version: Annotated[str, Field(min_length=1)]
    profile_fields: tuple[str, ...]
    contact_roles: dict[str, tuple[ContactRole, ...]]
    """Tier code (or `default`) → the roles that need a verified contact."""
    visit_within_cadence: bool = True
    survey_within_months: Annotated[int, Field(ge=1, le=120)] | None = 12
    """None: surveys are not an item."""

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: object) -> str:
        return text_version(value)

    @field_validator("profile_fields")
    @classmethod
    def _fields(cls, fields: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [f for f in fields if f not in PROFILE_FIELDS]
        if unknown:
            raise ValueError(f"unknown profile field(s) {', '.join(unknown)}; use "
                             f"{', '.join(PROFILE_FIELDS)}")
        return tuple(dict.fromkeys(fields))

    @field_validator("contact_roles")
    @classmethod
    def _roles(cls, roles: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {t: tuple(dict.fromkeys(r)) for t, r in roles.items()}

    @model_validator(mode="after")
    def _has_default(self) -> CompletenessRules:
        if DEFAULT_KEY not in self.contact_roles:
            raise ValueError("contact_roles needs a 'default' entry (the roles of the tiers not "
                             "listed)")
        return self

    def roles_of(self, tier: str) -> tuple[str, ...]:
        return self.contact_roles.get(tier, self.contact_roles[DEFAULT_KEY])

    def all_roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for roles in self.contact_roles.values() for r in roles))


def load_completeness_rules(path: str | Path) -> CompletenessRules:
    """Read and check a completeness rules file (CompletenessError naming file and line)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_STANDARD_BYTES:
            raise CompletenessError([Issue(str(path), None, "", f"the file is larger than "
                                           f"{MAX_STANDARD_BYTES:,} bytes")])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read completeness rules {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise CompletenessError([Issue(str(path), None, "", "the file is not UTF-8 text")]
                                ) from None
    return parse_completeness_rules(text, str(path))


def parse_completeness_rules(text: str, source: str = "<completeness>") -> CompletenessRules:
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise CompletenessError(exc.issues) from None
    if not isinstance(data, dict):
        raise CompletenessError([Issue(source, 1, "", "completeness rules must be a YAML "
                                       "mapping")])
    try:
        return CompletenessRules.model_validate(data)
    except ValidationError as exc:
        raise CompletenessError(validation_issues(exc, data, lines, source)) from None


def default_completeness_path() -> Path:
    """The shipped rules (`corptier/standards/completeness.yaml`)."""
    from importlib import resources

    return Path(str(resources.files("corptier") / "standards" / FILE_NAME))


def completeness(customers: ir.Table, tiers: ir.Table, contacts: ir.Table, visits: ir.Table,
                 cadence: ir.Table | None, surveys: ir.Table, rules: CompletenessRules,
                 as_of: date) -> ir.Table:
    """One row per customer (SCORE_COLUMNS).

    `customers`: the loaded customers (customer_id and the profile fields); `tiers`:
    customer_id, applied_tier; `contacts`: customer_id, role of the verified contacts;
    `visits`: customer_id, last_visit; `cadence`: tier, visit_days (None: no catalogue, the
    visit is no item); `surveys`: customer_id, last_answer (a date). A profile field the
    customers table lacks counts as missing."""
    def text(name: str) -> ir.Value:
        return (customers[name].cast("string") if name in customers.columns
                else ibis.null("string"))

    base = customers.select(
        customer_id=customers.customer_id.cast("string"), rm_id=text("rm_id"),
        sub_branch=text("sub_branch"),
        **{f"_f_{f}": _present(customers[f]) if f in customers.columns else ibis.literal(False)
           for f in rules.profile_fields})
    t = tiers.select(_t_id=tiers.customer_id.cast("string"),
                     tier=tiers.applied_tier.cast("string"))
    frame = base.left_join(t, base.customer_id == t._t_id).drop("_t_id")
    frame = _contact_items(frame, contacts, rules)
    items: list[tuple[str, ir.BooleanValue, ir.BooleanValue]] = [
        (f"field:{f}", ibis.literal(True), frame[f"_f_{f}"]) for f in rules.profile_fields]
    for role in rules.all_roles():
        items.append((f"contact:{role}", _role_applies(frame.tier, role, rules),
                      frame[f"_c_{role}"]))
    if rules.visit_within_cadence and cadence is not None:
        frame, applies, met = _visit_item(frame, visits, cadence, as_of)
        items.append(("visit", applies, met))
    if rules.survey_within_months is not None:
        since = as_of - timedelta(days=round(rules.survey_within_months * 365.25 / 12))
        s = surveys.select(_s_id=surveys.customer_id.cast("string"),
                           _s_last=surveys.last_answer.cast("date"))
        frame = frame.left_join(s, frame.customer_id == s._s_id).drop("_s_id")
        items.append(("survey", ibis.literal(True),
                      (frame._s_last >= ibis.literal(since, "date")).fill_null(False)))
    count = sum((a.cast("int64") for _, a, _ in items), ibis.literal(0, "int64"))
    met = sum(((a & m).cast("int64") for _, a, m in items), ibis.literal(0, "int64"))
    missing = ibis.literal("", "string")
    for name, applies, ok in items:
        missing = missing + ibis.ifelse(applies & ~ok, ibis.literal(f"; {name}"), "")
    return frame.select(
        "customer_id", "tier", "rm_id", "sub_branch", items=count, met=met,
        score=ibis.ifelse(count > 0, (met * 100.0 / count).round(1), ibis.null("float64")),
        missing=missing.substr(2))


def _present(column: ir.Value) -> ir.BooleanValue:
    if column.type().is_string():
        return (column.strip().length() > 0).fill_null(False)
    return column.notnull()


def _contact_items(frame: ir.Table, contacts: ir.Table, rules: CompletenessRules) -> ir.Table:
    """`_c_<role>`: whether the customer has a verified contact of the role."""
    roles = rules.all_roles()
    if not roles:
        return frame
    c = contacts.select(_c_id=contacts.customer_id.cast("string"),
                        _role=contacts.role.cast("string"))
    per = c.group_by("_c_id").aggregate(**{
        f"_c_{r}": (c._role == r).any() for r in roles})
    joined = frame.left_join(per, frame.customer_id == per._c_id).drop("_c_id")
    return joined.mutate(**{f"_c_{r}": joined[f"_c_{r}"].fill_null(False) for r in roles})


def _role_applies(tier: ir.StringValue, role: str, rules: CompletenessRules) -> ir.BooleanValue:
    """Whether the customer's tier (the default roles without one) requires `role`."""
    listed = [t for t in rules.contact_roles if t != DEFAULT_KEY]
    default = role in rules.contact_roles[DEFAULT_KEY]
    if not listed:
        return ibis.literal(default)
    return ibis.cases(*[(tier == t, role in rules.contact_roles[t]) for t in listed],
                      else_=default).cast("boolean")


def _visit_item(frame: ir.Table, visits: ir.Table, cadence: ir.Table, as_of: date
                ) -> tuple[ir.Table, ir.BooleanValue, ir.BooleanValue]:
    v = visits.select(_v_id=visits.customer_id.cast("string"),
                      _v_last=visits.last_visit.cast("date"))
    k = cadence.select(_k_tier=cadence.tier.cast("string"),
                       _k_days=cadence.visit_days.cast("int64"))
    frame = frame.left_join(v, frame.customer_id == v._v_id).drop("_v_id")
    frame = frame.left_join(k, frame.tier == k._k_tier).drop("_k_tier")
    days = ibis.literal(as_of, "date").delta(frame._v_last, unit="day")
    return frame, frame._k_days.notnull(), (days <= frame._k_days).fill_null(False)
