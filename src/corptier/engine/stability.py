"""Stability: tenure, months active, and how steady the monthly deposits of the last 12 months
are (coefficient of variation, trend slope, share kept at period end).

The moments are exact decimal sums (Σy, Σy², Σt·y with t the month index), turned into floats
only at the end, so the result does not depend on the order in which an engine adds rows up:
    cv    = √(n·Σy² − (Σy)²) / Σy
    slope = (n·Σty − Σt·Σy) / (n·Σt² − (Σt)²)        yuan per month
"""

from __future__ import annotations

import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from corptier.engine.money import product, ratio

MOMENT = dt.Decimal(38, 4)


def wide_mul(a: ir.NumericValue, b: ir.NumericValue) -> ir.DecimalValue:
    """Exact a × b for values with at most 4 decimals whose product stays below 10^30."""
    return (a.cast(MOMENT) * b.cast(MOMENT)).cast(MOMENT)


def stability_metrics(m: ir.Table) -> dict[str, ir.Value]:
    r12 = m.lag < 12
    t = 11 - m.lag
    return {
        "_n_12": m.count(where=r12),
        "_s_y": m.dep_avg.sum(where=r12).cast(MOMENT),
        "_s_yy": product(m.dep_avg, m.dep_avg).sum(where=r12).cast(MOMENT),
        "_s_t": t.sum(where=r12),
        "_s_tt": (t * t).sum(where=r12),
        "_s_ty": product(t, m.dep_avg).sum(where=r12).cast(MOMENT),
        "_dep_end": m.dep_end.sum(where=m.lag == 0),
    }


def stability_derived(t: ir.Table, period_end: ir.DateValue) -> dict[str, ir.Value]:
    on = t.onboarded_on
    months = (period_end.year() - on.year()) * 12 + (period_end.month() - on.month())
    months = months - (period_end.day() < on.day()).ifelse(1, 0)
    spread = (wide_mul(t._n_12, t._s_yy) - wide_mul(t._s_y, t._s_y)).cast(MOMENT)
    slope_num = (wide_mul(t._n_12, t._s_ty) - wide_mul(t._s_t, t._s_y)).cast(MOMENT)
    slope = ratio(slope_num, t._n_12 * t._s_tt - t._s_t * t._s_t)
    return {
        "tenure_months": months.clip(lower=0).cast("int64"),
        "dep_cv_12": ratio(spread.cast("float64").sqrt(), t._s_y),
        "dep_trend_12": slope,
        "dep_trend_rel_12": ratio(slope * t._n_12.cast("float64"), t._s_y),
        "end_to_avg_ratio": ratio(t._dep_end, t.dep_avg),
    }
