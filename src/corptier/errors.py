"""Error types with messages a banker can act on; the CLI prints each as one line."""


class CorptierError(Exception):
    """Base of every error corptier raises on purpose."""

    exit_code = 1


class WorkspaceError(CorptierError):
    """The folder is not a usable workspace."""

    exit_code = 2


class PeriodError(WorkspaceError, ValueError):
    """A period is not a `YYYY-MM` month, or periods are out of order.

    A WorkspaceError too, because malformed periods were reported as one before the Period type.
    """

    exit_code = 2


class ConfigError(CorptierError, ValueError):
    """A configuration file has a wrong or missing value."""

    exit_code = 2


class ContractError(CorptierError, ValueError):
    """Input data cannot be loaded at all (missing table or column, unreadable file)."""

    exit_code = 3


class StandardError(CorptierError, ValueError):
    """A tiering standard or service catalogue is invalid."""

    exit_code = 4


class NotFoundError(CorptierError, LookupError):
    """A customer, period, run or override asked for does not exist."""

    exit_code = 5


class ApprovalError(CorptierError, PermissionError):
    """A maker-checker rule was broken (e.g. approving one's own override)."""

    exit_code = 6
