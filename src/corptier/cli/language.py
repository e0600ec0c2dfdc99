"""The language the command line speaks: `--lang`, else the workspace's, else English.

Read from the workspace's corptier.toml with tomllib (no pydantic), so that even an error raised
before the workspace is opened is said in its language.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer._click.core import ParameterSource
from typer._click.globals import get_current_context

if TYPE_CHECKING:
    from corptier.services.messages import Translator

LANG_ENV = "CORPTIER_LANG"
DEFAULT = "en"
_OPTIONS = {"--lang": "lang", "--language": "language", "--workspace": "workspace",
            "-w": "workspace"}
_args: list[str] = []
_created: list[str] = []


def remember_args(args: list[str], created: str | None = None) -> None:
    """Keep the command line's arguments, so that the language is known even once the
    command's own context is gone (when its error is printed); `created` is the default of
    the command's `--language` (init, demo: the language of the workspace it creates)."""
    _args[:] = args
    _created[:] = [created] if created else []


def current() -> str:
    """`--lang` (the command's or the root's), `--language` (init, demo), $CORPTIER_LANG, the
    language init and demo give the workspace they create when `--language` is not given, the
    workspace's language, or en."""
    params = {**_raw_options(), **{k: v for k, v in _params().items() if v is not None}}
    for lang in (params.get("lang"), params.get("language"), os.environ.get(LANG_ENV),
                 *_created):
        if isinstance(lang, str) and lang:
            return lang
    return workspace_language(params.get("workspace", Path("."))) or DEFAULT


def workspace_language(root: Any) -> str | None:
    """The language in `root`/corptier.toml, or None when there is none to read."""
    try:
        with open(Path(root) / "corptier.toml", "rb") as handle:
            lang = tomllib.load(handle).get("workspace", {}).get("language")
    except (OSError, ValueError, TypeError, AttributeError):  # ValueError: bad TOML or bytes
        return None
    return lang if isinstance(lang, str) else None


def translator() -> Translator:
    """The translator of the current language (English when the language is unknown)."""
    from corptier.services.messages import translator_for

    return translator_for(current())


def _(message: str) -> str:
    """`message` in the current language (the catalogue key is the English text)."""
    return translator().gettext(message)


def _raw_options() -> dict[str, str]:
    found: dict[str, str] = {}
    for i, arg in enumerate(_args):
        name, eq, value = arg.partition("=")
        if name in _OPTIONS and (eq or i + 1 < len(_args)):
            found[_OPTIONS[name]] = value if eq else _args[i + 1]
    return found


def _params() -> dict[str, Any]:
    """The options given on the command line (not their defaults), the innermost command's
    first."""
    ctx = get_current_context(silent=True)
    params: dict[str, Any] = {}
    while ctx is not None:
        given = {name: value for name, value in ctx.params.items()
                 if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)}
        params = {**given, **params}
        ctx = ctx.parent
    return params
