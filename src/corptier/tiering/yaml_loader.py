"""Load a standard from YAML so that every error names the file, the line and the field.

The YAML is composed into nodes (which keep their line marks), turned into plain data while a map
from field path to line is recorded, and validated by pydantic; each pydantic error location is
walked back through that map to the line of the deepest field it reaches.

A standard is data a user hands in, so its size is bounded before anything is built from it: at
most MAX_STANDARD_BYTES, MAX_YAML_DEPTH levels of nesting, MAX_YAML_ALIASES uses of an alias
(`*name`) and MAX_YAML_NODES values once aliases are expanded ("billion laughs"). Named-list
files are read only from inside the named-lists folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from corptier import errors
from corptier.errors import StandardError, Text, pydantic_text
from corptier.tiering.standard import Standard
from corptier.tiering.standard_dimensions import FieldIssue

Loc = tuple[str | int, ...]
_DISCRIMINATORS = ("method", "mode")
MAX_STANDARD_BYTES = 1 << 20
MAX_YAML_DEPTH = 24
MAX_YAML_ALIASES = 64
MAX_YAML_NODES = 50_000
LISTS_FOLDER = "lists"
STANDARD_DOC = "docs/standard.md"


@dataclass(frozen=True)
class Issue:
    """One problem in a standard file; a `Text` message can be said in the user's language."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return self.say(None)

    def say(self, lang: str | None) -> str:
        """`file:line: field: message`, the message in `lang` (English for None)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        field, message = self.field or "(top)", self.message
        if lang is not None:
            field = self.field or errors.say("(top)", {}, lang)
            message = (message.say(lang) if isinstance(message, Text)
                       else errors.say(message, {}, lang))
        return f"{where}: {field}: {message}"

    def with_doc(self, doc: str) -> Issue:
        """The same issue pointing at another reference page than docs/standard.md."""
        message = self.message
        english = message.replace(STANDARD_DOC, doc)
        if isinstance(message, Text):
            values = {k: doc if v == STANDARD_DOC else v for k, v in message.values.items()}
            english = Text.as_written(english, message.template, values)
        message = english
        return Issue(self.file, self.line, self.field, message)


class StandardValidationError(StandardError):
    """A standard file is invalid; `issues` lists each problem with file, line and field."""

    head = "the standard has {count} error(s):"
    """The first line when there is more than one issue (each file kind names itself)."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(issue_lines(self.head, issues, None))

    def say(self, lang: str) -> str:
        return issue_lines(self.head, self.issues, lang)


def issue_lines(head: str, issues: list[Issue], lang: str | None) -> str:
    """One line per issue, under `head` ("... has {count} error(s):") when there are several;
    in `lang` (English for None)."""
    count = len(issues)
    first = head.format(count=count) if lang is None else errors.say(head, {"count": count}, lang)
    return "\n".join([*([first] if count > 1 else []), *(i.say(lang) for i in issues)])


class IssueLines(Text):
    """The issues of one file as a message value (`ContractError("{issues}", issues=...)`),
    said line by line in the user's language."""

    issues: list[Issue]
    head: str

    @classmethod
    def of(cls, head: str, issues: list[Issue]) -> IssueLines:
        lines = cls.as_written(issue_lines(head, issues, None), "{issues}", {})
        assert isinstance(lines, IssueLines)
        lines.head, lines.issues = head, issues
        return lines

    def say(self, lang: str) -> str:
        return issue_lines(self.head, self.issues, lang)


