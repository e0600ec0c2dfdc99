"""Error types with messages a banker can act on.

Every error corptier raises on purpose is a `CorptierError`: the CLI prints it as one line and
exits with the class's own `exit_code`; the web app answers with its `http_status`. Exit codes
are unique per class (2 is click's usage error) and listed in the README; subclasses that only
refine a class (e.g. `StandardValidationError`) keep their base's code.
"""

from __future__ import annotations


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
        from corptier.i18n import translations

        try:
            text = translations(lang).gettext(self.template)
            return _filled(text, self.values)
        except (KeyError, IndexError, ValueError, LookupError):
            return str(self)


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


def _filled(template: str, values: dict[str, object]) -> str:
    return template.format(**values) if values else template
