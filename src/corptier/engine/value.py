"""Value per customer and month (综合贡献 and its parts), then the period and rolling figures.

Monthly figures (yuan, rounded to cents once, here; `basis` = 360 for CNY interest):
  dep_nii        = round(Σ avg deposit × (FTP − rate paid) × days/basis(currency), 2)
  loan_nii       = round(Σ avg loan × (client rate − FTP) × days/basis
                         − Σ avg loan × client rate × loan-interest tax × days/basis
                         − Σ avg loan × client rate × VAT/(1 + VAT) × days/basis (not exempt), 2)
                   (client rate 0 on a non-performing loan)
  fee_<category> = round(fee booked / (1 + VAT), 2);  fee_income = Σ fee_<category>
  op_cost        = round(per customer + per account × open accounts
                         + per transaction × transactions + per loan × loans, 2)
  expected_loss  = round(EAD × PD × LGD × days/365, 2)
                   (EAD = average loan balance + CCF × off-balance facilities, engine/exposure.py)
  econ_capital   = round(EAD × K(PD, LGD, M), 2)                (a stock, not a flow)
  contribution   = dep_nii + loan_nii + fee_income − op_cost − expected_loss
  eva            = round(contribution × (1 − tax), 2) − round(econ_capital × hurdle × days/365, 2)
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.contract.schema import FEE_CATEGORIES
from corptier.engine.exposure import facility_facts
from corptier.engine.facts import (
    KEY,
    account_facts,
    deposit_facts,
    fee_facts,
    loan_facts,
    non_performing,
    transaction_facts,
)
from corptier.engine.lookups import NO_SIZE_ADJUSTMENT, UNRATED, WINDOW, size_steps
from corptier.engine.money import (
    MONEY,
    SUM_EXACT,
    WIDE,
    factor,
    growth,
    mean_cents,
    money_sum,
    product,
    ratio,
    times_factor,
    to_money,
)
from corptier.engine.tables import Inputs


def customer_months(inp: Inputs) -> ir.Table:
    """One row per customer and month of the window in which the customer is on the books,
    with every fact joined (0 where a table has no row) and the monthly value figures."""
    c = inp.customers
    base = c.select(*KEY, rating_key=c.rating.coalesce(UNRATED),
                    size_key=size_key(c.annual_revenue, inp.assumptions),
                    revenue_known=c.annual_revenue.notnull()).join(inp.months, "period")
    base = left_join(base, inp.ratings, ["period", "rating_key"])
    base = left_join(base, inp.capital, ["risk_key", "size_key"])
    base = base.mutate(size_adjustment=ibis.ifelse(
        base.revenue_known, base.size_adjustment, ibis.null("float64")))
    for facts in (deposit_facts, loan_facts, fee_facts, account_facts, transaction_facts):
        base = left_join(base, facts(inp), KEY)
    base = left_join(base, facility_facts(inp.facilities, inp.months, inp.assumptions), KEY)
    return monthly_values(_fill(base), inp)


def left_join(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    """Left join on equal-named keys, keeping one copy of each key."""
    joined = left.left_join(right, keys)
    others = [c for c in right.columns if c not in keys]
    return joined.select(*(left[c] for c in left.columns), *(right[c] for c in others))


def size_key(revenue: ir.DecimalValue, a: Assumptions) -> ir.IntegerValue:
    """The revenue step of the firm-size adjustment: S = revenue / sme_revenue_unit to the
    nearest `sme_revenue_step` (in steps), raised to the floor; `NO_SIZE_ADJUSTMENT` when the
    revenue is missing, at or above the cap, or the adjustment is off. (The division is in
    float64 on exact inputs, identical on every engine.)"""
    none = ibis.literal(NO_SIZE_ADJUSTMENT, "int64")
    if not a.sme_correlation_reduction:
        return none
    lo, hi = size_steps(a)
    width = a.sme_revenue_unit * a.sme_revenue_step
    steps = (revenue.cast("float64") / width + 0.5).floor().cast("int64")
    return ibis.cases(
        (revenue.isnull(), none), (steps >= hi, none), (steps < lo, lo), else_=steps
    ).cast("int64")


def _fill(t: ir.Table) -> ir.Table:
    """Missing facts are zero: no balance, no loan, no fee, no account, no transaction."""
    zero = Decimal("0.00")
    fills = {}
    for name, dtype in t.schema().items():
        if name in KEY or name in ("first_txn", "last_txn", "worst_class_rank",
                                   "max_days_overdue", "rating_rank", "pd", "lgd",
                                   "el_factor", "el_factor_dft", "k_factor_dft", "k_a",
                                   "k_day", "size_adjustment", "size_key", "risk_key",
                                   "rating_key", "month_end"):
            continue
        if dtype.is_decimal():
            fills[name] = t[name].coalesce(ibis.literal(zero, dtype))
        elif dtype.is_integer():
            fills[name] = t[name].coalesce(ibis.literal(0, dtype))
    return t.mutate(**fills)


def monthly_values(t: ir.Table, inp: Inputs) -> ir.Table:
    a = inp.assumptions
    vat = ibis.literal(factor(Decimal(1) / (1 + Decimal(str(a.vat_rate)))), WIDE)
    fees = {f"fee_{c}": times_factor(t[f"gross_{c}"], vat) for c in FEE_CATEGORIES}
    t = t.mutate(in_default=non_performing(t.worst_class_rank, t.max_days_overdue, a),
                 ead=to_money(t.loan_avg + t.off_ead))
    t = t.mutate(term_days=_term_days(t, a))
    t = t.mutate(
        dep_demand_avg=t.dep_demand,
        dep_time_avg=t.dep_time,
        dep_avg=to_money(t.dep_demand + t.dep_time),
        dep_nii=to_money(
            (t.dep_margin_360.cast(WIDE) * t.int_factor_360.cast(WIDE)
             + t.dep_margin_365.cast(WIDE) * t.int_factor_365.cast(WIDE)).round(2)
        ),
        loan_nii=to_money(
            (t.loan_margin_annual.cast(WIDE) * t.loan_int_factor.cast(WIDE)
             - t.loan_interest_annual.cast(WIDE) * t.loan_tax_factor.cast(WIDE)
             - t.loan_interest_vatable.cast(WIDE) * t.loan_vat_factor.cast(WIDE)).round(2)
        ),
        op_cost=_op_cost(t, inp),
        expected_loss=times_factor(
            t.ead, ibis.ifelse(t.in_default, t.el_factor_dft, t.el_factor)),
        econ_capital=ibis.ifelse(t.in_default, times_factor(t.ead, t.k_factor_dft),
                                 _irb_capital(t)),
        **fees,
    )
    t = t.mutate(fee_income=to_money(sum((t[f] for f in fees), start=ibis.literal(0, MONEY))))
    t = t.mutate(contribution=to_money(
        t.dep_nii + t.loan_nii + t.fee_income - t.op_cost - t.expected_loss
    ))
    after_tax = ibis.literal(factor(1 - Decimal(str(a.tax_rate))), WIDE)
    return t.mutate(
        eva=to_money(times_factor(t.contribution, after_tax)
                     - times_factor(t.econ_capital, t.hurdle_factor)),
        capital_days=product(t.econ_capital, t.days),
    )


K_DAY = dt.Decimal(20, 18)
TERM = dt.Decimal(20, 2)
PART = dt.Decimal(38, 10)


def _term_days(t: ir.Table, a: Assumptions) -> ir.DecimalValue:
    """EAD × M in yuan-days: Σ exposure × remaining days of the loans and facilities, clamped
    to [1, 5] years × EAD (exact decimals), or EAD × `maturity_years` × 365 when maturity is
    not taken from the contracts."""
    if not a.maturity_from_loans:
        days = Decimal(str(a.maturity_years)) * 365
        return product(t.ead, ibis.literal(days, "decimal(10, 2)"))
    low = product(t.ead, ibis.literal(365, "int64"))
    high = product(t.ead, ibis.literal(1825, "int64"))
    term = (t.loan_term_days + t.off_term_days).cast(SUM_EXACT)
    return ibis.cases((term < low, low), (term > high, high), else_=term).cast(SUM_EXACT)


def _irb_capital(t: ir.Table) -> ir.DecimalValue:
    """round(EAD × k_a + EAD·M (yuan-days) × k_b/365, 2): the IRB K = k_a + k_b·M applied
    exactly; each product is exact, rounded to 10 decimals before the sum (types that fit 38
    digits on every engine for EAD below 10^14)."""
    part_a = (t.ead.cast(WIDE) * t.k_a.cast(WIDE)).round(10).cast(PART)
    part_b = (t.term_days.cast(TERM) * t.k_day.cast(K_DAY)).round(10).cast(PART)
    return to_money((part_a + part_b).round(2))


def _op_cost(t: ir.Table, inp: Inputs) -> ir.DecimalValue:
    d = inp.assumptions.cost_drivers

    def rate(x: float) -> ir.DecimalValue:
        return ibis.literal(Decimal(str(x)).quantize(Decimal("0.000001")), "decimal(18, 6)")

    cost = (
        product(ibis.literal(1, "int64"), rate(d.per_customer))
        + product(t.open_accounts, rate(d.per_account))
        + product(t.txn_count, rate(d.per_transaction))
        + product(t.loans, rate(d.per_loan))
    )
    return to_money(cost.cast(SUM_EXACT).round(2))


# --- per customer, over the months of the window -------------------------------------------

MONEY_NOW = (
    "dep_demand_avg", "dep_time_avg", "dep_avg", "loan_avg", "dep_nii", "loan_nii",
    "fee_income", *(f"fee_{c}" for c in FEE_CATEGORIES), "op_cost", "expected_loss",
    "econ_capital", "contribution", "eva",
)


def value_metrics(m: ir.Table) -> dict[str, ir.Value]:
    """Aggregates over one customer's months (lag 0 = the period). The rolling averages are
    finished in `value_derived` once the customer's tenure days are joined (`with_tenure`)."""
    now, r3, r12 = m.lag == 0, m.lag < 3, m.lag < 12
    year_ago, base12 = m.lag == 12, (m.lag >= 12) & (m.lag < 24)
    out: dict[str, ir.Value] = {name: money_sum(m[name], where=now) for name in MONEY_NOW}
    out |= {
        "_dep_days_r3": _balance_days(m.dep_avg, m.days, r3),
        "_dep_days_r12": _balance_days(m.dep_avg, m.days, r12),
        "_loan_days_r3": _balance_days(m.loan_avg, m.days, r3),
        "_loan_days_r12": _balance_days(m.loan_avg, m.days, r12),
        "_first_lag": m.lag.max(),
        "contribution_r3": money_sum(m.contribution, where=r3),
        "contribution_r12": money_sum(m.contribution, where=r12),
        "dep_nii_r12": money_sum(m.dep_nii, where=r12),
        "loan_nii_r12": money_sum(m.loan_nii, where=r12),
        "fee_income_r12": money_sum(m.fee_income, where=r12),
        "eva_r12": money_sum(m.eva, where=r12),
        "_capital_days": m.capital_days.sum(where=now).cast(SUM_EXACT),
        "_capital_days_r12": m.capital_days.sum(where=r12).cast(SUM_EXACT),
        "_dep_avg_base": m.dep_avg.sum(where=year_ago).cast(MONEY),
        "_dep_history": m.count(where=(m.lag >= 1) & (m.lag <= 12)),
        "_contribution_base": m.contribution.sum(where=base12).cast(MONEY),
        "_contribution_history": m.count(where=base12),
    }
    return out


