"""The service catalogue and its compliance rules: errors name file:line, field and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corptier.service import CatalogueValidationError, load_catalogue, load_rules

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "corptier" / "standards"
TIERS = ["strategic", "core", "key", "growth", "basic"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("service.yaml", "service_rules.yaml"):
        shutil.copyfile(SHIPPED / name, tmp_path / name)
    return tmp_path


def edit(folder: Path, old: str, new: str, name: str = "service.yaml") -> Path:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str, after: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and fragment in line) + 1


def problems(path: Path, tiers: list[str] | None = TIERS) -> list[str]:
    with pytest.raises(CatalogueValidationError) as caught:
        load_catalogue(path, tiers)
    return [str(i) for i in caught.value.issues]


def test_the_shipped_catalogue_passes_its_rules() -> None:
    catalogue, rules = load_catalogue(SHIPPED / "service.yaml", TIERS)
    assert list(catalogue.tiers) == TIERS
    assert catalogue.tiers["strategic"].service_model.kind == "team"
    assert {r.id for r in rules.rules} >= {"QBZ-1", "QBZ-2", "QBZ-3", "SGK-1", "AUTH-1"}
    assert len(catalogue.content_hash) == 64


def test_a_negative_cadence_names_file_line_and_field(folder: Path) -> None:
    path = edit(folder, "visit_days: 90", "visit_days: -90")
    found = problems(path)
    assert found == [f"{path}:{line_of(path, 'visit_days: -90')}: tiers.key.visit_days: "
                     "Input should be greater than 0"]


def test_unknown_and_missing_tiers_are_named(folder: Path) -> None:
    path = edit(folder, "  growth:\n", "  grwoth:\n")
    found = problems(path)
    assert f"{path}:{line_of(path, 'grwoth:')}: tiers.grwoth: unknown tier code 'grwoth'" \
        in found[1]
    assert found[0].startswith(f"{path}:{line_of(path, 'tiers:', after='transition_days')}: "
                               "tiers: no service for the standard's tier(s) growth")


def test_a_concession_tied_to_deposits_is_refused_naming_the_rule(folder: Path) -> None:
    path = edit(folder, "          waive_share: 0.5\n          policy: P-STRATEGIC\n",
                "          waive_share: 0.5\n          policy: P-STRATEGIC\n"
                "          conditions: [deposit_balance]\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{line_of(path, '[deposit_balance]')}: "
                              "tiers.strategic.pricing.concessions[1].conditions[0]: "
                              "breaks rule QBZ-1 (")
    assert "不得存贷挂钩" in problem and "'deposit_balance'" in problem


def test_concessions_beyond_the_delegation_or_off_the_fee_list_are_refused(
        folder: Path) -> None:
    edit(folder, "      loan_rate_bp: 20\n", "      loan_rate_bp: 80\n")
    edit(folder, "        - fee: F-EBANK\n", "        - fee: F-SECRET\n")
    path = edit(folder, "        name_en: Client events\n        free: true\n"
                "        policy: P-STRATEGIC\n", "        name_en: Client events\n"
                "        free: true\n")
    found = problems(path)
    assert len(found) == 3
    assert found[0].startswith(f"{path}:{line_of(path, 'code: client_events')}: "
                               "tiers.strategic.exclusive_services[3].policy: breaks rule SGK-2")
    assert found[1].startswith(f"{path}:{line_of(path, 'loan_rate_bp: 80')}: "
                               "tiers.key.pricing.loan_rate_bp: breaks rule AUTH-1")
    assert "80 is above 60 (delegation.loan_rate_bp)" in found[1]
    assert found[2].startswith(f"{path}:{line_of(path, 'fee: F-SECRET')}: "
                               "tiers.growth.pricing.concessions[0].fee: breaks rule SGK-1")


def test_a_fee_without_a_service_breaks_the_rule(folder: Path) -> None:
    path = edit(folder, "    service: 企业网银及数字证书\n", "")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{line_of(path, 'code: F-EBANK')}: "
                              "published_fees[1].service: breaks rule QBZ-3")


def test_the_rules_are_data_a_new_rule_applies(folder: Path) -> None:
    edit(folder, "rules:\n", "rules:\n  - id: LOCAL-1\n    text_zh: 不得主动推荐保险\n"
         "    text_en: no insurance offered proactively\n    check:\n      kind: none_of\n"
         "      items: ['tiers.*']\n      field: proactive_products\n      values: [ebanking]\n",
         name="service_rules.yaml")
    found = problems(folder / "service.yaml")
    assert len(found) == 3 and all("breaks rule LOCAL-1" in p for p in found)


def test_a_bad_rule_file_names_its_line(folder: Path) -> None:
    path = edit(folder, "      list: \"published_fees[].code\"\n", "",
                name="service_rules.yaml")
    with pytest.raises(CatalogueValidationError) as caught:
        load_rules(path)
    [issue] = caught.value.issues
    assert issue.file == str(path) and issue.line == line_of(path, "kind: in_list") - 1
    assert issue.field == "rules[3].check"
    assert "the check kind in_list needs list" in issue.message


def test_the_rule_file_must_sit_beside_the_catalogue(folder: Path) -> None:
    path = edit(folder, "rules: service_rules.yaml", "rules: ../../etc/passwd")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{line_of(path, 'rules: ../')}: rules: the rule file")
