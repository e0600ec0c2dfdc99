"""The staff rules as small Arrow tables the engine joins with the book: tiers (weight, lowest
grade rank), grades (rank, default capacity), required certifications and tier catalogues."""

from __future__ import annotations

import pyarrow as pa

from corptier.staff.rules import StaffRules

TIER_SCHEMA = pa.schema([("tier", pa.string()), ("tier_order", pa.int64()),
                         ("weight", pa.float64()), ("min_grade", pa.string()),
                         ("min_rank", pa.int64())])
GRADE_SCHEMA = pa.schema([("grade", pa.string()), ("rank", pa.int64()),
                          ("default_capacity", pa.int64())])
REQUIRED_SCHEMA = pa.schema([("tier", pa.string()), ("certification", pa.string())])
CATALOGUE_SCHEMA = pa.schema([("tier", pa.string()), ("course", pa.string()),
                              ("certification", pa.string()), ("hours", pa.int64())])


def _table(rows: list[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    return pa.table([pa.array([r[i] for r in rows], f.type) for i, f in enumerate(schema)],
                    schema=schema)


def tier_table(rules: StaffRules, tier_order: list[str]) -> pa.Table:
    """One row per tier: its position in the standard (best first), weight and lowest grade."""
    order = {code: i for i, code in enumerate(tier_order)}
    return _table([(code, order.get(code, len(order)), t.weight, t.min_grade,
                    rules.grade_rank(t.min_grade)) for code, t in rules.tiers.items()],
                  TIER_SCHEMA)


def grade_table(rules: StaffRules) -> pa.Table:
    return _table([(g.name, rank, g.capacity) for rank, g in enumerate(rules.grades, start=1)],
                  GRADE_SCHEMA)


def required_table(rules: StaffRules) -> pa.Table:
    return _table([(code, cert) for code, t in rules.tiers.items() for cert in t.certifications],
                  REQUIRED_SCHEMA)


def catalogue_table(rules: StaffRules) -> pa.Table:
    """The courses of each tier's catalogue that grant a certification."""
    return _table([(code, c, rules.course(c).grants, rules.course(c).hours)
                   for code, t in rules.tiers.items() for c in t.courses
                   if rules.course(c).grants is not None], CATALOGUE_SCHEMA)