def _balance_days(balance: ir.DecimalValue, days: ir.IntegerValue,
                  where: ir.BooleanValue) -> ir.DecimalValue:
    """Σ monthly average balance × days of the month (yuan-days, exact); 0 without a month."""
    total = product(balance, days).sum(where=where).cast(SUM_EXACT)
    return total.coalesce(ibis.literal(Decimal(0), SUM_EXACT))


def with_tenure(t: ir.Table, months: ir.Table) -> ir.Table:
    """`t` (per customer, with `period_end`, `onboarded_on` and the value aggregates) with the
    customer's tenure start (`_tenure_lag`: months before the period, the earlier of the
    onboarding month and the first month it is on the books in the window, at most the window)
    and the days of the loaded months from that start in the last 3 and 12 months."""
    end, onboarded = t.period_end, t.onboarded_on
    onboard_lag = ((end.year() - onboarded.year()) * 12 + (end.month() - onboarded.month()))
    start = ibis.greatest(onboard_lag.coalesce(t._first_lag), t._first_lag)
    t = t.mutate(_onboard_lag=onboard_lag.cast("int64"),
                 _tenure_lag=ibis.least(start, WINDOW - 1).cast("int64"))
    days = months.select(_tenure_lag="lag", _tenure_days_r3="tenure_days_r3",
                         _tenure_days_r12="tenure_days_r12")
    return left_join(t, days, ["_tenure_lag"])


