"""Fixtures of the tiering tests: standards written as YAML text and seeded indicator frames."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pytest

from corptier.tiering import Standard, parse_standard

# The identity and ladder every test standard shares.
HEAD = """
id: test
version: "1"
effective_from: 2026-01-01
tiers:
  - {code: a, name_zh: 甲, name_en: A}
  - {code: b, name_zh: 乙, name_en: B}
  - {code: c, name_zh: 丙, name_en: C}
  - {code: d, name_zh: 丁, name_en: D}
flags:
  - {code: risk_watch, name_zh: 风险关注, name_en: Risk watch}
"""

# A small standard: one dimension scored on deposits, absolute cut-offs every 20 points.
SMALL = HEAD + """dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      dep_avg:
        weight: 1
        method: minmax
        lo: 0
        hi: 100
        missing: zero
cutoffs:
  method: absolute
  points: {a: 75, b: 50, c: 25}
"""


def make_standard(extra: str = "", base: str = SMALL, **replace: str) -> Standard:
    """The small standard with `extra` YAML appended and top-level text replaced."""
    text = textwrap.dedent(base)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_standard(text + textwrap.dedent(extra))


ABSOLUTE = """
cutoffs:
  method: absolute
  points: {a: 75, b: 50, c: 25}
"""


def standard_from(dimensions: str, cutoffs: str = ABSOLUTE, extra: str = "") -> Standard:
    """A four-tier standard (a, b, c, d) with the given dimensions/cut-offs YAML blocks."""
    parts = [HEAD, textwrap.dedent(dimensions), textwrap.dedent(cutoffs), textwrap.dedent(extra)]
    return parse_standard("\n".join(parts))


def rows(table: Any) -> list[dict[str, Any]]:
    """Execute an Ibis table on its backend and return its rows sorted by customer id."""
    frame = table.to_pyarrow().to_pylist()
    return sorted(frame, key=lambda r: r["customer_id"])


def by_id(table: Any) -> dict[str, dict[str, Any]]:
    return {r["customer_id"]: r for r in rows(table)}


def memtable(**columns: list[Any]) -> Any:
    """An Ibis memtable from columns; customer ids C1, C2, … unless given."""
    n = len(next(iter(columns.values())))
    columns.setdefault("customer_id", [f"C{i + 1}" for i in range(n)])
    return ibis.memtable(pa.table(columns))


@pytest.fixture
def small_standard() -> Callable[..., Standard]:
    return make_standard


def random_indicators(n: int, seed: int = 7) -> pa.Table:
    """A seeded, plausible indicator table of `n` customers for the default standard."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i:06d}" for i in range(n)]
    groups = np.where(rng.random(n) < 0.15, [f"G{g:03d}" for g in rng.integers(0, n // 20 + 1, n)],
                      None)

    def money(values: np.ndarray, nulls: float = 0.0) -> pa.Array:
        mask = rng.random(n) < nulls
        return pa.array([None if m else Decimal(f"{v:.2f}") for v, m in zip(values, mask,
                                                                             strict=True)],
                        pa.decimal128(18, 2))

    def ints(values: np.ndarray, nulls: float = 0.0) -> pa.Array:
        mask = rng.random(n) < nulls
        return pa.array([None if m else int(v) for v, m in zip(values, mask, strict=True)],
                        pa.int64())

    def floats(values: np.ndarray, nulls: float = 0.0) -> pa.Array:
        mask = rng.random(n) < nulls
        return pa.array([None if m else float(v) for v, m in zip(values, mask, strict=True)],
                        pa.float64())

    dep = np.round(10 ** rng.normal(5.8, 1.1, n), 2)
    # many exact ties on round numbers so that tie-breaking is exercised
    dep[rng.random(n) < 0.1] = 1_000_000
    loan = np.where(rng.random(n) < 0.3, 10 ** rng.normal(6.5, 1.0, n), 0)
    contribution = dep * rng.normal(0.01, 0.01, n) + loan * 0.01
    return pa.table(
        {
            "customer_id": pa.array(ids, pa.string()),
            "period": pa.array(["2026-06"] * n, pa.string()),
            "group_id": pa.array(groups.tolist(), pa.string()),
            "dep_avg": money(dep),
            "dep_avg_r3": money(dep * rng.uniform(0.8, 1.2, n)),
            "loan_avg_r3": money(loan),
            "contribution_r12": money(contribution, nulls=0.02),
            "fee_income_r12": money(np.abs(rng.normal(5000, 20000, n))),
            "contribution_r12_yoy": floats(rng.normal(0.05, 0.3, n), nulls=0.2),
            "dep_trend_rel_12": floats(rng.normal(0.0, 0.03, n), nulls=0.1),
            "tenure_months": ints(rng.integers(1, 240, n)),
            "product_coverage": ints(rng.integers(0, 8, n)),
            "has_settlement": ints(rng.integers(0, 2, n)),
            "has_financing": ints((loan > 0).astype(int)),
            "has_trade": ints(rng.random(n) < 0.1),
            "has_cash_management": ints(rng.random(n) < 0.2),
            "has_investment_banking": ints(rng.random(n) < 0.03),
            "has_payroll": ints(rng.random(n) < 0.3),
            "txn_count_r3": ints(rng.poisson(60, n)),
            "months_active_12": ints(rng.integers(0, 13, n)),
            "ebank_share": floats(rng.random(n), nulls=0.05),
            "dep_cv_12": floats(rng.gamma(2, 0.2, n), nulls=0.1),
            "days_since_last_txn": ints(rng.integers(0, 200, n), nulls=0.05),
            "pd": floats(10 ** rng.uniform(-3.5, -0.7, n), nulls=0.4),
            "worst_loan_class_rank": ints(rng.choice([0, 1, 1, 1, 2, 3, 4], n)),
            "max_days_overdue": ints(np.where(rng.random(n) < 0.05, rng.integers(1, 200, n), 0)),
        }
    )


def one_indicator(method_yaml: str, name: str = "dep_avg", missing: str = "zero") -> str:
    """The dimensions of a standard with one dimension scoring one indicator by `method_yaml`."""
    body = "\n".join("        " + line for line in method_yaml.strip().splitlines())
    return f"""
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      {name}:
        weight: 1
{body}
        missing: {missing}
"""


# A standard whose score equals dep_avg (min-max 0–100): tests set scores directly.
IDENTITY = one_indicator("method: minmax\nlo: 0\nhi: 100")
