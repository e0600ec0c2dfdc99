"""A standard is bounded: size, YAML nesting and aliases, condition depth and length; whatever
validates also compiles and runs, and named-list files come only from the named-lists folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiering_helpers import IDENTITY, SMALL, by_id, memtable, standard_from
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import StandardError
from corptier.tiering import (
    StandardValidationError,
    compile_condition,
    load_standard,
    parse_standard,
    score_and_tier,
)
from corptier.tiering.conditions import MAX_CONDITION_TERMS
from corptier.tiering.yaml_loader import MAX_STANDARD_BYTES


def refused(text: str) -> str:
    with pytest.raises(StandardValidationError) as caught:
        parse_standard(text, source="s.yaml")
    (issue,) = caught.value.issues
    return str(issue)


def gate(condition: str) -> str:
    return f'gates:\n  caps:\n    - id: g\n      when: "{condition}"\n      tier: d\n'


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- conditions ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("condition", "limit"), [
    ("not " * 3000 + "dep_avg > 1", "limit of 4,000"),
    ("dep_avg > " + "-" * 5000 + "1", "limit of 4,000"),
    (" or ".join(["dep_avg > 1"] * 1000), "limit of 4,000"),
    ("not " * 100 + "dep_avg > 1", "more than 32 levels"),
    ("dep_avg > " + "-" * 500 + "1", "more than 32 levels"),
    (" or ".join(["dep_avg>1"] * (MAX_CONDITION_TERMS + 1)), "limit of 128"),
    ("0 < " + " < ".join(["dep_avg"] * (MAX_CONDITION_TERMS + 1)), "limit of 128"),
    ("(" * 300 + "dep_avg > 1" + ")" * 300, "nested"),
])
def test_conditions_beyond_the_limits_are_refused_with_file_and_line(condition, limit):
    text = SMALL + gate(condition)
    message = refused(text)
    assert message.startswith(f"s.yaml:{line_of(text, 'when:')}: gates.caps[0].when: ")
    assert limit in message


def test_conditions_at_the_limits_validate_and_run():
    deep = "not " * 29 + "dep_avg_r3 > 1"
    wide = " or ".join(f"dep_avg_r3 > {i}" for i in range(MAX_CONDITION_TERMS))
    minus = "dep_avg_r3 > " + "-" * 30 + "1"
    chain = " <= ".join(["-1"] + ["dep_avg_r3"] * (MAX_CONDITION_TERMS - 1) + ["1000"])
    extra = "gates:\n  caps:\n" + "".join(
        f'    - {{id: g{i}, when: "{c}", tier: d}}\n'
        for i, c in enumerate((deep, wide, minus, chain)))
    std = standard_from(IDENTITY, extra=extra)
    table = memtable(dep_avg=[10.0, 90.0, 90.0], dep_avg_r3=[0, 5, 200])
    got = by_id(score_and_tier(table, std, named_lists={}))
    # 29 nots = not; deep: C1 (0 > 1 false) → true; C2, C3 false
    assert [got[c]["gate_g0"] for c in ("C1", "C2", "C3")] == [True, False, False]
    assert [got[c]["gate_g1"] for c in ("C1", "C2", "C3")] == [False, True, True]
    assert [got[c]["gate_g2"] for c in ("C1", "C2", "C3")] == [False, True, True]
    assert [got[c]["gate_g3"] for c in ("C1", "C2", "C3")] == [True, True, True]
    assert compile_condition(wide, table).to_pyarrow().to_pylist() == [False, True, True]


# --- YAML ----------------------------------------------------------------------------------------
def laughs(levels: int, fanout: int) -> str:
    lines = ['l0: &l0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*l{i - 1}"] * fanout)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("levels", "fanout", "limit"), [
    (9, 9, "more than 64 aliases"),
    (6, 10, "more than 50,000 values"),
])
@pytest.mark.timeout(120)  # expanded, a million values would take far longer: a hang fails
def test_billion_laughs_is_refused_quickly(levels, fanout, limit):
    message = refused(laughs(levels, fanout) + SMALL)
    assert message.startswith("s.yaml:") and limit in message


def test_recursive_alias_is_refused():
    assert "levels" in refused(SMALL + "extra: &a [*a]\n")


@pytest.mark.parametrize("depth", [30, 100_000])
def test_deep_nesting_is_refused(depth):
    message = refused(SMALL + "x: " + "[" * depth + "]" * depth + "\n")
    assert message.startswith(f"s.yaml:{line_of(SMALL, 'points:') + 1}: ")
    assert "more than 24 levels" in message


def test_a_file_above_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(SMALL + "#" * MAX_STANDARD_BYTES + "\n", encoding="utf-8")
    with pytest.raises(StandardValidationError, match="more than the limit of 1,048,576 bytes"):
        load_standard(path)
    result = CliRunner().invoke(app, ["standard", "validate", str(path)])
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == StandardError.exit_code
    assert f"{path}: (top): the file is" in result.output


def test_validate_cli_refuses_a_deep_condition_in_one_line(tmp_path):
    path = tmp_path / "deep.yaml"
    text = SMALL + gate("not " * 3000 + "dep_avg > 1")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["standard", "validate", str(path)])
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == StandardError.exit_code
    assert f"{path}:{line_of(text, 'when:')}: gates.caps[0].when" in result.output


# --- named-list files ----------------------------------------------------------------------------
def list_gate(name: str) -> str:
    return f"gates:\n  floors:\n    - {{id: vip, named_list: {{file: '{name}'}}, tier: a}}\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "vip.txt").write_text("C2\nC1\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("root:x:0:0\n", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", tmp_path / "lists" / "link.txt")
    return tmp_path


def test_list_file_is_read_from_the_lists_folder(folder):
    (folder / "s.yaml").write_text(SMALL + list_gate("vip.txt"), encoding="utf-8")
    assert load_standard(folder / "s.yaml").gates.floors[0].named_list.ids == ("C1", "C2")


@pytest.mark.parametrize("name", ["/etc/shadow", "/etc/passwd", "../secret.txt", "link.txt"])
def test_list_files_outside_the_lists_folder_are_refused(folder, name):
    (folder / "s.yaml").write_text(SMALL + list_gate(name), encoding="utf-8")
    with pytest.raises(StandardValidationError, match="outside the named-lists folder") as caught:
        load_standard(folder / "s.yaml")
    assert "root:x" not in str(caught.value)
    assert caught.value.issues[0].field == "gates.floors[0].named_list.file"


def test_the_workspace_lists_folder_is_the_one_used(workspace, tmp_path):
    from corptier.services.standards import workspace_standard

    lists = workspace.root / "standards" / "lists"
    lists.mkdir(parents=True, exist_ok=True)
    (lists / "vip.txt").write_text("C7\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    path = tmp_path / "elsewhere" / "s.yaml"
    path.write_text(SMALL + list_gate("vip.txt"), encoding="utf-8")
    assert workspace_standard(workspace, path).gates.floors[0].named_list.ids == ("C7",)
    path.write_text(SMALL + list_gate("/etc/passwd"), encoding="utf-8")
    with pytest.raises(StandardValidationError, match="outside the named-lists folder"):
        workspace_standard(workspace, path)
