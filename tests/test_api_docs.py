"""docs/api.md runs: every ```python block, in order, as one session (so the page cannot go
stale), and the page names every public function and every error class with its codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import corptier
from corptier.errors import ERRORS
from corptier.services import __all__ as SERVICES

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
FENCE = re.compile(r"^```(?P<lang>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number of the code, code) of every ```python block, in order."""
    return [(text.count("\n", 0, m.start("body")) + 1, m.group("body"))
            for m in FENCE.finditer(text) if m.group("lang").strip() == "python"]


def test_fences_are_found() -> None:
    text = "a\n```python\nx = 1\n```\n```text\nno\n```\n```python\ny = 2\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n"), (9, "y = 2\n")]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_examples_run_as_one_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, "docs/api.md should hold the whole session"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_api", "tmp_dir": tmp_path}
    for line, code in blocks:
        # Padding puts a failure's traceback on the block's own lines of docs/api.md.
        exec(compile("\n" * (line - 1) + code, str(DOC), "exec"), namespace)


def test_every_public_function_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)\(", text, re.MULTILINE))
    functions = {name for name in SERVICES if not name[0].isupper()}
    assert functions - rows == set(), "add these to the table in docs/api.md"
    assert rows - functions == set(), "these are in docs/api.md but not exported"
    assert all(hasattr(corptier, name) for name in rows)


def test_every_error_class_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    for error in ERRORS:
        row = f"| `{error.__name__}` | {error.exit_code} | {error.http_status} |"
        assert row in text, f"docs/api.md: the error table should have {row}"
