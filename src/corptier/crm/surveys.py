"""Needs surveys (需求调研), pure: the questionnaire as data (pydantic models read from a
versioned YAML file with file:line errors), the check of one answer against its question, and
the import headers (a question's Chinese text or its id).

A question is of one of five kinds: `single` or `multiple` choice, `scale` (1–5), `nps`
(0–10) or free `text`; a choice may map to product categories of the data contract (stated
needs, which the recommendations join in).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, field_validator

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.crm.interactions import HEADERS as INTERACTION_HEADERS
from corptier.crm.interactions import header_key
from corptier.errors import StandardError, Text
from corptier.tiering.standard_dimensions import Code, FieldIssue, StandardModel, text_version
from corptier.tiering.yaml_loader import (
    MAX_STANDARD_BYTES,
    Issue,
    StandardValidationError,
    compose_yaml,
    validation_issues,
)

FOLDER = "surveys"
"""Questionnaires live in the workspace's `standards/surveys/`."""
KINDS = ("single", "multiple", "scale", "nps", "text")
Kind = Literal["single", "multiple", "scale", "nps", "text"]
RANGES = {"scale": (1, 5), "nps": (0, 10)}
DETRACTOR_MAX = 6
"""An NPS answer of 0–6 is a detractor, 9–10 a promoter, 7–8 passive."""
PROMOTER_MIN = 9
TEXT_LIMIT = 1000
CUSTOMER_HEADERS = INTERACTION_HEADERS["customer_id"]
_SPLIT = re.compile(r"[,;，；、|/]+")


class QuestionnaireError(StandardValidationError):
    """A questionnaire file is invalid; `issues` lists each problem with file, line and field."""

    head = "the questionnaire has {count} error(s):"


class AnswerProblem(ValueError):
    """An answer that does not fit its question, with the field (the question id)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _category(value: Any) -> Any:
    if value not in PRODUCT_CATEGORIES:
        raise ValueError(Text("unknown product category {value!r}; use {known}", value=value,
                              known=", ".join(PRODUCT_CATEGORIES)))
    return value


Category = Annotated[str, BeforeValidator(_category)]


class Choice(StandardModel):
    """One answer of a choice question; `needs` are the categories the answer states."""

    code: Code
    label: str = Field(min_length=1, max_length=80)
    needs: tuple[Category, ...] = ()


class Question(StandardModel):
    id: Code
    text: str = Field(min_length=1, max_length=200)
    """The question in Chinese; also a header the import accepts."""
    text_en: str | None = Field(default=None, max_length=200)
    kind: Kind
    choices: tuple[Choice, ...] = ()
    required: bool = False

    @field_validator("choices")
    @classmethod
    def _choices_fit(cls, choices: tuple[Choice, ...], info: Any) -> tuple[Choice, ...]:
        kind = info.data.get("kind")
        if kind in ("single", "multiple") and len(choices) < 2:
            raise ValueError(Text("a {kind} choice question needs at least two choices",
                                  kind=kind))
        if kind not in ("single", "multiple", None) and choices:
            raise ValueError(Text("a {kind} question has no choices", kind=kind))
        seen: set[str] = set()
        for i, c in enumerate(choices):
            for key, part in ((c.code, "code"), (header_key(c.label), "label")):
                if key in seen:
                    raise FieldIssue(Text("the choice {part} '{key}' is used twice in the "
                                          "question", part=part, key=key), i, part)
                seen.add(key)
        return choices

    def choice(self, value: str) -> Choice | None:
        """The choice whose code or label is `value` (case, spaces and `_` ignored)."""
        key = header_key(value)
        return next((c for c in self.choices
                     if key in (header_key(c.code), header_key(c.label))), None)


class Questionnaire(StandardModel):
    """A versioned questionnaire (`standards/surveys/*.yaml`)."""

    id: Code
    version: Annotated[str, BeforeValidator(text_version)] = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    questions: tuple[Question, ...]

    @field_validator("questions")
    @classmethod
    def _distinct(cls, questions: tuple[Question, ...]) -> tuple[Question, ...]:
        if not questions:
            raise ValueError("give at least one question")
        seen: set[str] = {header_key(h) for h in CUSTOMER_HEADERS}
        nps = 0
        for i, q in enumerate(questions):
            for key, part in ((header_key(q.id), "id"), (header_key(q.text), "text")):
                if key in seen:
                    raise FieldIssue(Text("'{name}' is used twice (or names the customer "
                                          "column) and could not head an import column",
                                          name=getattr(q, part)), i, part)
                seen.add(key)
            nps += q.kind == "nps"
            if nps > 1:
                raise FieldIssue("a questionnaire has at most one nps question", i, "kind")
        return questions

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def needs_map(self) -> list[tuple[str, str, str]]:
        """(question id, choice code, category) of every choice that states a need."""
        return [(q.id, c.code, n) for q in self.questions for c in q.choices for n in c.needs]


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read, check and return a questionnaire file (QuestionnaireError naming file:line)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_STANDARD_BYTES:
            raise QuestionnaireError([Issue(str(path), None, "", Text(
                "the file is larger than {limit:,} bytes", limit=MAX_STANDARD_BYTES))])
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StandardError("cannot read questionnaire {path}: {reason}", path=path,
                            reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise QuestionnaireError([Issue(str(path), None, "", "the file is not UTF-8 text")]
                                 ) from None
    return parse_questionnaire(text, str(path))


def parse_questionnaire(text: str, source: str = "<questionnaire>") -> Questionnaire:
    """Check and return the questionnaire in YAML `text`; `source` names it in errors."""
    try:
        data, lines = compose_yaml(text, source)
    except StandardValidationError as exc:
        raise QuestionnaireError(exc.issues) from None
    if not isinstance(data, dict):
        raise QuestionnaireError([Issue(source, 1, "", "a questionnaire must be a YAML mapping")])
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(validation_issues(exc, data, lines, source)) from None


def map_headers(questionnaire: Questionnaire, headers: list[object]) -> dict[int, str]:
    """Column index → `customer_id` or question id, for headers that are the customer column,
    a question's id or its Chinese (or English) text; other columns are ignored."""
    known = {header_key(h): "customer_id" for h in CUSTOMER_HEADERS}
    for q in questionnaire.questions:
        for name in (q.id, q.text, q.text_en):
            if name:
                known.setdefault(header_key(name), q.id)
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        field = known.get(header_key(h))
        if field is not None and field not in out.values():
            out[i] = field
    return out


