"""The dynamics alert rules (动态跟踪规则) as data: pydantic models and their YAML file.

A rule has an id, a description in Chinese and English, a condition in the standard's condition
language over the facts of `corptier.crm.alert_facts`, a severity per tier (with a `default`)
and who it goes to (`rm` or `team_head`); the file gives the hours after which an
unacknowledged alert of each severity is escalated. `load_alert_rules` reports every error with
the file, the line and the field, like the standard's loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainValidator, ValidationError, field_validator

from corptier.crm.alert_facts import fact_names, text_facts
from corptier.errors import StandardError, Text
from corptier.tiering.conditions import ConditionError, check_condition
from corptier.tiering.standard_dimensions import Code, FieldIssue, StandardModel, text_version
from corptier.tiering.yaml_loader import (
    MAX_STANDARD_BYTES,
    Issue,
    StandardValidationError,
    compose_yaml,
    validation_issues,
)

SEVERITIES = ("critical", "high", "medium", "low")
"""Most severe first; the file sets how soon each is escalated."""
Severity = Literal["critical", "high", "medium", "low"]
Assignee = Literal["rm", "team_head"]
DEFAULT_KEY = "default"
FILE_NAME = "alerts.yaml"


class AlertRulesError(StandardValidationError):
    """An alert rules file is invalid; `issues` lists each problem with file, line and field."""

    head = "the alert rules have {count} error(s):"


def _condition(text: Any) -> str:
    if not isinstance(text, str):
        raise ValueError(Text("a condition must be text such as 'max_days_overdue > 30'; "
                              "got {text!r}", text=text))
    try:
        check_condition(text, fact_names(), text_facts())
    except ConditionError as exc:
        raise ValueError(Text("{reason} (see docs/alerts.md for the facts a rule may use)",
                              reason=exc.args[0] if exc.args else str(exc))) from None
    return text


def _severity_map(value: Any) -> Any:
    """`severity: high` is short for `severity: {default: high}`."""
    return {DEFAULT_KEY: value} if isinstance(value, str) else value


AlertCondition = Annotated[str, PlainValidator(_condition)]


class AlertRule(StandardModel):
    """One rule: when its condition holds for a customer, the customer has an open alert."""

    id: Code
    description_zh: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    when: AlertCondition
    severity: Annotated[dict[str, Severity], BeforeValidator(_severity_map)]
    """Tier code (the applied tier) → severity; `default` for every other tier."""
    assignee: Assignee = "rm"
    enabled: bool = True

    @field_validator("severity")
    @classmethod
    def _has_default(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        if DEFAULT_KEY not in value:
            raise ValueError("give a 'default' severity (and, if needed, one per tier code)")
        return value

    def severity_of(self, tier: str | None) -> Severity:
        return self.severity.get(tier or DEFAULT_KEY, self.severity[DEFAULT_KEY])

    def description(self, lang: str) -> str:
        return self.description_zh if lang.startswith("zh") else self.description_en


class AlertRules(StandardModel):
    """The rule library of a workspace (`standards/alerts.yaml`)."""

    id: Code
    version: Annotated[str, BeforeValidator(text_version)]
    escalation_hours: dict[Severity, Annotated[float, Field(gt=0)]]
    """Hours after which an alert of that severity not yet acknowledged goes to the team head."""
    rules: tuple[AlertRule, ...]

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: tuple[AlertRule, ...], info: Any) -> tuple[AlertRule, ...]:
        if not rules:
            raise ValueError("give at least one rule")
        seen: set[str] = set()
        hours = info.data.get("escalation_hours")
        for i, rule in enumerate(rules):
            if rule.id in seen:
                raise FieldIssue(Text("rule id '{id}' is used twice", id=rule.id), i, "id")
            seen.add(rule.id)
            for tier, severity in rule.severity.items():
                if hours is not None and severity not in hours:
                    raise FieldIssue(Text("severity '{severity}' has no escalation_hours; give "
                                          "one for it", severity=severity), i, "severity", tier)
        return rules

    @property
    def enabled(self) -> tuple[AlertRule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def rule(self, rule_id: str) -> AlertRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def load_alert_rules(path: str | Path) -> AlertRules:
    """Read, check and return the alert rules in a YAML file (AlertRulesError if invalid)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_STANDARD_BYTES:
            raise AlertRulesError([Issue(str(path), None, "", Text(
                "the file is larger than {limit:,} bytes", limit=MAX_STANDARD_BYTES))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read alert rules {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise AlertRulesError([Issue(str(path), None, "", "the file is not UTF-8 text")]) from None
    return parse_alert_rules(text, str(path))


def parse_alert_rules(text: str, source: str = "<alert rules>") -> AlertRules:
    """Check and return the alert rules in YAML `text`; `source` names it in errors."""
    if len(text) > MAX_STANDARD_BYTES:
        raise AlertRulesError([Issue(source, None, "", Text(
            "the text is longer than {limit:,} characters", limit=MAX_STANDARD_BYTES))])
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise AlertRulesError(exc.issues) from None
    if not isinstance(data, dict):
        raise AlertRulesError([Issue(source, 1, "", "alert rules must be a YAML mapping")])
    try:
        return AlertRules.model_validate(data)
    except ValidationError as exc:
        raise AlertRulesError(validation_issues(exc, data, lines, source)) from None


def default_alert_rules_path() -> Path:
    """The shipped rule library (`corptier/standards/alerts.yaml`)."""
    from importlib import resources

    return Path(str(resources.files("corptier") / "standards" / FILE_NAME))
