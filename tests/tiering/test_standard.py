"""The standard model and its YAML loader: every error names file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel
from tiering_helpers import SMALL, make_standard
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import StandardError
from corptier.tiering import (
    HysteresisPolicy,
    Issue,
    StandardValidationError,
    default_standard_path,
    load_default_standard,
    load_standard,
    parse_standard,
)
from corptier.tiering.standard import Standard


def issues_of(text: str, **kwargs) -> list[Issue]:
    with pytest.raises(StandardValidationError) as caught:
        parse_standard(text, source="s.yaml", **kwargs)
    return caught.value.issues


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def one_issue(text: str) -> Issue:
    issues = issues_of(text)
    assert len(issues) == 1, issues
    return issues[0]


# --- the default standard ------------------------------------------------------------------------
def test_default_standard_has_five_tiers_four_dimensions_and_the_gates() -> None:
    std = load_default_standard()
    assert std.tier_codes == ["strategic", "core", "key", "growth", "basic"]
    names = ["战略客户", "核心客户", "重点客户", "成长客户", "基础客户"]
    assert [t.name_zh for t in std.tiers] == names
    assert list(std.dimensions) == ["value", "needs", "behaviour", "risk"]
    assert {f.code for f in std.flags} == {"potential", "risk_watch"}
    assert [g.tier for g in std.gates.floors] == ["core", "strategic"]
    assert [g.tier for g in std.gates.caps] == ["basic", "basic"]
    assert std.hysteresis.downgrade_after_periods == {
        "strategic": 12, "core": 6, "key": 3, "growth": 2
    }
    assert std.hysteresis.upgrade == "immediate"


def test_default_standard_is_shipped_as_package_data() -> None:
    assert default_standard_path().name == "default.yaml"
    assert default_standard_path().is_file()


def test_workspace_init_copies_the_default_standard(workspace) -> None:
    copied = workspace.standards_dir / "default.yaml"
    assert load_standard(copied).content_hash == load_default_standard().content_hash


# --- identity ------------------------------------------------------------------------------------
def test_content_hash_ignores_formatting_and_comments() -> None:
    plain = make_standard()
    text = "# a comment\n" + SMALL.replace("weight: 1\n", "weight: 1.0\n")
    reformatted = make_standard(base=text)
    assert plain.content_hash == reformatted.content_hash
    assert len(plain.content_hash) == 64


def test_content_hash_changes_with_any_threshold() -> None:
    assert make_standard().content_hash != make_standard(**{"b: 50": "b: 51"}).content_hash


def test_version_written_as_a_number_becomes_text() -> None:
    assert make_standard(**{'version: "1"': "version: 3"}).version == "3"


# --- errors with file, line and field ------------------------------------------------------------
def test_yaml_syntax_error_names_the_line() -> None:
    issue = one_issue("id: x\ntiers: [a, b\n")
    assert issue.line == 3 and "not valid YAML" in issue.message


def test_duplicate_key_is_an_error_with_its_line() -> None:
    text = SMALL + "cutoffs:\n  method: absolute\n"
    issue = one_issue(text)
    assert issue.field == "cutoffs" and "twice" in issue.message
    assert issue.line == len(SMALL.splitlines()) + 1


def test_unknown_field_names_its_line() -> None:
    text = SMALL.replace("        lo: 0\n", "        lo: 0\n        colour: red\n")
    issue = one_issue(text)
    assert issue.line == line_of(text, "colour")
    assert issue.field == "dimensions.value.indicators.dep_avg.colour"
    assert "unknown field" in issue.message
    assert str(issue).startswith(f"s.yaml:{issue.line}: dimensions.value.indicators.dep_avg.colour")


def test_indicator_weights_must_sum_to_one() -> None:
    text = SMALL.replace("      dep_avg:\n        weight: 1", "      dep_avg:\n        weight: 0.7")
    issue = one_issue(text)
    assert issue.field == "dimensions.value.indicators"
    assert issue.line == line_of(text, "indicators:")
    assert "add up to 1" in issue.message


def test_dimension_weights_must_sum_to_one() -> None:
    text = SMALL.replace("    weight: 1\n    indicators", "    weight: 0.9\n    indicators")
    issue = one_issue(text)
    assert issue.field == "dimensions" and "0.9" in issue.message


def test_unknown_and_text_indicators_cannot_be_scored() -> None:
    issue = one_issue(SMALL.replace("      dep_avg:", "      dep_avgg:"))
    assert "unknown indicator 'dep_avgg'" in issue.message
    assert issue.line == line_of(SMALL, "      dep_avg:")
    issue = one_issue(SMALL.replace("      dep_avg:", "      rating:"))
    assert "holds text" in issue.message


def test_unknown_method_and_missing_method_field() -> None:
    text = SMALL.replace("method: minmax", "method: minimax")
    issue = one_issue(text)
    assert issue.line == line_of(text, "minimax")
    assert issue.field.endswith("dep_avg.method") and "'minimax'" in issue.message
    issue = one_issue(SMALL.replace("        method: minmax\n", ""))
    assert "method" in issue.message


def test_required_field_missing_names_the_field() -> None:
    issue = one_issue(SMALL.replace("        hi: 100\n", ""))
    assert issue.field == "dimensions.value.indicators.dep_avg.hi"
    assert issue.message == "required field is missing"


def test_missing_policy_must_be_explicit_and_valid() -> None:
    issue = one_issue(SMALL.replace("        missing: zero\n", ""))
    assert issue.field.endswith("dep_avg.missing")
    text = SMALL.replace("missing: zero", "missing: skip")
    issue = one_issue(text)
    assert issue.line == line_of(text, "missing: skip") and "'exclude'" in issue.message
    assert make_standard(**{"missing: zero": "missing: 40"}).dimensions["value"].indicators[
        "dep_avg"].missing == 40.0


def test_minmax_needs_hi_above_lo() -> None:
    text = SMALL.replace("hi: 100", "hi: -5")
    issue = one_issue(text)
    assert issue.line == line_of(text, "hi: -5") and "greater than lo" in issue.message


def test_band_thresholds_must_increase() -> None:
    text = SMALL.replace(
        "        method: minmax\n        lo: 0\n        hi: 100\n",
        "        method: bands\n        bands:\n          - {at: 10, points: 10}\n"
        "          - {at: 5, points: 50}\n",
    )
    issue = one_issue(text)
    assert issue.field.endswith("bands[1].at")
    assert issue.line == line_of(text, "{at: 5")


def test_cutoffs_must_match_the_tiers_and_descend() -> None:
    text = SMALL.replace("{a: 75, b: 50, c: 25}", "{a: 75, b: 50, c: 25, d: 0}")
    issue = one_issue(text)
    assert issue.field == "cutoffs.points.d" and "takes the rest" in issue.message
    issue = one_issue(SMALL.replace("{a: 75, b: 50, c: 25}", "{a: 75, b: 50}"))
    assert "missing cut-off for tier(s) c" in issue.message
    issue = one_issue(SMALL.replace("{a: 75, b: 50, c: 25}", "{a: 75, b: 80, c: 25}"))
    assert issue.field == "cutoffs.points.b" and "lower than the tier above" in issue.message


def test_pyramid_shares_must_add_up_to_one_exactly() -> None:
    pyramid = "method: pyramid\n  shares: {a: 0.1, b: 0.2, c: 0.3, d: 0.39}"
    issue = one_issue(SMALL.replace("method: absolute\n  points: {a: 75, b: 50, c: 25}", pyramid))
    assert issue.field == "cutoffs.shares" and "add up to 1" in issue.message
    ok = make_standard(**{"method: absolute\n  points: {a: 75, b: 50, c: 25}":
                          "method: pyramid\n  shares: {a: 0.1, b: 0.2, c: 0.3, d: 0.4}"})
    assert ok.cutoffs.method == "pyramid"


def test_gate_errors_name_the_gate() -> None:
    gates = """
