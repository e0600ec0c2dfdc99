"""The catalogue the faces speak from: the translator of a language, English for an unknown one,
and the labels of indicators."""

from __future__ import annotations

from corptier.i18n import LANGUAGES, Translator

__all__ = ["Translator", "indicator_label", "translator_for"]
FALLBACK = "en"


def translator_for(lang: str) -> Translator:
    """Labels and number formats of `lang` (`zh-CN` or `en`; anything else reads as English)."""
    return Translator(lang if lang in LANGUAGES else FALLBACK)


def indicator_label(name: str, lang: str) -> str:
    """An indicator's label in `lang` beside its code (importing the engine's labels on first
    use: the engine package is heavy, and quick commands show no indicator)."""
    from corptier.engine.labels import indicator_label as label

    return label(name, lang)
