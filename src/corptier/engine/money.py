"""Exact money arithmetic that gives the same cents on every engine.

Rules (see docs/indicators.md, "Exact money"):
- money columns are DECIMAL; sums of DECIMAL are exact on every engine;
- a product of two decimals is taken with both sides cast to one type (Ibis requires it) that is
  small enough for the exact product to fit 38 digits, then rounded half away from zero to cents;
- a conversion by a fraction (days/365, 1/(1+VAT), PD×LGD×days/365, …) multiplies by the fraction
  written as a 13-decimal constant (see `factor`), prepared in Python per month or rating;
- an average (day-weighted over months) is rounded half up to cents with integer arithmetic
  that is exact in IEEE doubles (see `mean_cents`), because engines divide decimals differently.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

MONEY = dt.Decimal(18, 2)
RATE = dt.Decimal(19, 6)  # wider than 18 digits: DuckDB multiplies in 128 bits
WIDE = dt.Decimal(27, 13)
FACTOR_PLACES = 13
SUM_EXACT = dt.Decimal(38, 8)
CENTS_TOTAL = dt.Decimal(20, 2)  # a sum of money × days: exact, below 2^52 cents
ZERO = Decimal("0.00")


def factor(value: Decimal | float | str) -> Decimal:
    """A conversion factor as the 13-decimal constant every engine multiplies by."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-FACTOR_PLACES), ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    """Round half away from zero to cents (what ROUND(x, 2) does on DuckDB and Spark)."""
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def product(a: ir.NumericValue, b: ir.NumericValue) -> ir.DecimalValue:
    """Exact a × b of two rates or money amounts (each ≤ 12 integer digits, ≤ 6 decimals)."""
    return (a.cast(RATE) * b.cast(RATE)).cast(SUM_EXACT)


def times_factor(amount: ir.NumericValue, f: ir.NumericValue) -> ir.DecimalValue:
    """round(amount × f, 2) for an amount below 10^14 and a 13-decimal factor: the exact product
    has 26 decimals and at most 12 integer digits on both engines."""
    return to_money((amount.cast(WIDE) * f.cast(WIDE)).round(2))


def to_money(value: ir.NumericValue) -> ir.DecimalValue:
    return value.cast(MONEY)


def money_sum(value: ir.NumericValue, where: ir.BooleanValue | None = None) -> ir.DecimalValue:
    """Exact sum, 0 when there is nothing to add."""
    return to_money(value.sum(where=where).coalesce(ibis.literal(ZERO, MONEY)))


def mean_cents(total: ir.DecimalValue, n: ir.IntegerValue) -> ir.DecimalValue:
    """round_half_up(total / n, 2) for a non-negative total with at most 2 decimals (money, or
    money × days) below 2^52 cents and a count n ≥ 1 (months, days); null when n is 0.

    With a = total in cents (an integer below 2^52), floor((2a + n) / (2n)) in doubles is the
    exact rounded quotient: the true quotient is either an integer (exact in binary) or at least
    1/(2n) away from the next one, far more than the rounding error of one division.
    """
    whole = total.cast(CENTS_TOTAL) * ibis.literal(Decimal(100), dt.Decimal(3, 0))
    a = whole.cast("int64").cast("float64")
    nf = n.cast("float64")
    quotient = ((a * 2.0 + nf) / (nf * 2.0)).floor().cast("int64")
    # the quotient has up to 16 digits: scaled in DECIMAL(20,2), never in the 13-integer-digit RATE
    value = (quotient.cast(CENTS_TOTAL) * ibis.literal(Decimal("0.01"), CENTS_TOTAL)).cast(MONEY)
    return ibis.ifelse(n > 0, value, ibis.null(MONEY))


def ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    """num / den as float64; null when den is 0 or null (never an engine's division error)."""
    den_f = den.cast("float64")
    return ibis.ifelse(den_f == 0.0, ibis.null("float64"), num.cast("float64") / den_f)


def growth(now: ir.NumericValue, base: ir.NumericValue) -> ir.FloatingValue:
    """(now − base) / |base| as float64; null when there is no base or it is 0."""
    base_f = base.cast("float64")
    return ibis.ifelse(
        base_f == 0.0, ibis.null("float64"), (now.cast("float64") - base_f) / base_f.abs()
    )
