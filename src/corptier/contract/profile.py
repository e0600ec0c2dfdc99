"""Mapping profiles: how one bank's exports differ from the contract, written once as YAML.

    profile = load_profile("profiles/cn_core_banking.yaml")

A profile says, per table, which file holds it (a name pattern, the sheet of a workbook, the
header row), what its columns are called (Chinese headers, core-system field codes), how its
enumerated values are written (code maps), and in what units, date formats, separators and
encoding its values come. The mapping itself runs in the engine (`contract/mapping.py`). A
profile is validated like a standard: every error names the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from corptier.contract.schema import TABLES, TableSpec
from corptier.errors import ContractError, Text
from corptier.tiering.standard_dimensions import FieldIssue

if TYPE_CHECKING:
    from corptier.tiering.yaml_loader import Issue

MoneyUnit = Literal["元", "万元", "亿元"]
RateUnit = Literal["decimal", "percent"]
Encoding = Literal["auto", "utf-8", "gbk", "gb18030"]
MONEY_FACTORS = {"元": "1", "万元": "10000", "亿元": "100000000"}
RATE_FACTORS = {"decimal": "1", "percent": "0.01"}
MAX_PROFILE_BYTES = 1 << 20
_DATE_CODES = re.compile(r"%[YmdyHMS%bB]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Formats(_Model):
    """How values are written; set for the whole profile, and overridden per table."""

    encoding: Encoding | None = None
    delimiter: str | None = Field(None, min_length=1, max_length=1)
    date_format: str | None = None
    month_format: str | None = None
    decimal: Literal[".", ","] | None = None
    thousands: Literal["", ",", ".", " ", "'"] | None = None
    money_unit: MoneyUnit | None = None
    rate_unit: RateUnit | None = None

    @field_validator("date_format", "month_format")
    @classmethod
    def _strptime_pattern(cls, value: str | None) -> str | None:
        if value is not None and not _DATE_CODES.search(value):
            raise ValueError("a date format uses %Y, %m, %d (e.g. %Y%m%d for 20260905)")
        if value is not None and re.search(r"%[^YmdyHMS%bB]", value):
            raise ValueError("only %Y %y %m %b %B %d %H %M %S may be used in a date format")
        return value


DEFAULT_FORMATS = Formats(encoding="auto", decimal=".", thousands=",", money_unit="元",
                          rate_unit="decimal")


class TableMap(Formats):
    """One table of the export: where it is, its column names, code maps and units."""

    file: str | None = Field(None, min_length=1, max_length=200)
    """File name pattern, e.g. `客户信息_*.csv` (default: the table's own name)."""
    sheet: str | None = Field(None, min_length=1, max_length=31)
    header_row: int = Field(1, ge=1, le=100)
    columns: dict[str, str] = Field(default_factory=dict)
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    units: dict[str, MoneyUnit | RateUnit] = Field(default_factory=dict)

    @field_validator("file")
    @classmethod
    def _plain_pattern(cls, value: str | None) -> str | None:
        if value is not None and ("/" in value or "\\" in value or value.startswith(".")):
            raise ValueError("a file pattern names a file in the period's folder, "
                             "without a folder (e.g. 客户信息_*.csv)")
        return value


class Profile(_Model):
    """A bank's export layout, table by table."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    formats: Formats = Formats()
    tables: dict[str, TableMap]

    @model_validator(mode="after")
    def _known_tables(self) -> Profile:
        for table, mapping in self.tables.items():
            if table not in TABLES:
                raise _located(("tables", table), Text("unknown table; tables are {tables}",
                                                         tables=", ".join(TABLES)))
            _check_table(TABLES[table], mapping)
        return self

    def table(self, name: str) -> TableMap:
        return self.tables.get(name) or TableMap()

    def formats_of(self, name: str) -> Formats:
        """The effective formats of a table: its own, else the profile's, else the contract's."""
        own, shared = self.table(name), self.formats
        values = {}
        for f in Formats.model_fields:
            chosen = [getattr(m, f) for m in (own, shared, DEFAULT_FORMATS)]
            values[f] = next((v for v in chosen if v is not None), None)
        return Formats(**values)

    def unit_factor(self, table: str, column: str) -> str:
        """What a value of `column` is multiplied by to be in the contract's unit."""
        spec, own = TABLES[table], self.table(table)
        dtype, fmt = spec.column(column).dtype, self.formats_of(table)
        unit = own.units.get(column)
        if dtype == "money":
            return MONEY_FACTORS[str(unit or fmt.money_unit)]
        if dtype == "rate":
            return RATE_FACTORS[str(unit or fmt.rate_unit)]
        return "1"


def _located(loc: tuple[str | int, ...], message: str) -> FieldIssue:
    """A problem at `loc` below the profile (reported at that field's line)."""
    return FieldIssue(message, *loc)


def _check_table(spec: TableSpec, mapping: TableMap) -> None:
    base: tuple[str | int, ...] = ("tables", spec.name)
    for part in ("columns", "codes", "units"):
        for column in getattr(mapping, part):
            if column not in spec.column_names:
                raise _located((*base, part, column),
                               Text("table {table} has no column {column}; its columns are "
                                    "{columns}", table=spec.name, column=column,
                                    columns=", ".join(spec.column_names)))
    for column, codes in mapping.codes.items():
        allowed = spec.column(column).allowed
        for source, code in codes.items():
            if allowed and code not in allowed:
                raise _located((*base, "codes", column, source),
                               Text("'{code}' is not a value of {column}; use one of "
                                    "{allowed}", code=code, column=column,
                                    allowed=", ".join(allowed)))
    for column, unit in mapping.units.items():
        dtype = spec.column(column).dtype
        wanted = MONEY_FACTORS if dtype == "money" else RATE_FACTORS if dtype == "rate" else {}
        if unit not in wanted:
            kind = "an amount (元, 万元, 亿元)" if dtype == "money" else \
                "a rate (decimal, percent)" if dtype == "rate" else "neither amount nor rate"
            raise _located((*base, "units", column), Text(
                "{column} is {kind}; '{unit}' does not fit", column=column, kind=Text(kind),
                unit=unit))
    headers = [h for h in mapping.columns.values()]
    twice = sorted({h for h in headers if headers.count(h) > 1})
    if twice:
        raise _located((*base, "columns"), Text("header '{header}' is given to two columns",
                                                     header=twice[0]))


# --- reading ----------------------------------------------------------------------------------
def shipped_profiles() -> dict[str, Path]:
    """The profiles that come with corptier, by name."""
    from importlib import resources

    folder = resources.files("corptier") / "standards" / "profiles"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")}


def profile_path(profile: Path | str) -> Path:
    """A profile file, or a shipped profile given by its name (when no such file exists)."""
    path = Path(profile)
    if not path.exists() and str(profile) in shipped_profiles():
        return shipped_profiles()[str(profile)]
    return path


def load_profile(path: Path | str) -> Profile:
    """Read, check and return the profile in a YAML file (or a shipped profile by its name);
    ContractError listing every problem with file:line: field."""
    path = profile_path(path)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ContractError("{path}: the profile is larger than {limit:,} bytes",
                                path=path, limit=MAX_PROFILE_BYTES)
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ContractError("{path}: cannot read the profile ({reason})", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise ContractError("{path}: the profile is not UTF-8 text", path=path) from None
    return parse_profile(text, str(path))


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    """Check and return the profile in YAML `text`; `source` names it in errors."""
    from corptier.tiering import yaml_loader
    from corptier.tiering.yaml_loader import IssueLines, StandardValidationError

    try:
        data, lines = yaml_loader.compose_yaml(text, source)
    except StandardValidationError as exc:
        raise ContractError("{issues}", issues=IssueLines.of(
            "the profile has {count} error(s):",
            [_for_profiles(i) for i in exc.issues])) from None
    except yaml.YAMLError as exc:  # e.g. a merge key (<<) or an unknown tag
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ContractError("{where}: not a plain YAML profile ({problem})", where=where,
                            problem=_first(exc)) from None
    if not isinstance(data, dict):
        raise ContractError("{source}:1: a profile must be a YAML mapping (name:, tables:)",
                            source=source)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        issues = yaml_loader.validation_issues(exc, data, lines, source)
        raise ContractError("{issues}", issues=IssueLines.of(
            "the profile has {count} error(s):", [_for_profiles(i) for i in issues])) from None


def _first(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _for_profiles(issue: Issue) -> Issue:
    # the YAML reader is shared with standards; its hints name the standard's reference page
    issue = issue.with_doc("docs/onboarding.md")
    message = issue.message
    english = message.replace("for a standard", "for a profile")
    if isinstance(message, Text):
        english = Text.as_written(english, message.template, message.values)
    return replace(issue, message=english)
