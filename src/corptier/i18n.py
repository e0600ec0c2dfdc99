"""Report labels through Babel catalogues, and number formats for each language.

The catalogues are the `.po` files under `locales/<locale>/LC_MESSAGES/corptier.po`; they are
compiled in memory on first use (no manual `pybabel compile` step, works from a fresh clone).
Message ids are the English labels, so the English catalogue may leave a message untranslated.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from corptier.errors import ConfigError

LANGUAGES = {"zh-CN": "zh_CN", "en": "en"}
DOMAIN = "corptier"
MISSING = "–"



def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it yet."""
    return message


DEFAULT_TIER_LABELS = {
    "strategic": N_("Strategic"),
    "core": N_("Core"),
    "key": N_("Key"),
    "growth": N_("Growth"),
    "basic": N_("Basic"),
    "all": N_("All customers"),
    "new": N_("New"),
    "exited": N_("Exited"),
}


MONEY_UNITS = {"yuan": 1.0, "wan": 1e4, "yi": 1e8}
"""Yuan per unit of a money column (`[report] unit`)."""
MONEY_UNIT_LABELS = {"yuan": N_("yuan"), "wan": N_("10k yuan"), "yi": N_("100m yuan")}


def locale_of(lang: str) -> str:
    """Babel locale id of a workspace language (`zh-CN` → `zh_CN`)."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise ConfigError(
            f"report language must be one of {sorted(LANGUAGES)}; got {lang!r}"
        ) from None


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of a language (read from its .po file)."""
    locale = locale_of(lang)
    po_file = resources.files(__package__) / "locales" / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Labels and number formats of one language."""

    lang: str
    tier_labels: Mapping[str, str] | None = None
    """Tier code → label from the standard; the default codes are translated when absent."""
    money_unit: str = "yuan"
    """What `money` and `amount` show: yuan, wan (万元) or yi (亿元); see MONEY_UNITS."""

    @property
    def locale(self) -> str:
        return locale_of(self.lang)

    @property
    def html_lang(self) -> str:
        return self.lang

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def tier(self, code: str) -> str:
        """Label of a tier code (or of the `all`, `new`, `exited` rows)."""
        if self.tier_labels and code in self.tier_labels:
            return self.tier_labels[code]
        default = DEFAULT_TIER_LABELS.get(code)
        return self.gettext(default) if default else code

    def money(self, value: object) -> str:
        """An amount in yuan shown in the money unit, thousands separators, two decimals."""
        factor = MONEY_UNITS[self.money_unit]
        return self._fmt(value, lambda v: format_decimal(v / factor, "#,##0.00",
                                                         locale=self.locale))

    def amount(self, value: object) -> str:
        """An amount in yuan for dense tables: whole yuan, or 万元/亿元 with two decimals."""
        if self.money_unit == "yuan":
            return self._fmt(value, lambda v: format_decimal(v, "#,##0", locale=self.locale))
        return self.money(value)

    def unit(self) -> str:
        """The money unit's label: 元, 万元, 亿元 (yuan, 10k yuan, 100m yuan)."""
        return self.gettext(MONEY_UNIT_LABELS[self.money_unit])

    def money_header(self, label: str) -> str:
        """A money column's header with its unit: `综合贡献（万元）`, `Contribution (10k yuan)`."""
        if self.lang.startswith("zh"):
            return f"{label}（{self.unit()}）"
        return f"{label} ({self.unit()})"

    def share(self, value: object) -> str:
        return self._fmt(value, lambda v: format_percent(v, "0.0%", locale=self.locale))

    def count(self, value: object) -> str:
        return self._fmt(value, lambda v: format_decimal(round(v), "#,##0", locale=self.locale))

    def number(self, value: object, digits: int = 2) -> str:
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return self._fmt(value, lambda v: format_decimal(v, pattern, locale=self.locale))

    def kind(self, kind: str, value: object) -> str:
        """Format by KPI kind: count, money, share, ratio, number."""
        if kind == "count":
            return self.count(value)
        if kind == "money":
            return self.amount(value)
        if kind == "share":
            return self.share(value)
        return self.number(value)

    def language_name(self) -> str:
        return Locale.parse(self.locale).get_display_name(self.locale) or self.lang

    @staticmethod
    def _fmt(value: object, fmt) -> str:
        try:
            number = float(value)  # type: ignore[arg-type]  # any value; non-numbers raise below
        except (TypeError, ValueError):
            return MISSING
        return MISSING if math.isnan(number) or math.isinf(number) else fmt(number)


def compact_money(value: float, lang: str) -> str:
    """Short yuan amounts: 万/亿 in Chinese, k/m/bn in English."""
    steps = ((1e8, "亿"), (1e4, "万")) if lang.startswith("zh") else (
        (1e9, "bn"), (1e6, "m"), (1e3, "k"))
    for size, unit in steps:
        if abs(value) >= size:
            return f"{value / size:,.1f}".rstrip("0").rstrip(".") + unit
    return f"{value:,.0f}"


def tier_labels_from_standard(standard: object, lang: str) -> dict[str, str]:
    """Tier code → name in `lang` from a standard whose `tiers` have code, name_zh, name_en."""
    attr = "name_zh" if lang.startswith("zh") else "name_en"
    return {t.code: getattr(t, attr) or t.code for t in getattr(standard, "tiers", ())}