# --- public --------------------------------------------------------------------------------------
def load_standard(path: str | Path, lists_dir: Path | None = None) -> Standard:
    """Read, check and return the standard in a YAML file (StandardValidationError if invalid).

    `named_list: {file: ...}` is read from `lists_dir` (a workspace's named-lists folder; by
    default the `lists` folder beside the standard) and must not lead out of it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_STANDARD_BYTES:
            raise StandardValidationError([Issue(
                str(path), None, "", Text("the file is {size:,} bytes, more than the limit of "
                "{limit:,} bytes for a standard", size=size, limit=MAX_STANDARD_BYTES))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read standard {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise StandardValidationError(
            [Issue(str(path), None, "", Text("the file is not UTF-8 text"))]) from None
    return parse_standard(text, source=str(path), base_dir=path.parent, lists_dir=lists_dir)


def default_standard_path() -> Path:
    """The shipped default standard (`corptier/standards/default.yaml`)."""
    from importlib import resources

    return Path(str(resources.files("corptier") / "standards" / "default.yaml"))


def load_default_standard() -> Standard:
    """The shipped default standard for a city branch."""
    return load_standard(default_standard_path())


def parse_standard(text: str, source: str = "<standard>", base_dir: Path | None = None,
                   lists_dir: Path | None = None) -> Standard:
    """Check and return the standard in YAML `text`; `source` names it in error messages.
    List files are read from `lists_dir` (default: `base_dir`/lists)."""
    if len(text) > MAX_STANDARD_BYTES:
        raise StandardValidationError([Issue(
            source, None, "", Text("the standard is {size:,} characters long, more than the "
            "limit of {limit:,}", size=len(text), limit=MAX_STANDARD_BYTES))])
    data, lines = compose_yaml(text, source)
    if not isinstance(data, dict):
        raise StandardValidationError([Issue(source, 1, "",
                                             Text("a standard must be a YAML mapping"))])
    folder = lists_dir if lists_dir is not None else Path(base_dir or ".") / LISTS_FOLDER
    _resolve_list_files(data, lines, source, folder)
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise StandardValidationError(validation_issues(exc, data, lines, source)) from None


# --- YAML with line numbers ----------------------------------------------------------------------
def _check_shape(text: str, source: str) -> None:
    """Refuse nesting deeper than MAX_YAML_DEPTH and more than MAX_YAML_ALIASES aliases, from
    the event stream (no recursion, nothing built yet)."""
    depth = aliases = 0
    for event in yaml.parse(io.StringIO(text), Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise StandardValidationError([Issue(
                    source, _event_line(event), "",
                    Text("nested more than {limit} levels deep (the limit for a standard)",
                         limit=MAX_YAML_DEPTH))])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise StandardValidationError([Issue(
                    source, _event_line(event), "",
                    Text("more than {limit} aliases (*name); the limit for a standard",
                         limit=MAX_YAML_ALIASES))])


def _event_line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


def compose_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int]]:
    """The YAML document of `text` and the line of each of its paths; a file too deep, too
    large or with too many aliases is refused first."""
    try:
        _check_shape(text, source)
        node = yaml.compose(io.StringIO(text), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise StandardValidationError(
            [Issue(source, line, "", Text("not valid YAML: {problem}", problem=exc.problem or exc))]
        ) from None
    if node is None:
        raise StandardValidationError([Issue(source, None, "", Text("the file is empty"))])
    lines: dict[Loc, int] = {(): node.start_mark.line + 1}
    issues: list[Issue] = []
    data = _to_data(node, (), lines, issues, source, [0])
    if issues:
        raise StandardValidationError(issues)
    return data, lines


def _to_data(node: yaml.Node, loc: Loc, lines: dict[Loc, int], issues: list[Issue],
             source: str, count: list[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_YAML_NODES or len(loc) > MAX_YAML_DEPTH:
        raise StandardValidationError([Issue(
            source, node.start_mark.line + 1, "",
            Text("aliases expand to more than {nodes:,} values or {depth} levels (the limit for "
                 "a standard)", nodes=MAX_YAML_NODES, depth=MAX_YAML_DEPTH))])
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if isinstance(key, int | float) and not isinstance(key, bool):
                key = str(key)
            child = (*loc, key)
            if key in out:
                issues.append(Issue(source, key_node.start_mark.line + 1, field_name(child),
                                    Text("'{key}' appears twice", key=key)))
            lines[child] = key_node.start_mark.line + 1
            out[key] = _to_data(value_node, child, lines, issues, source, count)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            items.append(_to_data(item, (*loc, i), lines, issues, source, count))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    return yaml.SafeLoader(io.StringIO("")).construct_object(node, deep=True)


# --- named-list files ----------------------------------------------------------------------------
def _resolve_list_files(data: dict[str, Any], lines: dict[Loc, int], source: str,
                        lists_dir: Path) -> None:
    gates = data.get("gates")
    if not isinstance(gates, dict):
        return
    issues = []
    for kind in ("floors", "caps"):
        for i, gate in enumerate(gates.get(kind) or []):
            named = gate.get("named_list") if isinstance(gate, dict) else None
            if not (isinstance(named, dict) and isinstance(named.get("file"), str)):
                continue
            loc: Loc = ("gates", kind, i, "named_list", "file")
            try:
                named["ids"] = read_list_file(list_file_path(lists_dir, named["file"]))
            except (OSError, ValueError) as exc:
                message = exc.args[0] if exc.args and isinstance(exc.args[0], Text) else str(exc)
                issues.append(Issue(source, line_of_field(loc, lines), field_name(loc), message))
    if issues:
        raise StandardValidationError(issues)


def list_file_path(lists_dir: Path, name: str) -> Path:
    """`name` inside the named-lists folder; ValueError if it leads out of it (an absolute
    path, `..`, or a symlink pointing elsewhere)."""
    root = Path(lists_dir).resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise ValueError(Text(
            "list file {name} is outside the named-lists folder {folder}; "
            "put list files in that folder and name them relative to it",
            name=name, folder=lists_dir))
    return target


def read_list_file(path: Path) -> list[str]:
    """Customer ids from a list file: one per line (text) or a `customer_id` column (CSV).
    Blank lines and lines starting with '#' are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(Text("cannot read list file {path}: {reason}", path=path,
                              reason=exc.strerror or exc)) from None
    rows = [r for r in text.splitlines() if r.strip() and not r.lstrip().startswith("#")]
    if rows and "customer_id" in rows[0].split(","):
        reader = csv.DictReader(io.StringIO("\n".join(rows)))
        return sorted({row["customer_id"].strip() for row in reader if row["customer_id"]})
    return sorted({r.split(",")[0].strip() for r in rows})