gates:
  floors:
    - {id: big, when: dep_avg >= 100, tier: b}
  caps:
    - {id: bad, when: worst_loan_class_rank >= 3, tier: z}
"""
    issue = one_issue(SMALL + gates)
    assert issue.field == "gates.caps[0].tier" and "unknown tier 'z'" in issue.message
    assert issue.line == line_of(SMALL + gates, "id: bad")
    both = gates.replace("tier: z", "tier: d, named_list: [C1]")
    assert "exactly one of" in one_issue(SMALL + both).message
    dup = gates.replace("id: bad", "id: big").replace("tier: z", "tier: d")
    assert "used twice" in one_issue(SMALL + dup).message
    flag = gates.replace("tier: z", "tier: d, flags: [nope]")
    assert "unknown flag 'nope'" in one_issue(SMALL + flag).message


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ("__import__('os').system('x') == 1", "not allowed"),
        ("dep_avg.real > 1", "not allowed"),
        ("dep_avg + 1 > 2", "not allowed"),
        ("dep_avg", "must compare"),
        ("dep_avg == null", "is null"),
        ("nosuch > 1", "unknown indicator"),
        ("rating > 3", "compares text with a number"),
        ("rating < 'AA'", "only be compared with == or !="),
        ("dep_avg >", "cannot read"),
    ],
)
def test_conditions_outside_the_language_are_rejected_with_their_line(condition, fragment) -> None:
    text = SMALL + f'gates:\n  caps:\n    - id: g\n      when: "{condition}"\n      tier: d\n'
    issue = one_issue(text)
    assert issue.field == "gates.caps[0].when"
    assert issue.line == line_of(text, "when:")
    assert fragment in issue.message


def test_named_list_file_is_read_from_the_lists_folder_beside_the_standard(
    tmp_path: Path,
) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "vip.txt").write_text("# strategic list\nC2\nC1\n\nC2\n",
                                                encoding="utf-8")
    (tmp_path / "lists" / "vip.csv").write_text("customer_id,name\nC9,甲\n", encoding="utf-8")
    gates = ("gates:\n  floors:\n    - {id: vip, named_list: {file: vip.txt}, tier: a}\n"
             "    - {id: vip2, named_list: {file: vip.csv}, tier: a}\n")
    (tmp_path / "s.yaml").write_text(SMALL + gates, encoding="utf-8")
    std = load_standard(tmp_path / "s.yaml")
    assert std.gates.floors[0].named_list.ids == ("C1", "C2")
    assert std.gates.floors[1].named_list.ids == ("C9",)
    (tmp_path / "lists" / "vip.txt").unlink()
    with pytest.raises(StandardValidationError) as caught:
        load_standard(tmp_path / "s.yaml")
    (issue,) = caught.value.issues
    assert issue.field == "gates.floors[0].named_list.file"
    assert issue.line == line_of(SMALL + gates, "id: vip,")


def test_group_rule_hysteresis_and_segments_are_checked() -> None:
    assert "never restricts" in one_issue(SMALL + "group_rule: {max_below_group: 3}\n").message
    issue = one_issue(SMALL + "hysteresis:\n  downgrade_after_periods: {x: 3}\n")
    assert issue.field == "hysteresis.downgrade_after_periods.x"
    segments = """
