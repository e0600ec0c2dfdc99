"""The audit log's hash chain: each entry's hash covers its fields and the previous entry's hash.

An entry edited in place, deleted, or inserted without the chain (a forged or back-dated row)
breaks the chain at a place `check_chain` names. The chain is not keyed: someone who can write
the database and recomputes every later hash and the head can rewrite history undetected; the
head's hash (printed by `corptier audit verify`) copied elsewhere shows that. Entry times are
not required to increase (each writer's clock is read before it takes the append lock).
Pure: it takes rows, it does not query.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""


class ChainedEntry(Protocol):
    """What the chain reads of an audit entry, however it is stored."""

    @property
    def id(self) -> int: ...
    @property
    def seq(self) -> int | None: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def before(self) -> Mapping[str, Any] | None: ...
    @property
    def after(self) -> Mapping[str, Any] | None: ...
    @property
    def prev_hash(self) -> str | None: ...
    @property
    def entry_hash(self) -> str | None: ...


def entry_hash(seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: str,
               before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
               prev_hash: str) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the entry and its link."""
    doc = {"seq": seq, "at": at.replace(tzinfo=None).isoformat(timespec="microseconds"),
           "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
           "before": before, "after": after, "prev": prev_hash}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: the entries that hold, and the first broken link."""

    entries: int
    """Entries walked (all of them when the chain holds)."""
    head_hash: str
    """The hash of the last entry that holds (GENESIS when none)."""
    broken_id: int | None = None
    """The id of the first entry that does not hold (None when the break is at the end)."""
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def check_chain(rows: Iterable[ChainedEntry], head_seq: int | None,
                head_hash: str | None) -> ChainCheck:
    """Walk `rows` in id order and return the first broken link, or OK with the count.

    `head_seq`/`head_hash` are what the log recorded as its last entry (None: no head row).
    """
    expected, prev, count = 1, GENESIS, 0
    for row in rows:
        reason = _link_problem(row, expected, prev)
        if reason is not None:
            return ChainCheck(count, prev, row.id, reason)
        prev, expected, count = row.entry_hash or "", expected + 1, count + 1
    if head_seq is None or head_hash is None:
        if count:
            return ChainCheck(count, prev, None, "the audit log's head record is missing")
        return ChainCheck(0, prev)
    if head_seq > count:
        missing = head_seq - count
        return ChainCheck(count, prev, None,
                          f"the last {missing} entr{'y is' if missing == 1 else 'ies are'} "
                          f"missing (deleted): the log recorded {head_seq} entries, {count} "
                          "remain")
    if head_seq != count or head_hash != prev:
        return ChainCheck(count, prev, None, "the last entry does not match the hash the log "
                                             "recorded for it (replaced)")
    return ChainCheck(count, prev)


def _link_problem(row: ChainedEntry, expected: int, prev: str) -> str | None:
    if row.seq is None or row.entry_hash is None or row.prev_hash is None:
        return "inserted outside the chain (no chain link: a forged insert)"
    if row.seq < expected:
        return (f"its position {row.seq} repeats one already taken (a forged or copied "
                "insert)")
    if row.seq > expected:
        gap = (f"entry {expected}" if row.seq == expected + 1
               else f"entries {expected}..{row.seq - 1}")
        return f"{gap} before it are missing (deleted)"
    if row.prev_hash != prev:
        return ("its link does not match the entry before it (that entry was edited or "
                "replaced, or this one was inserted)")
    digest = entry_hash(row.seq, row.at, row.actor, row.action, row.entity, row.entity_id,
                        row.before, row.after, row.prev_hash)
    if digest != row.entry_hash:
        return "edited: its content no longer matches its hash"
    return None
