"""Read a service catalogue and its compliance rules from YAML so that every error names the
file, the line, the field and (for a compliance problem) the rule broken.

The YAML is read like a standard's (`corptier.tiering.yaml_loader`: size and nesting limits,
line marks kept); the catalogue is then checked against the tier codes of the workspace's
standard and against the rule file named by its `rules` field (beside the catalogue).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from corptier.errors import StandardError, Text
from corptier.service.catalogue import Catalogue
from corptier.service.rules import RuleSet, Violation, check_catalogue
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

M = TypeVar("M", bound=BaseModel)


class CatalogueValidationError(StandardValidationError):
    """A service catalogue or rule file is invalid; `issues` names file, line and field."""

    head = "the service catalogue has {count} error(s):"


def load_rules(path: Path | str) -> RuleSet:
    """The compliance rules in a YAML file (CatalogueValidationError naming file:line)."""
    data, lines, source = _read(Path(path), "rule file")
    return _validate(RuleSet, data, lines, source)


def load_catalogue(path: Path | str, tier_codes: Collection[str] | None = None,
                   rules_path: Path | str | None = None) -> tuple[Catalogue, RuleSet]:
    """The catalogue at `path` and the rules it was checked against.

    Its tiers must be the `tier_codes` of the standard in force (when given), and no field may
    break a rule of `rules_path` (default: the catalogue's `rules` file beside it)."""
    path = Path(path)
    data, lines, source = _read(path, "service catalogue")
    catalogue = _validate(Catalogue, data, lines, source)
    issues = _tier_issues(catalogue, tier_codes, lines, source)
    target = Path(rules_path) if rules_path is not None else _beside(path, catalogue.rules,
                                                                    lines, source)
    rules = load_rules(target)
    issues += [_violation_issue(v, lines, source) for v in check_catalogue(data, rules)]
    if issues:
        raise CatalogueValidationError(sorted(issues, key=lambda i: (i.line or 0, i.field)))
    return catalogue, rules


def _read(path: Path, what: str) -> tuple[dict[str, Any], dict[Loc, int], str]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_STANDARD_BYTES:
            raise CatalogueValidationError([Issue(
                source, None, "", Text("the file is {size:,} bytes, more than the limit of "
                "{limit:,} bytes for a {what}", size=size, limit=MAX_STANDARD_BYTES,
                what=Text(what)))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        template = {"rule file": "cannot read rule file {path}: {reason}",
                    "service catalogue": "cannot read service catalogue {path}: {reason}"}[what]
        raise StandardError(template, path=path, reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise CatalogueValidationError(
            [Issue(source, None, "", "the file is not UTF-8 text")]) from None
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise CatalogueValidationError(exc.issues) from None
    if not isinstance(data, dict):
        raise CatalogueValidationError([Issue(source, 1, "", Text(
            "a {what} must be a YAML mapping", what=Text(what)))])
    return data, lines, source


def _validate(model: type[M], data: dict[str, Any], lines: dict[Loc, int], source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [i.with_doc("docs/service.md")
                  for i in validation_issues(exc, data, lines, source)]
        raise CatalogueValidationError(issues) from None


def _tier_issues(catalogue: Catalogue, tier_codes: Collection[str] | None,
                 lines: dict[Loc, int], source: str) -> list[Issue]:
    if tier_codes is None:
        return []
    known = list(tier_codes)
    issues = [Issue(source, line_of_field(("tiers", code), lines), f"tiers.{code}",
                    Text("unknown tier code '{code}'; the standard's tiers are {tiers}",
                         code=code, tiers=", ".join(known)))
              for code in catalogue.tiers if code not in known]
    missing = [code for code in known if code not in catalogue.tiers]
    if missing:
        issues.append(Issue(source, line_of_field(("tiers",), lines), "tiers",
                            Text("no service for the standard's tier(s) {tiers}",
                                 tiers=", ".join(missing))))
    return issues


def _beside(path: Path, name: str, lines: dict[Loc, int], source: str) -> Path:
    """The rule file named `name`, in the catalogue's folder and not outside it."""
    folder = path.resolve().parent
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise CatalogueValidationError([Issue(
            source, line_of_field(("rules",), lines), "rules",
            Text("the rule file {name} must be in the catalogue's folder {folder}", name=name,
                 folder=folder))])
    return target


def _violation_issue(v: Violation, lines: dict[Loc, int], source: str) -> Issue:
    return Issue(source, line_of_field(v.loc, lines), field_name(v.loc),
                 Text("breaks rule {id} ({text_en} / {text_zh}): {detail}", id=v.rule.id,
                      text_en=v.rule.text_en, text_zh=v.rule.text_zh, detail=v.detail))