# --- pydantic errors back to lines ---------------------------------------------------------------
def validation_issues(exc: ValidationError, data: Any, lines: dict[Loc, int],
                      source: str) -> list[Issue]:
    """One issue per validation error, each with its file, line and field (shared by every
    YAML file corptier validates: standards, profiles, alert rules, service catalogues)."""
    issues = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldIssue):
            loc = (*loc, *cause.loc)
        if error["type"] == "union_tag_invalid":
            loc = (*loc, "method")
        path, trailing = _walk(loc, data)
        message = _message(error)
        issues.append(Issue(source, line_of_field(path, lines), field_name((*path, *trailing)),
                            message))
    return _dedupe(issues)


def _walk(loc: Loc, data: Any) -> tuple[Loc, Loc]:
    """Split a pydantic location into the part found in the YAML and what follows it,
    dropping union tags and pydantic's internal steps on the way."""
    path: list[str | int] = []
    trailing: list[str | int] = []
    node = data
    tag_skipped = False
    for part in loc:
        if not tag_skipped and _is_tag(part, node):
            tag_skipped = True
            continue
        tag_skipped = False
        if _has(node, part):
            path.append(part)
            node = node[part]
        elif _is_internal(part, node):
            continue
        else:
            trailing.append(part)
            node = None
    return tuple(path), tuple(trailing)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _is_tag(part: str | int, node: Any) -> bool:
    """A discriminated union's tag, which pydantic puts right after the union field."""
    return isinstance(node, dict) and any(node.get(d) == part for d in _DISCRIMINATORS)


def _is_internal(part: str | int, node: Any) -> bool:
    if not isinstance(part, str):
        return False
    return part == "[key]" or "[" in part or part.startswith(("function-", "literal"))


def line_of_field(path: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of `path`, or of its nearest parent that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def field_name(loc: Iterable[str | int]) -> str:
    """A field path as a reader writes it: `tiers[2].when`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    ctx = error.get("ctx") or {}
    if error["type"] == "extra_forbidden":
        return Text("unknown field (check the spelling against {doc})", doc=STANDARD_DOC)
    if error["type"] == "missing":
        return Text("required field is missing")
    if error["type"] == "union_tag_invalid":
        return Text("unknown method '{tag}'; use one of {expected}",
                    tag=ctx.get("tag", ""), expected=ctx.get("expected_tags", ""))
    if error["type"] == "union_tag_not_found":
        return Text("required field '{field}' is missing",
                    field=ctx.get("discriminator", "method").strip("'"))
    cause = ctx.get("error")
    if isinstance(cause, Exception) and cause.args and isinstance(cause.args[0], Text):
        return cause.args[0]
    return pydantic_text(error, message)


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        key = (issue.line, issue.field, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return sorted(out, key=lambda i: (i.line or 0, i.field))
