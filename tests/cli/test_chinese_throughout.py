"""A zh-CN workspace hears Chinese: every command's lines, tables and progress come from the
catalogue, and codes that have a label (tiers, migrations, states, tables) never stand alone.

Two checks: statically, every text the CLI passes through the catalogue has a Chinese
translation; at run time, the commands' output holds no English catalogue text and no bare code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from corptier.cli import app
from corptier.cli.labels import LABELS
from corptier.i18n import DEFAULT_TIER_LABELS
from sample_data import write_sample_period

SRC = Path(__file__).resolve().parents[2] / "src" / "corptier"
ZH_PO = SRC / "locales" / "zh_CN" / "LC_MESSAGES" / "corptier.po"
PERIODS = ("2026-07", "2026-08")


def cli_messages() -> list[str]:
    """Every catalogue key of the CLI: `_("...")` in cli/, the label tables of cli/labels.py and
    the stage and step names of services/."""
    found: list[str] = []
    for folder, calls in (("cli", {"_"}), ("services", {"stage", "step"})):
        for path in sorted((SRC / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in calls and node.args
                        and isinstance(node.args[0], ast.Constant)):
                    found.append(node.args[0].value)
    found += [text for table in LABELS.values() for text in table.values()]
    return sorted(set(found))


def test_every_cli_text_has_a_chinese_translation() -> None:
    with ZH_PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m for m in cli_messages() if not (catalog.get(m) and catalog.get(m).string)]
    assert missing == []
    assert len(cli_messages()) > 100  # the walk found the CLI's texts


def _english_fragments() -> list[str]:
    """The fixed English parts (three words or more) of the CLI's catalogue keys."""
    parts = (p.strip(" .,:;()") for m in cli_messages() for p in re.split(r"\{[^}]*\}", m))
    return sorted({p for p in parts if len(p.split()) >= 3})


BARE = sorted({*DEFAULT_TIER_LABELS, *(c for t in LABELS.values() for c in t)} - {"all"})


def _bare_codes(text: str) -> list[str]:
    """Codes standing alone, i.e. not inside a path, an identifier or "(code)" beside a label."""
    return [code for code in BARE
            if re.search(rf"(?<![\w/.(_-]){re.escape(code)}(?![\w/._)-])", text)]


@pytest.fixture(scope="module")
def zh_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zh")
    for period in PERIODS:
        write_sample_period(root / "in" / period, period)
    return root


def test_every_command_speaks_chinese_in_a_zh_cn_workspace(zh_workspace: Path) -> None:
    root, ws = zh_workspace, str(zh_workspace / "ws")
    runner = CliRunner(env={"COLUMNS": "200", "CORPTIER_LANG": None})
    outputs: list[tuple[str, str]] = []

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.output, result.exception)
        outputs.append((" ".join(args), result.stdout + result.stderr))
        return result.stdout

    run("init", ws, "--language", "zh-CN")
    for period in PERIODS:
        run("load", str(root / "in" / period), "--period", period, "-w", ws)
    run("indicators", "--period", PERIODS[0], "-w", ws)
    for period in PERIODS:
        run("close", "--period", period, "-w", ws)
    error = run("close", "--period", "2031-01", "-w", ws)  # refused, in the workspace's language
    override = run("override", "request", "C005", "--tier", "core", "--reason", "重点项目",
                   "--until", "2099-12-31", "--by", "alice", "-w", ws).strip()
    run("override", "approve", override, "--by", "bob", "-w", ws)
    run("override", "approve", "999", "--by", "bob", "-w", ws)  # a translated service error
    run("override", "list", "-w", ws)
    run("audit", "verify", "-w", ws)
    run("standard", "adopt", str(Path(ws) / "standards" / "default.yaml"), "--period",
        PERIODS[0], "--by", "alice", "-w", ws)
    run("standard", "backtest", str(Path(ws) / "standards" / "default.yaml"), "--from",
        PERIODS[0], "--to", PERIODS[1], "-w", ws)
    run("user", "add", "admin1", "-w", ws)  # last: with users, commands need a token
    run("user", "list", "-w", ws)

    assert error == "" and outputs[6][1].splitlines()[-1].startswith("错误：")
    assert outputs[9][1].strip().startswith("错误："), outputs[9]
    assert outputs[9][1].strip().endswith("人工调整 999 不存在"), outputs[9]
    assert "关账 2026-07 · 分层" in outputs[4][1] and "已关账 2026-07" in outputs[4][1]
    fragments = _english_fragments()
    for command, text in outputs:
        # the messages of the errors themselves come from the services, in English for now
        own = "\n".join(line for line in text.splitlines() if not line.startswith("错误："))
        assert [f for f in fragments if f in own] == [], command
        assert _bare_codes(own) == [], (command, own)


def _chinese_issue_lines(text: str, path: Path) -> list[str]:
    """The `file:line: field: message` lines of `path` whose message is Chinese."""
    lines = [line.removeprefix("错误：").strip() for line in text.splitlines()]
    return [line for line in lines if re.match(rf"{re.escape(str(path))}:\d+: [\w.\[\]]+: "
                                               r".*[\u4e00-\u9fff]", line)]


