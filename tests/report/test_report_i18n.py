"""Every label of the report is in the catalogues; number formats; the CJK font check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import corptier
from corptier.errors import ConfigError
from corptier.i18n import Translator, translations
from corptier.report import fonts

SOURCE = Path(corptier.__file__).parent
LOCALES = SOURCE / "locales"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def extracted() -> set[str]:
    found = extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={**DEFAULT_KEYWORDS, "t": None},
    )
    return {m[2] for m in found if isinstance(m[2], str)}


def test_every_label_has_a_chinese_translation() -> None:
    with (LOCALES / "zh_CN" / "LC_MESSAGES" / "corptier.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = extracted()
    assert len(messages) > 100
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []
    for m in messages:
        assert sorted(PLACEHOLDER.findall(m)) == sorted(PLACEHOLDER.findall(catalog.get(m).string))


def test_english_catalogue_lists_the_same_messages() -> None:
    with (LOCALES / "en" / "LC_MESSAGES" / "corptier.po").open("rb") as handle:
        catalog = read_po(handle)
    assert extracted() <= {m.id for m in catalog if m.id}


def test_translator_labels_and_formats() -> None:
    zh, en = Translator("zh-CN"), Translator("en")
    assert zh("Migration") == "层级迁移" and en("Migration") == "Migration"
    assert zh.tier("strategic") == "战略客户" and en.tier("strategic") == "Strategic"
    assert Translator("en", {"strategic": "Head-office strategic"}).tier("strategic") == (
        "Head-office strategic")
    assert en.money(1234567.891) == "1,234,567.89"
    assert en.share(0.1234) == "12.3%"
    assert en.money(float("nan")) == "–"
    assert translations("zh-CN") is translations("zh-CN")
    with pytest.raises(ConfigError, match="zh-CN"):
        Translator("fr").gettext("Migration")


def test_missing_cjk_font_names_the_debian_packages(monkeypatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.raises(fonts.FontMissingError) as err:
        fonts.require_cjk_font("zh-CN")
    assert "fonts-noto-cjk" in str(err.value) and "fonts-wqy-microhei" in str(err.value)
    assert fonts.require_cjk_font("en") is None


def test_the_installed_cjk_font_is_found() -> None:
    font = fonts.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed")
    assert font.path.is_file() and font.family
