"""Every label of the web pages is in both catalogues, with a Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "corptier"
LOCALES = SRC / "locales"


def web_messages() -> set[str]:
    found = set()
    for folder in (SRC / "web", SRC / "services"):
        found |= {m[2] for m in extract_from_dir(
            str(folder),
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={**DEFAULT_KEYWORDS, "t": None},
        ) if isinstance(m[2], str)}
    return found


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES / locale / "LC_MESSAGES" / "corptier.po").open("rb") as handle:
        return read_po(handle)


def test_every_web_label_has_a_chinese_translation() -> None:
    catalog = _catalog("zh_CN")
    messages = web_messages()
    assert {"Dashboard", "Log in", "Risk watch"} <= messages
    assert sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string)) == []


def test_the_english_catalogue_lists_the_web_labels() -> None:
    ids = {m.id for m in _catalog("en") if m.id}
    assert sorted(web_messages() - ids) == []
