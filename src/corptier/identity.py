"""User names as one canonical form, so that one person has one name (pure: no store, no disk).

`ａｌｉｃｅ` (full width), `alice\\u200b` (zero-width space), `ALİCE` (dotted capital I) and
`Alice` are all the name `alice`; `аlice` (a Cyrillic `а` among Latin letters) is refused, since
a name written in two scripts is a look-alike, not a person. Maker-checker compares these forms.
"""

from __future__ import annotations

import unicodedata

from corptier.errors import RequestError

MAX_LENGTH = 80
SEPARATORS = frozenset(" .-_@'")
"""Punctuation a name may hold besides letters, digits and marks (e.g. `zhang.san`, `o'neil`)."""
HAN_COMPANIONS = frozenset({"HAN", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL",
                            "BOPOMOFO"})
"""Scripts that customarily mix with Latin and with each other (UTS #39 "highly restrictive")."""


def normalise_name(value: str | None, field: str = "user name") -> str:
    """The canonical form of a user name, or RequestError naming what is wrong with it.

    Unicode NFKC, format characters (category Cf: zero-width spaces and joiners, direction
    marks) removed, case folded (`İ` folds to `i`), runs of spaces made one; letters must come
    from one script (Latin may go with Chinese, Japanese or Korean scripts).
    """
    text = name_key(value or "")
    if not text:
        raise RequestError(f"{field} is required")
    if len(text) > MAX_LENGTH:
        raise RequestError(f"{field} is at most {MAX_LENGTH} characters; got {len(text)}: "
                           f"{text[:20]}…")
    for ch in text:
        category = unicodedata.category(ch)
        if not (category[0] in "LNM" or ch in SEPARATORS):
            raise RequestError(f"{field} {text!r} holds the character U+{ord(ch):04X} "
                               f"({unicodedata.name(ch, 'unnamed')}); use letters, digits and "
                               "' .-_@'")
    scripts = scripts_of(text)
    if not _one_script(scripts):
        raise RequestError(f"{field} {text!r} mixes the {' and '.join(sorted(scripts))} "
                           "scripts; write it in one script (look-alike letters are refused)")
    return text


def name_key(value: str) -> str:
    """The comparable form of a name without its checks: NFKC, no format characters, case
    folded, single spaces. Names stored before names were checked compare by it too."""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKC", text.casefold()).replace("i\u0307", "i")
    return " ".join(text.split())


def same_user(a: str, b: str) -> bool:
    """True when `a` and `b` name the same user once normalised."""
    return name_key(a) == name_key(b)


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters of `text`, from their Unicode names (LATIN, CYRILLIC, HAN…)."""
    scripts = set()
    for ch in text:
        if not unicodedata.category(ch).startswith("L"):
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("CJK "):
            scripts.add("HAN")
        elif name:
            scripts.add(name.split(" ", 1)[0])
    return scripts


def _one_script(scripts: set[str]) -> bool:
    return len(scripts) <= 1 or scripts <= HAN_COMPANIONS | {"LATIN"}
