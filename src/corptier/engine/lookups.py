"""Small lookup tables prepared in Python and joined by the indicator expressions.

Everything that needs special functions or exact fractions lives here, per month or per rating
grade (a few dozen rows): the months of the window with their day-count factors, the FTP curve
completed for every term bucket, PD, LGD and EL factor per rating grade, and the IRB K parts
per (PD, LGD) pair and revenue step (a few thousand rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from corptier.config import Assumptions
from corptier.contract.schema import FTP_KINDS, LOAN_CLASSES, TERM_BUCKETS
from corptier.engine.capital import irb_k_parts_array, sme_size_adjustment
from corptier.engine.connection import named_memtable
from corptier.engine.money import FACTOR_PLACES, factor
from corptier.errors import EngineError
from corptier.periods import Period

WINDOW = 24
"""Months read for one period: 12 for the rolling figures and 12 more for their year-ago base."""
UNRATED = ""
"""Join key of the customers without an internal rating."""
FACTOR_TYPE = pa.decimal128(27, FACTOR_PLACES)
RATE_TYPE = pa.decimal128(10, 6)
MONTHS, RATINGS, CAPITAL, FTP, LOAN_CLASSES_TABLE, FX = (
    "corptier_months", "corptier_ratings", "corptier_capital", "corptier_ftp",
    "corptier_loan_classes", "corptier_fx",
)
BASE_CURRENCY = "CNY"
"""The currency of every indicator: amounts in another are converted with fx_rates."""
"""Engine names of the lookups: fixed, so that a compiled plan names them (engine/plans.py)."""




def months_table(period: str, a: Assumptions, currency: str = "CNY",
                 loaded: Sequence[str] | None = None) -> ir.Table:
    """One row per month of the `WINDOW` months ending with `period`: lag, days, month end,
    days from month end to period end (`days_to_end`, for the BG/NBD weeks), the tenure days
    of the day-weighted averages (`tenure_days_r3`/`_r12`: the days of the `loaded` months —
    all when None — with a lag at most this one and within the last 3 / 12 months) and
    the day-count factors as 13-decimal constants: days/365 (EL) and hurdle × days/365 (capital
    charge); days/360 and days/365 (deposit interest by the account currency's basis); and for
    loans, in the bank's `currency`: days/basis, loan-interest tax × days/basis and the VAT
    share of VAT-inclusive interest, vat/(1 + vat) × days/basis (0 when interest is net)."""
    loan_basis = a.day_basis(currency)
    vat = Decimal(str(a.vat_rate))
    vat_share = vat / (1 + vat) if a.loan_interest_vat_inclusive else Decimal(0)
    rows = []
    window = Period(period).window(WINDOW)
    present = set(window if loaded is None else loaded)
    end = Period(period).month_end
    for lag, p in enumerate(window):
        days = Decimal(p.days)
        rows.append({
            "period": p, "lag": lag, "days": p.days, "month_end": p.month_end,
            "days_to_end": (end - p.month_end).days,
            "tenure_days_r3": _tenure_days(window, present, lag, 3),
            "tenure_days_r12": _tenure_days(window, present, lag, 12),
            "day_factor": factor(days / 365),
            "hurdle_factor": factor(Decimal(str(a.hurdle_rate)) * days / 365),
            "int_factor_360": factor(days / 360), "int_factor_365": factor(days / 365),
            "loan_int_factor": factor(days / loan_basis),
            "loan_tax_factor": factor(Decimal(str(a.loan_interest_tax_rate)) * days / loan_basis),
            "loan_vat_factor": factor(vat_share * days / loan_basis),
        })
    schema = pa.schema([
        ("period", pa.string()), ("lag", pa.int64()), ("days", pa.int64()),
        ("month_end", pa.date32()), ("days_to_end", pa.int64()),
        ("tenure_days_r3", pa.int64()), ("tenure_days_r12", pa.int64()),
        ("day_factor", FACTOR_TYPE),
        ("hurdle_factor", FACTOR_TYPE), ("int_factor_360", FACTOR_TYPE),
        ("int_factor_365", FACTOR_TYPE), ("loan_int_factor", FACTOR_TYPE),
        ("loan_tax_factor", FACTOR_TYPE), ("loan_vat_factor", FACTOR_TYPE),
    ])
    return named_memtable(MONTHS, pa.Table.from_pylist(rows, schema))


def _tenure_days(window: Sequence[str], present: set[str], lag: int, months: int) -> int:
    """Days of the loaded months of the last `months` whose lag is at most `lag`: the
    denominator of a day-weighted average for a customer whose tenure starts `lag` months
    before the period (months not loaded at all are unknown, not zero)."""
    return sum(Period(p).days for i, p in enumerate(window)
               if i <= lag and i < months and p in present)


def _grades(scale: pa.Table, a: Assumptions) -> list[dict[str, Any]]:
    """Per period and grade (plus the unrated key "", rank 0): rank, PD floored, LGD."""
    floor = Decimal(str(a.pd_floor))
    unrated = {"rating": UNRATED, "rank": 0, "pd": Decimal(str(a.pd_unrated)), "lgd": None}
    by_period: dict[str, list[dict[str, Any]]] = {}
    for row in scale.to_pylist():
        by_period.setdefault(row["period"], []).append(row)
    out = []
    for p, grades in by_period.items():
        for g in [*grades, unrated]:
            lgd = Decimal(g["lgd"]) if g["lgd"] is not None else Decimal(str(a.lgd_default))
            out.append({"period": p, "rating": g["rating"], "rank": g["rank"],
                        "pd": max(Decimal(g["pd"]), floor), "lgd": lgd})
    return out


def _risk_key(pd: Decimal, lgd: Decimal) -> str:
    """Join key of a (PD, LGD) pair between the rating and the capital lookups."""
    return f"{pd.normalize()}|{lgd.normalize()}"


def rating_table(scale: pa.Table, a: Assumptions) -> ir.Table:
    """Per period and rating grade (plus the unrated key "", rank 0): rank, PD (floored), LGD,
    the EL factor PD × LGD × days/365 to 13 decimals, the key of its IRB capital rows
    (`capital_table`); and for a borrower in default (PD 1) the EL factor LGD × days/365 and
    K = max(0, LGD − defaulted_elbe)."""
    elbe = Decimal(str(a.defaulted_elbe))
    rows = []
    for g in _grades(scale, a):
        days = Decimal(Period(g["period"]).days)
        pd, lgd = g["pd"], g["lgd"]
        rows.append({
            "period": g["period"], "rating_key": g["rating"], "rating_rank": g["rank"],
            "pd": float(pd), "lgd": float(lgd), "risk_key": _risk_key(pd, lgd),
            "el_factor": factor(pd * lgd * days / 365),
            "el_factor_dft": factor(lgd * days / 365),
            "k_factor_dft": factor(max(lgd - elbe, Decimal(0))),
        })
    schema = pa.schema([
        ("period", pa.string()), ("rating_key", pa.string()), ("rating_rank", pa.int64()),
        ("pd", pa.float64()), ("lgd", pa.float64()), ("risk_key", pa.string()),
        ("el_factor", FACTOR_TYPE), ("el_factor_dft", FACTOR_TYPE), ("k_factor_dft", FACTOR_TYPE),
    ])
    return named_memtable(RATINGS, pa.Table.from_pylist(rows, schema))


NO_SIZE_ADJUSTMENT = -1
"""Size key of a customer without the firm-size adjustment (revenue missing or at the cap)."""
K_DAY_PLACES = 18
K_DAY_TYPE = pa.decimal128(20, K_DAY_PLACES)


def size_steps(a: Assumptions) -> tuple[int, int]:
    """The revenue floor and cap as whole numbers of `sme_revenue_step`."""
    return (round(a.sme_revenue_floor / a.sme_revenue_step),
            round(a.sme_revenue_cap / a.sme_revenue_step))


def capital_table(scale: pa.Table, a: Assumptions) -> ir.Table:
    """IRB K per (PD, LGD) pair of the window and size key, as K = k_a + k_b·M: `k_a` to 13
    decimals (per yuan of EAD) and `k_day` = k_b / 365 to 18 decimals (per yuan-day of
    remaining term), and the correlation adjustment applied. Size keys: `NO_SIZE_ADJUSTMENT`,
    and every revenue step from the floor up to (not including) the cap."""
    pairs = tuple(sorted({(g["pd"], g["lgd"]) for g in _grades(scale, a)}))
    return named_memtable(CAPITAL, _capital_rows(
        pairs, *size_steps(a), a.sme_revenue_step, a.sme_revenue_floor, a.sme_revenue_cap,
        a.sme_correlation_reduction))


@cache
def _capital_rows(
    pairs: tuple[tuple[Decimal, Decimal], ...], lo: int, hi: int, step: float, floor: float,
    cap: float, reduction: float,
) -> pa.Table:
    """The rows of `capital_table`, kept per process: the same grades and assumptions give the
    same rows, and building them (thousands of exact decimals) costs a second per close."""
    keys = np.array([NO_SIZE_ADJUSTMENT] + (list(range(lo, hi)) if reduction else []))
    adjustments = np.array([0.0] + [
        sme_size_adjustment(j * step, floor, cap, reduction) for j in keys[1:]])
    quantum = Decimal(1).scaleb(-K_DAY_PLACES)
    rows = []
    for pd, lgd in pairs:
        k_a, k_b = irb_k_parts_array(float(pd), float(lgd), adjustments)
        key = _risk_key(pd, lgd)
        for j, adj, ka, kb in zip(keys.tolist(), adjustments.tolist(), k_a.tolist(),
                                  k_b.tolist(), strict=True):
            rows.append({"risk_key": key, "size_key": j, "size_adjustment": adj,
                         "k_a": factor(Decimal(repr(ka))),
                         "k_day": (Decimal(repr(kb)) / 365).quantize(quantum, ROUND_HALF_UP)})
    schema = pa.schema([
        ("risk_key", pa.string()), ("size_key", pa.int64()), ("size_adjustment", pa.float64()),
        ("k_a", FACTOR_TYPE), ("k_day", K_DAY_TYPE),
    ])
    return pa.Table.from_pylist(rows, schema)


def ftp_table(curve: pa.Table, periods: Sequence[str]) -> ir.Table:
    """Per period, currency, FTP kind and term bucket: the rate of that bucket, or of the
    nearest bucket the month's curve of that currency has for the kind (the longer one on a
    tie). A curve without a currency (a file of before currencies) is CNY's.

    Raises EngineError when a loaded month has no CNY rate at all for a kind (another
    currency needs only the kinds its accounts use: `check_currencies`).
    """
    by_key: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    for row in curve.to_pylist():
        key = (row["period"], row.get("currency") or BASE_CURRENCY, row["product_kind"])
        by_key.setdefault(key, {})[row["term_bucket"]] = row["rate"]
    rows = []
    for p in periods:
        currencies = sorted({c for q, c, _ in by_key if q == p} | {BASE_CURRENCY})
        for currency in currencies:
            for kind in FTP_KINDS:
                known = by_key.get((p, currency, kind), {})
                if not known and currency == BASE_CURRENCY:
                    raise EngineError(
                        "ftp_rates of {period} has no rate for {kind}; add the {kind} curve to "
                        "ftp_rates and run 'corptier load' for {period} again", period=p,
                        kind=kind)
                for i, bucket in enumerate(TERM_BUCKETS if known else ()):  # none: no rows
                    nearest = min(known, key=lambda b: (abs(TERM_BUCKETS.index(b) - i),
                                                        -TERM_BUCKETS.index(b)))
                    rows.append({"period": p, "ftp_currency": currency, "ftp_kind": kind,
                                 "ftp_bucket": bucket, "ftp_rate": known[nearest]})
    schema = pa.schema([("period", pa.string()), ("ftp_currency", pa.string()),
                        ("ftp_kind", pa.string()), ("ftp_bucket", pa.string()),
                        ("ftp_rate", RATE_TYPE)])
    return named_memtable(FTP, pa.Table.from_pylist(rows, schema))


def fx_table(rates: pa.Table, periods: Sequence[str]) -> ir.Table:
    """Per period and currency: yuan per unit, month average (`fx_avg`) and month end
    (`fx_end`); CNY is 1 in every period."""
    one = Decimal("1.000000")
    rows = [{"period": p, "currency": BASE_CURRENCY, "fx_avg": one, "fx_end": one}
            for p in periods]
    rows += [{"period": r["period"], "currency": r["currency"], "fx_avg": r["rate_avg"],
              "fx_end": r["rate_end"]}
             for r in rates.to_pylist()
             if r["currency"] != BASE_CURRENCY and r["period"] in periods]
    schema = pa.schema([("period", pa.string()), ("currency", pa.string()),
                        ("fx_avg", RATE_TYPE), ("fx_end", RATE_TYPE)])
    return named_memtable(FX, pa.Table.from_pylist(rows, schema))


def check_currencies(held: Sequence[tuple[str, str]], fx: pa.Table, curve: pa.Table) -> None:
    """Raise EngineError when a (period, currency) an account holds has no exchange rate or no
    deposit FTP curve (demand and time) in that period."""
    rated = {(r["period"], r["currency"]) for r in fx.to_pylist()}
    curves = {(r["period"], r.get("currency") or BASE_CURRENCY, r["product_kind"])
              for r in curve.to_pylist()}
    for period, currency in sorted(held):
        if currency == BASE_CURRENCY:
            continue
        if (period, currency) not in rated:
            raise EngineError(
                "accounts of {period} hold {currency}, but fx_rates of {period} has no "
                "{currency} rate; add it and run 'corptier load' for {period} again",
                period=period, currency=currency)
        for kind in ("deposit_demand", "deposit_time"):
            if (period, currency, kind) not in curves:
                raise EngineError(
                    "accounts of {period} hold {currency}, but ftp_rates of {period} has no "
                    "{currency} {kind} curve; add it and run 'corptier load' for {period} again",
                    period=period, currency=currency, kind=kind)


def loan_class_table() -> ir.Table:
    """五级分类 and its rank: 1 正常 … 5 损失."""
    return named_memtable(LOAN_CLASSES_TABLE, pa.table({
        "classification": pa.array(LOAN_CLASSES, pa.string()),
        "class_rank": pa.array(range(1, len(LOAN_CLASSES) + 1), pa.int64()),
    }))
