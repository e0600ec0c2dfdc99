"""The alert rule library: the shipped file is valid; every error names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from corptier.crm.alert_rules import (
    AlertRulesError,
    default_alert_rules_path,
    load_alert_rules,
    parse_alert_rules,
)

GOOD = """\
id: test_rules
version: 1
escalation_hours: {high: 24, low: 168}
rules:
  - id: overdue
    description_zh: 逾期
    description_en: Overdue
    when: max_days_overdue > 30
    severity: high
"""


def test_the_shipped_rules_are_valid_and_copied_into_a_new_workspace(workspace) -> None:
    rules = load_alert_rules(default_alert_rules_path())
    assert {"deposit_drop", "rating_downgrade", "loan_class_worse", "overdue_90",
            "computed_tier_down", "applied_tier_changed", "low_p_alive",
            "behaviour_declining", "rm_changed"} <= {r.id for r in rules.rules}
    assert (workspace.standards_dir / "alerts.yaml").read_bytes() == \
        default_alert_rules_path().read_bytes()


def test_a_severity_alone_stands_for_every_tier() -> None:
    rule = parse_alert_rules(GOOD).rules[0]
    assert rule.severity_of("strategic") == rule.severity_of(None) == "high"
    assert rule.assignee == "rm" and rule.description("zh-CN") == "逾期"


@pytest.mark.parametrize(("change", "line", "field", "words"), [
    (("max_days_overdue > 30", "days_overdue_max > 30"), 8, "rules[0].when",
     "unknown indicator(s) days_overdue_max"),
    (("severity: high", "severity: {core: high}"), 9, "rules[0].severity",
     "'default' severity"),
    (("severity: high", "severity: medium"), 9, "rules[0].severity.default",
     "'medium' has no escalation_hours"),
    (("id: overdue", "id: Overdue!"), 5, "rules[0].id", "pattern"),
    (("    severity: high\n", "    severity: high\n    colour: red\n"), 10,
     "rules[0].colour", "unknown field"),
    (("when: max_days_overdue > 30", "when: __import__('os')"), 8, "rules[0].when",
     "not allowed"),
])
def test_an_error_names_the_file_the_line_and_the_field(
        tmp_path: Path, change: tuple[str, str], line: int, field: str, words: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(AlertRulesError) as caught:
        load_alert_rules(path)
    assert f"{path}:{line}: {field}: " in str(caught.value)
    assert words in str(caught.value)


def test_a_duplicate_rule_id_and_broken_yaml_are_named(tmp_path: Path) -> None:
    twice = GOOD + GOOD[GOOD.index("  - id"):]
    with pytest.raises(AlertRulesError, match=r"alerts.yaml:10: rules\[1\].id: rule id "
                                              "'overdue' is used twice"):
        parse_alert_rules(twice, "alerts.yaml")
    with pytest.raises(AlertRulesError, match=r"^alerts.yaml:\d+: \(top\): not valid YAML"):
        parse_alert_rules("id: x\nrules: [\n  - {", "alerts.yaml")


def test_the_validate_command_prints_ok_or_one_line_per_problem(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corptier.cli import app

    runner = CliRunner(env={"CORPTIER_LANG": "en", "COLUMNS": "400"})
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    ok = runner.invoke(app, ["alerts", "validate", str(good)])
    assert ok.exit_code == 0
    assert "".join(ok.stdout.split()) == "".join(f"{good}: OK (1 rules, 1 enabled)".split())
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("when: max_days_overdue > 30", 'when: "[bold]x[/] > 1"'),
                   encoding="utf-8")
    refused = runner.invoke(app, ["alerts", "validate", str(bad)])
    assert refused.exit_code == 6 and "Traceback" not in refused.output
    assert refused.stderr.startswith(f"error: {bad}:8: rules[0].when: ")
    assert "'[bold]x[/] > 1'" in refused.stderr  # the user's text, not read as markup