needs_segments:
  segments:
    - {code: s1, name_zh: 一, name_en: One, when: has_trade == 1}
    - {code: s2, name_zh: 二, name_en: Two, when: has_financing == 1}
"""
    issue = one_issue(SMALL + segments)
    assert issue.field == "needs_segments.segments[1].when" and "takes everyone left" in (
        issue.message
    )
    kmeans = segments.replace(", when: has_financing == 1", "").replace(
        "needs_segments:", "needs_segments:\n  mode: kmeans")
    assert "needs a 'kmeans' section" in one_issue(SMALL + kmeans).message


def test_several_errors_are_all_reported_in_line_order() -> None:
    text = SMALL.replace("hi: 100", "hi: -5").replace("name_en: B}", "name_en: B, x: 1}")
    issues = issues_of(text)
    assert [i.line for i in issues] == sorted(i.line for i in issues)
    assert len(issues) == 2


def test_validation_error_is_a_standard_error_with_its_exit_code() -> None:
    with pytest.raises(StandardError) as caught:
        parse_standard("id: x\n")
    assert caught.value.exit_code == StandardError.exit_code


def test_hysteresis_policy_defaults() -> None:
    policy = HysteresisPolicy(downgrade_after_periods={"core": 6})
    assert policy.periods_before_downgrade("core") == 6
    assert policy.periods_before_downgrade("basic") == 0
    with pytest.raises(ValueError):
        HysteresisPolicy(downgrade_after_periods={"core": -1})


# --- the command ---------------------------------------------------------------------------------
def test_cli_validate_prints_a_summary() -> None:
    result = CliRunner().invoke(app, ["standard", "validate", str(default_standard_path())])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "tiers (5): strategic 战略客户" in result.output
    assert "dimensions (4)" in result.output and "gates: floors deposits_1yi→core" in result.output


def test_cli_validate_prints_file_line_field_and_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("hi: 100", "hi: -5"), encoding="utf-8")
    result = CliRunner().invoke(app, ["standard", "validate", str(bad)])
    assert result.exit_code == StandardError.exit_code
    line = line_of(SMALL, "hi: 100")
    assert f"{bad}:{line}: dimensions.value.indicators.dep_avg.hi: hi (-5)" in result.output
    missing = CliRunner().invoke(app, ["standard", "validate", str(tmp_path / "none.yaml")])
    assert missing.exit_code == StandardError.exit_code and "cannot read standard" in missing.output


def test_every_field_of_the_standard_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "standard.md").read_text(encoding="utf-8")
    seen: set[type] = set()
    undocumented = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            if f"`{name}" not in doc and f"{name}:" not in doc:
                undocumented.append(f"{model.__name__}.{name}")
            for kind in _models_in(field.annotation):
                visit(kind)

    visit(Standard)
    assert not undocumented


def _models_in(annotation: Any) -> list[type]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]