def _copy_with(source: Path, target: Path, *changes: tuple[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")
    return target


def test_a_broken_file_is_explained_in_chinese_with_file_line_and_field(tmp_path: Path) -> None:
    shipped = SRC / "standards"
    (tmp_path / "service_rules.yaml").write_bytes((shipped / "service_rules.yaml").read_bytes())
    cases = [  # command, broken file, how many problems, a phrase of one of them
        ("standard validate", _copy_with(shipped / "default.yaml", tmp_path / "std.yaml",
                                         ("\nversion:", "\nversio:")), 2, "未知字段"),
        ("alerts validate", _copy_with(shipped / "alerts.yaml", tmp_path / "alerts.yaml",
                                       ("critical: 8", "critical: -8"),
                                       ("rating_notches_down", "rating_nochtes_down")),
         2, "中有未知指标：rating_nochtes_down"),
        ("survey check", _copy_with(shipped / "surveys" / "annual_needs.yaml",
                                    tmp_path / "survey.yaml", ("kind: scale", "kind: scal")),
         1, "取值应为 'single', 'multiple'"),
        ("service check", _copy_with(shipped / "service.yaml", tmp_path / "service.yaml",
                                     ("\ndelegation:", "\ndelegatoin:")), 1, "docs/service.md"),
    ]
    runner = CliRunner(env={"COLUMNS": "200", "CORPTIER_LANG": "zh-CN"})
    fragments = _english_fragments() + _code_fragments()
    for command, path, count, phrase in cases:
        result = runner.invoke(app, [*command.split(), str(path)])
        text = result.stdout + result.stderr
        assert result.exit_code == 6, (command, text)  # StandardError's code, no traceback
        said = _chinese_issue_lines(text, path)
        assert len(said) == count and any(phrase in line for line in said), (command, text)
        assert [f for f in fragments if f in text] == [], (command, text)


def _code_fragments() -> list[str]:
    """The fixed English parts (three words or more) of every message in the code."""
    from test_catalogue_coverage import code_messages

    parts = (p.strip(" .,:;()'") for m in code_messages() for p in re.split(r"\{[^}]*\}", m))
    return sorted({p for p in parts if len(p.split()) >= 3})


def test_a_uscc_rejected_at_load_is_explained_in_chinese(tmp_path: Path) -> None:
    from sample_data import sample_rows, write_tables

    period, bad = PERIODS[0], "91510100MA6CU1A09X"  # C001's code with a wrong check character
    rows = sample_rows(period)
    rows["customers"][0]["uscc"] = bad
    write_tables(tmp_path / "in", rows)
    runner = CliRunner(env={"COLUMNS": "200", "CORPTIER_LANG": None})
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws), "--language", "zh-CN"]).exit_code == 0
    loaded = runner.invoke(app, ["load", str(tmp_path / "in"), "--period", period,
                                 "-w", str(ws)])
    # C001's accounts and transactions go with it: the load is refused, said in Chinese
    assert loaded.exit_code == 5 and "期次 2026-07 的加载被拒绝，保留原有数据：" in loaded.stderr
    assert [f for f in _code_fragments() if f in loaded.stderr] == [], loaded.stderr
    (refused,) = (ws / "quarantine" / period).glob("**/customers.csv")
    quarantine = refused.read_text(encoding="utf-8-sig")
    assert (f"统一社会信用代码 '{bad}' 无效：第 18 位：校验码为“X”，应为“J”"
            in quarantine), quarantine
    assert "check character" not in quarantine


def test_a_profile_is_started_and_checked_in_chinese(tmp_path: Path) -> None:
    from corptier.services import synthesize_bank

    synthesize_bank(tmp_path / "bank", customers=12, months=1, start=PERIODS[0],
                    profile="cn_core_banking")
    runner = CliRunner(env={"COLUMNS": "200", "CORPTIER_LANG": "zh-CN"})
    started = runner.invoke(app, ["profile", "init", "my_bank", "--out", str(tmp_path / "p")])
    checked = runner.invoke(app, ["profile", "check", str(tmp_path / "bank" / PERIODS[0]),
                                  "--profile", "cn_core_banking"])
    (tmp_path / "empty" / PERIODS[0]).mkdir(parents=True)
    empty = runner.invoke(app, ["profile", "check", str(tmp_path / "empty" / PERIODS[0]),
                                "--profile", "cn_core_banking"])
    assert (started.exit_code, checked.exit_code, empty.exit_code) == (0, 0, 5)
    assert "按导出文件修改映射配置" in started.stdout
    assert "客户数 ← 对公客户信息_" in checked.stdout and "所有抽样取值均可映射。" in checked.stdout
    assert "数据表 customers 没有文件（查找“对公客户信息_*.csv”" in " ".join(empty.stdout.split())
    fragments = _english_fragments() + _code_fragments()
    for result in (started, checked, empty):
        text = result.stdout + result.stderr
        assert [f for f in fragments if f in text] == [], text
    for result in (started, checked):  # an error names a table as the contract's files do
        own = "\n".join(line for line in result.stdout.splitlines() if "│" not in line)
        assert _bare_codes(own) == [], own  # the rows of a file hold its values as they are
