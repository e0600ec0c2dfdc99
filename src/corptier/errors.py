"""Error types with messages a banker can act on.

Every error corptier raises on purpose is a `CorptierError`: the CLI prints it as one line and
exits with the class's own `exit_code`; the web app answers with its `http_status`. Exit codes
are unique per class (2 is click's usage error) and listed in the README; subclasses that only
refine a class (e.g. `StandardValidationError`) keep their base's code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class CorptierError(Exception):
    """Base of every error corptier raises on purpose.

    Raised as `SomeError("the period {period} is not loaded", period=p)`, the message is the
    English template filled in; `say(lang)` gives it in another language from the catalogues
    (the template is the catalogue key), so the CLI and the web app speak the user's language.
    """

    exit_code = 1
    http_status = 500

    def __init__(self, message: str = "", /, **values: object) -> None:
        self.template = message
        self.values = values
        super().__init__(_filled(message, values))

    def say(self, lang: str) -> str:
        """The message in `lang` (the catalogue's translation of the template); the English
        text when the catalogue has none."""
        if not self.template:
            return str(self)
        return say(self.template, self.values, lang)


class WorkspaceError(CorptierError):
    """The folder is not a usable workspace."""

    exit_code = 3
    http_status = 500


class StorageError(WorkspaceError):
    """A file or the app database cannot be read or written (permission, disk full, corrupt
    or unreachable database); the message names the file or the database."""

    exit_code = 15
    http_status = 503


class ConfigError(CorptierError, ValueError):
    """A configuration file has a wrong or missing value."""

    exit_code = 4
    http_status = 500


class ContractError(CorptierError, ValueError):
    """Input data cannot be loaded at all (missing table or column, unreadable file)."""

    exit_code = 5
    http_status = 422


class StandardError(CorptierError, ValueError):
    """A tiering standard or service catalogue is invalid."""

    exit_code = 6
    http_status = 422


class NotFoundError(CorptierError, LookupError):
    """A customer, period, run or override asked for does not exist."""

    exit_code = 7
    http_status = 404


class ApprovalError(CorptierError, PermissionError):
    """A maker-checker rule was broken (e.g. approving one's own override)."""

    exit_code = 8
    http_status = 409


class RequestError(CorptierError, ValueError):
    """A request or decision has a missing or invalid field (an override's tier, reason, date)."""

    exit_code = 9
    http_status = 422


class EngineError(CorptierError):
    """The inputs of a period cannot give indicators (a period or lookup is missing)."""

    exit_code = 10
    http_status = 422


class ParameterError(CorptierError, ValueError):
    """A use case was given parameters it cannot work with (shares, period range, sizes)."""

    exit_code = 11
    http_status = 422


class PeriodError(CorptierError, ValueError):
    """A period is not a month written YYYY-MM."""

    exit_code = 12
    http_status = 422


class FontMissingError(CorptierError):
    """No font with Chinese glyphs is installed, so a Chinese PDF cannot be written."""

    exit_code = 13
    http_status = 500


class ModelParameterError(CorptierError, ValueError):
    """A statistical model was given an invalid parameter (scikit-learn style message)."""

    exit_code = 14
    http_status = 422


class AuditLogError(CorptierError):
    """The audit log's hash chain is broken: an entry was edited, deleted or forged."""

    exit_code = 16
    http_status = 500


class AuthenticationError(CorptierError, PermissionError):
    """Nobody is logged in, the session has expired, or the login was refused."""

    exit_code = 17
    http_status = 401


class ForbiddenError(CorptierError, PermissionError):
    """The user's role may not do this (e.g. an auditor changing anything)."""

    exit_code = 18
    http_status = 403


class CloseRefusedError(CorptierError):
    """A period cannot be closed now: an earlier period is not closed, later periods are
    published, or the standard is not yet in force."""

    exit_code = 19
    http_status = 409


ERRORS: tuple[type[CorptierError], ...] = (
    CorptierError,
    WorkspaceError,
    ConfigError,
    ContractError,
    StandardError,
    NotFoundError,
    ApprovalError,
    RequestError,
    EngineError,
    ParameterError,
    PeriodError,
    FontMissingError,
    ModelParameterError,
    StorageError,
    AuditLogError,
    AuthenticationError,
    ForbiddenError,
    CloseRefusedError,
)
"""Every error class with its own exit code, in code order (the README's table)."""


class Text(str):
    """An English sentence that remembers its template and values, so that a pure module can
    hand a message (a validation issue, a USCC reason) to a face that says it in `lang`."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Text:
        text = super().__new__(cls, _filled(template, values))
        text.template, text.values = template, values
        return text

    @classmethod
    def as_written(cls, english: str, template: str, values: dict[str, object]) -> Text:
        """`english` as it was written elsewhere (pydantic's message) with its template."""
        text = super().__new__(cls, english)
        text.template, text.values = template, values
        return text

    def say(self, lang: str) -> str:
        """The sentence in `lang` from the catalogues (English when the catalogue has none)."""
        return say(self.template, self.values, lang)

    def said_with(self, gettext: Callable[[str], str]) -> str:
        """The sentence translated by `gettext` (a catalogue's, for a caller that holds one)."""
        said = {k: v.said_with(gettext) if isinstance(v, Text) else v
                for k, v in self.values.items()}
        try:
            return _filled(gettext(self.template), said)
        except (KeyError, IndexError, ValueError):
            return str(self)


class Joined(Text):
    """Several sentences joined by `sep` as one message value, each said in the user's
    language."""

    parts: tuple[str, ...]
    sep: str

    @classmethod
    def of(cls, sep: str, parts: list[str]) -> Joined:
        joined = cls.as_written(sep.join(parts), "{parts}", {})
        assert isinstance(joined, Joined)
        joined.sep, joined.parts = sep, tuple(parts)
        return joined

    def say(self, lang: str) -> str:
        return self.sep.join(p.say(lang) if isinstance(p, Text) else p for p in self.parts)

    def said_with(self, gettext: Callable[[str], str]) -> str:
        return self.sep.join(p.said_with(gettext) if isinstance(p, Text) else p
                             for p in self.parts)


def say(template: str, values: dict[str, object], lang: str) -> str:
    """`template` translated into `lang` and filled with `values` (a `Text` value is said in
    `lang` too); the English text when the catalogue has none or the translation is broken."""
    from corptier.i18n import translations

    said = {k: v.say(lang) if isinstance(v, Text) else v for k, v in values.items()}
    try:
        return _filled(translations(lang).gettext(template), said)
    except (KeyError, IndexError, ValueError, LookupError):
        return _filled(template, values)


def pydantic_text(error: Mapping[str, Any], message: str) -> str:
    """Pydantic's own message for `error` with its template, so that it is said in the user's
    language (its `{expected_plural}` is English only)."""
    if error["type"] in ("value_error", "assertion_error"):
        return Text(message)
    from pydantic_core import PydanticKnownError

    try:
        template = PydanticKnownError(error["type"], error.get("ctx")).message_template
    except (KeyError, TypeError, ValueError):
        return message
    values = {k: f"{v:g}" if isinstance(v, float) else v
              for k, v in (error.get("ctx") or {}).items() if isinstance(k, str)}
    values.setdefault("expected_plural", "")
    if isinstance(values.get("expected"), str):  # pydantic's "'a', 'b' or 'c'"
        values["expected"] = str(values["expected"]).replace(" or ", ", ")
    return Text.as_written(message, template, values)


def _filled(template: str, values: dict[str, object]) -> str:
    return template.format(**values) if values else template
