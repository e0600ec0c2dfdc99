"""Read the staff rules (`standards/staff.yaml`) so that every error names the file, the line
and the field: the YAML is read like a standard's (size and nesting limits, line marks kept),
validated by the pydantic models, then cross-checked: tiers against the standard's, grades,
certifications and courses against the lists they name, and every certification a tier
requires against the courses of its catalogue (a gap must be closable by training)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from corptier.errors import StandardError, Text
from corptier.staff.rules import StaffRules
from corptier.tiering.yaml_loader import (
    MAX_STANDARD_BYTES,
    Issue,
    Loc,
    StandardValidationError,
    compose_yaml,
    field_name,
    line_of_field,
    validation_issues,
)


class StaffRulesError(StandardValidationError):
    """The staff rules are invalid; `issues` names file, line and field."""

    head = "the staff rules have {count} error(s):"


def load_staff_rules(path: Path | str, tier_codes: Collection[str] | None = None) -> StaffRules:
    """The staff rules at `path`; their tiers must be `tier_codes` (when given)."""
    path = Path(path)
    data, lines, source = _read(path)
    try:
        rules = StaffRules.model_validate(data)
    except ValidationError as exc:
        raise StaffRulesError([
            i.with_doc("docs/staff.md")
            for i in validation_issues(exc, data, lines, source)]) from None
    issues = _cross_issues(rules, tier_codes, lines, source)
    if issues:
        raise StaffRulesError(sorted(issues, key=lambda i: (i.line or 0, i.field)))
    return rules


def _read(path: Path) -> tuple[dict[str, Any], dict[Loc, int], str]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_STANDARD_BYTES:
            raise StaffRulesError([Issue(source, None, "", Text("the file is {size:,} bytes, more "
                                         "than the limit of {limit:,} bytes", size=size,
                                         limit=MAX_STANDARD_BYTES))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read staff rules {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise StaffRulesError([Issue(source, None, "", "the file is not UTF-8 text")]) from None
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise StaffRulesError(exc.issues) from None
    if not isinstance(data, dict):
        raise StaffRulesError([Issue(source, 1, "", "staff rules must be a YAML mapping")])
    return data, lines, source


def _cross_issues(rules: StaffRules, tier_codes: Collection[str] | None,
                  lines: dict[Loc, int], source: str) -> list[Issue]:
    issues: list[Issue] = []

    def issue(loc: tuple[str | int, ...], message: str) -> None:
        issues.append(Issue(source, line_of_field(loc, lines), field_name(loc), message))

    for key, names in (("grades", [g.name for g in rules.grades]),
                       ("certifications", [c.code for c in rules.certifications]),
                       ("courses", [c.code for c in rules.courses])):
        for i, name in enumerate(names):
            if name in names[:i]:
                issue((key, i), Text("'{value}' is listed twice", value=name))
    grades = [g.name for g in rules.grades]
    certs = [c.code for c in rules.certifications]
    courses = {c.code: c for c in rules.courses}
    for i, item in enumerate(rules.courses):
        if item.grants is not None and item.grants not in certs:
            issue(("courses", i, "grants"), Text(
                "unknown certification '{code}'; the certifications are {known}",
                code=item.grants, known=", ".join(certs) or "-"))
    if tier_codes is not None:
        known = list(tier_codes)
        for code in rules.tiers:
            if code not in known:
                issue(("tiers", code), Text("unknown tier code '{code}'; the standard's tiers "
                                            "are {tiers}", code=code, tiers=", ".join(known)))
        missing = [code for code in known if code not in rules.tiers]
        if missing:
            issue(("tiers",), Text("no staffing rule for the standard's tier(s) {tiers}",
                                   tiers=", ".join(missing)))
    for code, tier in rules.tiers.items():
        if tier.min_grade not in grades:
            issue(("tiers", code, "min_grade"), Text(
                "unknown grade '{grade}'; the grades are {grades}", grade=tier.min_grade,
                grades=", ".join(grades)))
        for i, wanted in enumerate(tier.courses):
            if wanted not in courses:
                issue(("tiers", code, "courses", i), Text("unknown course '{code}'", code=wanted))
        granted = {courses[c].grants for c in tier.courses if c in courses}
        for i, cert in enumerate(tier.certifications):
            if cert not in certs:
                issue(("tiers", code, "certifications", i), Text(
                    "unknown certification '{code}'; the certifications are {known}",
                    code=cert, known=", ".join(certs) or "-"))
            elif cert not in granted:
                issue(("tiers", code, "certifications", i), Text(
                    "no course of the tier's catalogue (courses) grants '{code}', so a gap "
                    "could not be closed", code=cert))
    return issues
