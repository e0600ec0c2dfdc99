"""The staff rules (standards/staff.yaml): the shipped file is valid; every error names the
file, the line and the field, including the cross-checks between grades, certifications,
courses and the standard's tiers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corptier.staff import StaffRulesError, load_staff_rules

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "corptier" / "standards" / "staff.yaml"
TIERS = ["strategic", "core", "key", "growth", "basic"]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "staff.yaml"
    shutil.copyfile(SHIPPED, target)
    return target


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def problems(path: Path, tiers: list[str] | None = TIERS) -> list[str]:
    with pytest.raises(StaffRulesError) as caught:
        load_staff_rules(path, tiers)
    return [str(i) for i in caught.value.issues]


def test_the_shipped_rules_are_valid() -> None:
    rules = load_staff_rules(SHIPPED, TIERS)
    assert [g.name for g in rules.grades] == ["初级", "中级", "高级", "资深"]
    assert rules.grade_rank("资深") == 4 and rules.grade_rank("实习") is None
    assert rules.tiers["strategic"].weight == 10 and rules.tiers["basic"].weight == 1
    assert rules.tiers["core"].certifications == ("aml", "credit", "cash_management")
    assert rules.course("CR-101").grants == "credit" and rules.expiring_days == 90


def test_a_bad_value_names_file_line_and_field(path: Path) -> None:
    edit(path, "    weight: 10\n", "    weight: -10\n")
    assert problems(path) == [f"{path}:{line_of(path, 'weight: -10')}: tiers.strategic.weight: "
                              "Input should be greater than 0"]


def test_unknown_grade_certification_and_course_are_errors_at_their_lines(path: Path) -> None:
    edit(path, "    min_grade: 资深\n", "    min_grade: 专家\n")
    edit(path, "certifications: [aml, credit, cash_management, trade_finance]",
         "certifications: [aml, credit, cash_management, fx]")
    edit(path, "courses: [AML-100, CR-101, CM-201, SV-100]",
         "courses: [AML-100, CR-101, CM-201, XX-999]")
    edit(path, "    grants: investment_banking\n", "    grants: ib\n")
    found = problems(path)
    assert f"{path}:{line_of(path, 'grants: ib')}: courses[4].grants: unknown certification " \
           "'ib'; the certifications are aml, credit, cash_management, trade_finance, " \
           "investment_banking" in found
    assert f"{path}:{line_of(path, 'min_grade: 专家')}: tiers.strategic.min_grade: unknown " \
           "grade '专家'; the grades are 初级, 中级, 高级, 资深" in found
    assert f"{path}:{line_of(path, 'fx]')}: tiers.strategic.certifications[3]: unknown " \
           "certification 'fx'; the certifications are aml, credit, cash_management, " \
           "trade_finance, investment_banking" in found
    assert f"{path}:{line_of(path, 'XX-999')}: tiers.key.courses[3]: unknown course " \
           "'XX-999'" in found
    assert len(found) == 4


def test_a_required_certification_no_course_of_the_tier_grants_is_an_error(path: Path) -> None:
    edit(path, "    certifications: [aml]\n    courses: [AML-100, CR-101, SV-100]",
         "    certifications: [aml, credit]\n    courses: [AML-100, SV-100]")
    assert problems(path) == [
        f"{path}:{line_of(path, '  growth:') + 3}: "
        "tiers.growth.certifications[1]: no course of the tier's catalogue (courses) grants "
        "'credit', so a gap could not be closed"]


def test_the_tiers_must_be_the_standards(path: Path) -> None:
    edit(path, "  growth:\n", "  grwth:\n")
    found = problems(path)
    assert any(f":{line_of(path, 'grwth:')}: tiers.grwth: unknown tier code 'grwth'" in f
               for f in found)
    assert any("tiers: no staffing rule for the standard's tier(s) growth" in f for f in found)
    assert load_staff_rules(path, None).tiers["grwth"].min_grade == "初级"  # no standard given


def test_duplicates_and_unknown_fields_are_errors(path: Path) -> None:
    edit(path, "  - name: 中级\n", "  - name: 初级\n")
    edit(path, "expiring_days: 90", "expiring_days: 90\nexpiry_days: 30")
    found = problems(path)
    assert any(f":{line_of(path, 'expiry_days')}: expiry_days:" in f for f in found)
    assert any("grades[1]: '初级' is listed twice" in f for f in found) or len(found) == 1


def test_not_yaml_mapping_and_not_utf8(tmp_path: Path) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    assert problems(listing) == [f"{listing}:1: (top): staff rules must be a YAML mapping"]
    binary = tmp_path / "gbk.yaml"
    binary.write_bytes("id: 客户".encode("gbk"))
    assert problems(binary) == [f"{binary}: (top): the file is not UTF-8 text"]
