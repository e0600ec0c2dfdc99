"""The reconciliation of a load: per table, read = accepted + rejected, with the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class LoadWarning:
    """Something worth knowing that rejected nothing (an ignored column, a USCC warning)."""

    column: str | None
    message: str
    count: int = 1

    def __str__(self) -> str:
        where = f"{self.column}: " if self.column else ""
        times = f" ({self.count} rows)" if self.count > 1 else ""
        return f"{where}{self.message}{times}"


@dataclass(frozen=True)
class TableReport:
    """What happened to one table of the load."""

    table: str
    source: str
    format: str
    encoding: str | None
    fingerprint: str
    read: int
    accepted: int
    rejected: int
    warnings: tuple[LoadWarning, ...] = ()
    problems: dict[str, int] = field(default_factory=dict)  # "column: kind" -> problems
    quarantine: str | None = None
    output: str | None = None

    def __post_init__(self) -> None:
        if self.read != self.accepted + self.rejected:
            raise AssertionError(
                f"{self.table}: read {self.read} != accepted {self.accepted} + "
                f"rejected {self.rejected}"
            )

    @property
    def warning_count(self) -> int:
        return sum(w.count for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": self.warning_count,
            "warning_details": [
                {"column": w.column, "message": w.message, "count": w.count}
                for w in self.warnings
            ],
            "problems": dict(self.problems),
            "source": self.source,
            "format": self.format,
            "encoding": self.encoding,
            "fingerprint": self.fingerprint,
            "quarantine": self.quarantine,
            "output": self.output,
        }


@dataclass(frozen=True)
class LoadReport:
    """The result of `load_period`: one TableReport per contract table, in load order."""

    load_id: str
    period: str
    source: str
    tables: dict[str, TableReport]
    started_at: datetime
    seconds: float
    warnings: tuple[str, ...] = ()  # about the folder (files that were ignored)

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables.values())

    @property
    def accepted(self) -> int:
        return sum(t.accepted for t in self.tables.values())

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-ready: keyed by table, each with read, accepted, rejected and the details."""
        out: dict[str, dict[str, Any]] = {}
        for name, t in self.tables.items():
            out[name] = {**t.to_dict(), "load_id": self.load_id, "period": self.period}
        return out
