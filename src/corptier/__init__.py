"""corptier: tiered management of a commercial bank's corporate customers (对公客户分层管理).

The library API is the use cases of `corptier.services`, re-exported here:

    import corptier
    ws = corptier.open_workspace("bank")
    corptier.load_period(ws, "2026-09", "exports/2026-09")
    result = corptier.close_period(ws, "2026-09")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corptier.errors import (
    ApprovalError,
    AuditLogError,
    AuthenticationError,
    ConfigError,
    ContractError,
    CorptierError,
    EngineError,
    FontMissingError,
    ForbiddenError,
    ModelParameterError,
    NotFoundError,
    ParameterError,
    PeriodError,
    RequestError,
    StandardError,
    StorageError,
    WorkspaceError,
)
from corptier.provenance import __version__
from corptier.services import __all__ as _services

if TYPE_CHECKING:
    from corptier.workspace import Workspace

__all__ = [
    "ApprovalError",
    "AuditLogError",
    "AuthenticationError",
    "ConfigError",
    "ContractError",
    "CorptierError",
    "EngineError",
    "FontMissingError",
    "ForbiddenError",
    "ModelParameterError",
    "NotFoundError",
    "ParameterError",
    "PeriodError",
    "RequestError",
    "StandardError",
    "StorageError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    *_services,
]


def __getattr__(name: str) -> Any:
    """The services and the Workspace, imported on first use (so that `import corptier` loads
    neither the engines nor pydantic: `corptier --help` starts fast)."""
    if name == "Workspace":
        from corptier.workspace import Workspace

        return Workspace
    if name in _services:
        from corptier import services

        return getattr(services, name)
    raise AttributeError(f"module 'corptier' has no attribute {name!r}")
