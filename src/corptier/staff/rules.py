"""The staff rules (`standards/staff.yaml`) as pydantic models; `docs/staff.md` documents them.

Grades (junior first, each with a default capacity), certifications, the training catalogue
(course → the certification it grants, hours) and, per tier, the capacity weight of one
customer, the lowest grade and the valid certifications an RM needs to cover it, and the
courses offered to RMs of that service level.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from corptier.provenance import hash_json

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _text_version(value: object) -> object:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class StaffModel(BaseModel):
    """Base of every part of the rules: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Grade(StaffModel):
    """An RM grade as written in the roster's `grade` column, with its default capacity."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    name_en: Text
    capacity: Annotated[int, Field(ge=0, le=1_000_000)]
    """Capacity in weighted customers of an RM whose roster row leaves it empty."""


class Certification(StaffModel):
    code: Code
    name_zh: Text
    name_en: Text


class Course(StaffModel):
    """A course of the training catalogue: the certification it grants (if any), its hours."""

    code: Code
    name_zh: Text
    name_en: Text
    grants: Code | None = None
    hours: Annotated[int, Field(gt=0, le=1000)]


class TierStaffing(StaffModel):
    """Who may cover a tier and what a customer of it weighs in an RM's load."""

    weight: Annotated[float, Field(gt=0, le=1000)]
    min_grade: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    certifications: tuple[Code, ...] = ()
    courses: tuple[Code, ...] = ()
    """The training catalogue of this service level."""


Cost = Annotated[float, Field(ge=0, le=1_000_000)]


class AssignmentCosts(StaffModel):
    """The costs the assignment optimiser minimises (`corptier staff assign --propose`)."""

    change_rm: Cost = 10.0
    """Moving a customer away from its current RM."""
    other_sub_branch: Cost = 5.0
    """Giving a customer to an RM of another sub-branch (only when its own has no eligible RM
    with room)."""
    balance: Cost = 20.0
    """Per RM, times its utilisation (load / capacity) above `balance_target`: spreads the
    load."""
    balance_target: Annotated[float, Field(ge=0, le=1)] = 0.8
    uncovered: Cost = 1000.0
    """Leaving a customer without an eligible RM (when no eligible RM has room)."""


class StaffRules(StaffModel):
    """The whole file: identity, grades, certifications, courses and the tiers' staffing."""

    id: Code
    version: Annotated[str, BeforeValidator(_text_version),
                       StringConstraints(min_length=1, max_length=40)]
    effective_from: date
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    expiring_days: Annotated[int, Field(ge=0, le=3660)] = 90
    """A valid certification expiring within this many days of the month end is `expiring`."""
    grades: Annotated[tuple[Grade, ...], Field(min_length=1)]
    certifications: tuple[Certification, ...] = ()
    courses: tuple[Course, ...] = ()
    tiers: dict[Code, TierStaffing]
    assignment: AssignmentCosts = AssignmentCosts()

    @property
    def content_hash(self) -> str:
        return hash_json(self.model_dump(mode="json"))

    def grade_rank(self, name: str) -> int | None:
        """1 for the most junior grade, upwards; None for a grade the rules do not know."""
        for rank, grade in enumerate(self.grades, start=1):
            if grade.name == name:
                return rank
        return None

    def course(self, code: str) -> Course:
        return next(c for c in self.courses if c.code == code)