Answer = tuple[str | None, int | None, str | None]
"""One stored answer row: (choice code, number, text)."""


def check_answer(question: Question, value: Any) -> list[Answer]:
    """The answer rows of `value` for `question` (empty when not answered), or AnswerProblem:
    a choice must be one of the question's codes or labels, a scale 1–5, an NPS 0–10."""
    if value is None or not str(value).strip():
        if question.required:
            raise AnswerProblem(question.id, "an answer is required")
        return []
    if question.kind in ("single", "multiple"):
        return [(code, None, None) for code in _choices(question, value)]
    if question.kind in RANGES:
        low, high = RANGES[question.kind]
        number = _integer(value)
        if number is None or not low <= number <= high:
            raise AnswerProblem(question.id, f"a whole number from {low} to {high}; "
                                             f"got '{str(value).strip()}'")
        return [(None, number, None)]
    text = str(value).strip()
    if len(text) > TEXT_LIMIT:
        raise AnswerProblem(question.id, f"at most {TEXT_LIMIT} characters; got {len(text)}")
    return [(None, None, text)]


def _choices(question: Question, value: Any) -> list[str]:
    items = [i.strip() for i in _SPLIT.split(str(value)) if i.strip()]
    if question.kind == "single" and len(items) > 1:
        raise AnswerProblem(question.id, f"one choice only; got '{str(value).strip()}'")
    codes: list[str] = []
    for item in items:
        found = question.choice(item)
        if found is None:
            allowed = ", ".join(f"{c.code} ({c.label})" for c in question.choices)
            raise AnswerProblem(question.id, f"'{item}' is not a choice; use {allowed}")
        if found.code not in codes:
            codes.append(found.code)
    return codes


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    # ASCII digits only: other scripts' digits (e.g. "٣") are refused, not read as numbers
    return int(float(text)) if re.fullmatch(r"[+-]?[0-9]{1,3}(\.0+)?", text) else None


def nps_class(score: int) -> str:
    """`detractor` (0–6), `passive` (7–8) or `promoter` (9–10)."""
    if score <= DETRACTOR_MAX:
        return "detractor"
    return "promoter" if score >= PROMOTER_MIN else "passive"