def value_derived(t: ir.Table, tax_rate: float) -> dict[str, ir.Value]:
    """Day-weighted averages over the tenure, RAROC (annualised) and year-on-year growth
    against a complete base (12 months of history before the current window)."""
    keep = 1.0 - tax_rate
    dep_base_ok = (t._dep_history == 12) & _onboarded_by(t, 12)
    contribution_base_ok = (t._contribution_history == 12) & _onboarded_by(t, 23)
    return {
        "dep_avg_r3": mean_cents(t._dep_days_r3, t._tenure_days_r3),
        "dep_avg_r12": mean_cents(t._dep_days_r12, t._tenure_days_r12),
        "loan_avg_r3": mean_cents(t._loan_days_r3, t._tenure_days_r3),
        "loan_avg_r12": mean_cents(t._loan_days_r12, t._tenure_days_r12),
        "raroc": ratio(t.contribution.cast("float64") * (keep * 365.0), t._capital_days),
        "raroc_r12": ratio(t.contribution_r12.cast("float64") * (keep * 365.0),
                           t._capital_days_r12),
        "dep_avg_yoy": ibis.ifelse(dep_base_ok, growth(t.dep_avg, t._dep_avg_base),
                                   ibis.null("float64")),
        "contribution_r12_yoy": ibis.ifelse(
            contribution_base_ok, growth(t.contribution_r12, t._contribution_base),
            ibis.null("float64")),
    }


def _onboarded_by(t: ir.Table, lag: int) -> ir.BooleanValue:
    """True when the customer was onboarded on or before the first day of the month `lag`
    months before the period (so that month is a whole month of its history)."""
    day_one = t.onboarded_on.day() == 1
    return ((t._onboard_lag > lag) | ((t._onboard_lag == lag) & day_one)).fill_null(False)
