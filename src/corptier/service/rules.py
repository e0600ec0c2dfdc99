"""Compliance rules for corporate-banking fees and concessions (七不准, 四公开) as data, and the
pure check of a catalogue's fields against them.

A rule names the items it checks (`items`: paths into the catalogue, `tiers.*` for every tier,
`[]` for every element of a list), the field of each item it reads and one check:

- `required`: the field is present and not empty;
- `in_list`: each value of the field is among the values at the absolute path `list`;
- `none_of`: no value of the field is among `values`;
- `not_above`: the field is at most the number at the absolute path `limit` (or `max`).

`where: {field: F, equals: V}` limits a rule to the items whose F equals V.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from corptier.errors import Text

Loc = tuple[str | int, ...]
Path_ = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_*][A-Za-z0-9_.*\[\]]*$",
                                         max_length=200)]


class RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Where(RuleModel):
    field: Path_
    equals: str | int | float | bool | None


class Check(RuleModel):
    """What a rule demands of each item's field."""

    kind: Literal["required", "in_list", "none_of", "not_above"]
    items: tuple[Path_, ...] = Field(min_length=1)
    field: Path_
    where: Where | None = None
    list: Path_ | None = None
    values: tuple[str, ...] = ()
    limit: Path_ | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Check:
        needs = {"in_list": self.list is not None, "none_of": bool(self.values),
                 "not_above": self.limit is not None or self.max is not None}
        if not needs.get(self.kind, True):
            what = {"in_list": "list", "none_of": "values", "not_above": "limit or max"}
            raise ValueError(Text("the check kind {kind} needs {what}", kind=self.kind,
                                  what=what[self.kind]))
        return self


class Rule(RuleModel):
    """One regulatory rule: its id, its text in Chinese and English, its source and check."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
    source: Annotated[str, StringConstraints(max_length=80)] = ""
    text_zh: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    text_en: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    check: Check

    def text(self, lang: str) -> str:
        return self.text_zh if lang.startswith("zh") else self.text_en


class RuleSet(RuleModel):
    """The compliance rules a catalogue is checked against."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(Text("rule ids must be unique; repeated: {ids}", ids=", ".join(dupes)))
        return self


@dataclass(frozen=True)
class Violation:
    """A catalogue field that breaks a rule: where it is, the rule, and why."""

    loc: Loc
    rule: Rule
    detail: str


def check_catalogue(data: dict[str, Any], rules: RuleSet) -> list[Violation]:
    """Every field of the catalogue `data` (its parsed YAML) that breaks one of `rules`."""
    found: list[Violation] = []
    for rule in rules.rules:
        found.extend(_check(data, rule))
    return found


def _check(data: dict[str, Any], rule: Rule) -> Iterator[Violation]:
    check = rule.check
    allowed = {str(v) for _, v in _leaves(data, check.list)} if check.list else set()
    limit = check.max
    if check.limit is not None:
        numbers = [v for _, v in _leaves(data, check.limit) if _number(v)]
        limit = float(numbers[0]) if numbers else limit
    for items in check.items:
        for item_loc, item in _select(data, _steps(items), ()):
            if not isinstance(item, dict) or not _applies(item, check.where):
                continue
            field_loc = (*item_loc, *_plain(check.field))
            value = _get(item, _plain(check.field))
            yield from _judge(rule, check, field_loc, value, allowed, limit)


def _judge(rule: Rule, check: Check, loc: Loc, value: Any, allowed: set[str],
           limit: float | None) -> Iterator[Violation]:
    values = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    if check.kind == "required":
        if not [v for v in values if str(v).strip()]:
            yield Violation(loc, rule, Text("the field is missing or empty"))
    elif check.kind == "in_list":
        for i, v in enumerate(values):
            if str(v) not in allowed:
                at = (*loc, i) if isinstance(value, list | tuple) else loc
                known = ", ".join(sorted(allowed)) or "none"
                yield Violation(at, rule, Text("'{value}' is not in {list} ({known})", value=v,
                                                 list=check.list, known=known))
    elif check.kind == "none_of":
        for i, v in enumerate(values):
            if str(v) in check.values:
                at = (*loc, i) if isinstance(value, list | tuple) else loc
                yield Violation(at, rule, Text("'{value}' is not allowed here", value=v))
    elif limit is not None:
        for v in values:
            if _number(v) and float(v) > limit:
                where = check.limit or Text("the rule's maximum")
                yield Violation(loc, rule, Text("{value:g} is above {limit:g} ({where})",
                                                value=v, limit=limit, where=where))


def _applies(item: dict[str, Any], where: Where | None) -> bool:
    return where is None or _get(item, _plain(where.field)) == where.equals


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _steps(path: str) -> list[str]:
    """`tiers.*.pricing.concessions[]` → ["tiers", "*", "pricing", "concessions", "[]"]."""
    out: list[str] = []
    for part in path.split("."):
        if part.endswith("[]"):
            out += [part[:-2], "[]"] if part[:-2] else ["[]"]
        else:
            out.append(part)
    return out


def _plain(path: str) -> Loc:
    return tuple(path.split("."))


def _get(item: Any, loc: Loc) -> Any:
    for part in loc:
        if not isinstance(item, dict):
            return None
        item = item.get(part)
    return item


def _select(node: Any, steps: list[str], loc: Loc) -> Iterator[tuple[Loc, Any]]:
    if not steps:
        yield loc, node
        return
    head, rest = steps[0], steps[1:]
    if head == "[]":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _select(item, rest, (*loc, i))
    elif head == "*":
        if isinstance(node, dict):
            for key, item in node.items():
                yield from _select(item, rest, (*loc, key))
    elif isinstance(node, dict) and head in node:
        yield from _select(node[head], rest, (*loc, head))


def _leaves(data: Any, path: str | None) -> Iterator[tuple[Loc, Any]]:
    if path is None:
        return
    for loc, value in _select(data, _steps(path), ()):
        if isinstance(value, list):
            for i, v in enumerate(value):
                yield (*loc, i), v
        else:
            yield loc, value
