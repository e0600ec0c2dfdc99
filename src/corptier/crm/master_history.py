"""A customer's master data over the loaded periods as slowly changing dimension type 2 rows
(pure): one engine expression over the customers partitions, and the changes between versions.

A version is a run of consecutive loaded periods in which every master-data field is the same
(nulls compare equal); a customer missing from a loaded period ends its version there.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

import ibis
import ibis.expr.types as ir

FIELDS = ("name", "uscc", "industry_code", "enterprise_size", "rating", "rm_id", "sub_branch",
          "group_id", "status")
"""The master data whose history is kept, as the loaded customers partitions name it."""
VERSION_COLUMNS = ("customer_id", "version", "valid_from", "valid_to", "last_period",
                   "current", *FIELDS)


def master_versions(customers: ir.Table, periods: Sequence[str]) -> ir.Table:
    """SCD type 2 rows of `customers` (the loaded partitions with their `period` column):
    per customer and version, `valid_from` (first period), `valid_to` (the next loaded period
    after the version, exclusive; null while it is current), `last_period` (inclusive),
    `current` and the fields. `periods` are every loaded period, oldest first."""
    order = sorted(periods)
    seq = ibis.memtable({"period": order, "seq": list(range(len(order)))},
                        schema={"period": "string", "seq": "int64"})
    t = customers.select("customer_id", "period", *FIELDS).join(seq, "period")
    window = ibis.window(group_by=t.customer_id, order_by=t.seq)
    follows = t.seq.lag().over(window) == t.seq - 1
    same = reduce(lambda a, b: a & b,
                  (t[f].identical_to(t[f].lag().over(window)) for f in FIELDS), follows)
    t = t.mutate(starts=ibis.ifelse(same.fill_null(False), 0, 1))
    t = t.mutate(version=t.starts.cumsum(group_by=t.customer_id, order_by=t.seq))
    v = t.group_by("customer_id", "version", *FIELDS).aggregate(
        valid_from=t.period.min(), last_seq=t.seq.max())
    after = seq.rename(valid_to="period", next_seq="seq")
    last = seq.rename(last_period="period", at_seq="seq")
    joined = (v.left_join(after, v.last_seq + 1 == after.next_seq)
              .join(last, v.last_seq == last.at_seq))
    return joined.select(
        "customer_id", "version", "valid_from", "valid_to", "last_period",
        current=joined.last_seq == len(order) - 1,
        **{f: joined[f] for f in FIELDS},
    ).order_by("customer_id", "version")


@dataclass(frozen=True)
class Change:
    """One field that changed between two versions: in `period` it went from `before` to
    `after`."""

    period: str
    field: str
    before: Any
    after: Any


def changes(versions: Sequence[Mapping[str, Any]]) -> list[Change]:
    """The changes between one customer's consecutive versions (oldest first); a version
    after a gap changes only the fields that differ."""
    out: list[Change] = []
    for prev, cur in itertools.pairwise(versions):
        for f in FIELDS:
            if prev.get(f) != cur.get(f):
                out.append(Change(str(cur["valid_from"]), f, prev.get(f), cur.get(f)))
    return out
