"""Every message the code can show a user has a Chinese translation (and an English entry).

The messages are found in the source like a catalogue extraction would find them: the first
text of `_`, `N_`, `gettext`, `Text` and of every corptier error (`SomeError("template", ...)`),
the message of a validation `Issue` and of a validator's `ValueError`/`FieldIssue`, and the
`head` line of the validation errors. A template made only of placeholders needs no entry.
"""

from __future__ import annotations

import ast
import builtins
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[1] / "src" / "corptier"
LOCALES = SRC / "locales"
MARKERS = {"_", "N_", "gettext", "Text", "FieldIssue", "ConditionError"}
BUILTIN_ERRORS = {name for name in vars(builtins) if name.endswith("Error")}


def _text(node: ast.Call, position: int = 0) -> str | None:
    args = node.args
    if len(args) > position and isinstance(args[position], ast.Constant):
        value = args[position].value
        return value if isinstance(value, str) else None
    return None


def _calls(tree: ast.AST, validators: bool) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            found += [b.value.value for b in node.body
                      if isinstance(b, ast.Assign) and isinstance(b.value, ast.Constant)
                      and [getattr(t, "id", "") for t in b.targets] == ["head"]]
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name in MARKERS or (name.endswith("Error") and name not in BUILTIN_ERRORS) or (
                name == "ValueError" and validators):
            found.append(_text(node) or "")
        elif name == "Issue":
            found.append(_text(node, 3) or "")
    return found


@cache
def code_messages() -> dict[str, str]:
    """Message → where it is first written (`path:line` is enough to find it)."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for message in _calls(ast.parse(text), "from pydantic import" in text):
            if re.sub(r"\{[^}]*\}", "", message).strip(" :;,.()"):
                found.setdefault(message, str(path.relative_to(SRC)))
    return found


def _catalog(locale: str) -> dict[str, str]:
    with (LOCALES / locale / "LC_MESSAGES" / "corptier.po").open("rb") as handle:
        return {m.id: str(m.string) for m in read_po(handle, abort_invalid=True)
                if isinstance(m.id, str) and m.id}


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    messages, zh = code_messages(), _catalog("zh_CN")
    assert len(messages) > 800  # the walk found the code's messages
    assert "unknown field (check the spelling against {doc})" in messages  # a validation issue
    assert "the standard has {count} error(s):" in messages  # a head line
    assert "please log in" in messages  # a web error
    assert sorted(f"{where}: {m}" for m, where in messages.items() if not zh.get(m)) == []


def test_the_english_catalogue_lists_every_message() -> None:
    ids = set(_catalog("en"))
    assert sorted(m for m in code_messages() if m not in ids) == []
