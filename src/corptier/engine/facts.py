"""Per customer and month facts from each input table (one row per customer_id and period).

These are the only expressions that touch the large tables; every indicator is built from them.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from corptier.config import Assumptions
from corptier.contract.schema import E_CHANNELS, FEE_CATEGORIES, LOAN_CLASSES, PRODUCT_CATEGORIES
from corptier.engine.lookups import BASE_CURRENCY
from corptier.engine.money import RATE, SUM_EXACT, money_sum, product
from corptier.engine.tables import Inputs

KEY = ["customer_id", "period"]


@ibis.udf.agg.builtin(name="bit_or")  # type: ignore[untyped-decorator]  # ibis has no hints
def _bit_or(arg: int) -> int:
    """Bitwise OR of a group: a built-in aggregate of the same name on DuckDB and Spark (Ibis
    12 compiles its own BitOr only for some engines)."""
    raise NotImplementedError("the engine's own bit_or runs, never this body")

DEPOSIT_KINDS = ("deposit_demand", "deposit_time")


def account_facts(inp: Inputs) -> ir.Table:
    """Accounts open at month end: how many, and how many per product category."""
    products = inp.products.select("product_code", "period", "category")
    a = inp.accounts.join(products, ["product_code", "period"]).join(
        inp.months.select("period", "month_end"), "period"
    )
    is_open = (a.opened_on <= a.month_end) & (a.closed_on.isnull() | (a.closed_on > a.month_end))
    held = {f"acc_{c}": a.count(where=is_open & (a.category == c)) for c in PRODUCT_CATEGORIES}
    return a.group_by(KEY).aggregate(open_accounts=a.count(where=is_open), **held)


def deposit_facts(inp: Inputs) -> ir.Table:
    """Average daily deposits (demand, time), month-end deposits and the annual FTP margin
    Σ avg × (FTP(currency, kind, bucket) − rate paid), split by the interest day basis of the
    account's currency (actual/360 or actual/365). Balances are in yuan already (`to_cny`);
    the FTP curve is the one of the account's currency."""
    products = inp.products.select(
        "product_code", "period", ftp_kind="kind",
        ftp_bucket=inp.products.term_bucket.coalesce("ON"),
    )
    accounts = inp.accounts.select("account_id", "period", "customer_id", "product_code",
                                   "currency")
    b = (
        inp.balances.join(accounts, ["account_id", "period"])
        .join(products, ["product_code", "period"])
        .filter(lambda t: t.ftp_kind.isin(DEPOSIT_KINDS))
        .mutate(ftp_currency=lambda t: t.currency)
        .join(inp.ftp, ["period", "ftp_currency", "ftp_kind", "ftp_bucket"], how="left")
    )
    paid = b.rate.coalesce(ibis.literal(0, "decimal(10, 6)")).cast(RATE)
    margin = product(b.avg_daily_balance, b.ftp_rate.cast(RATE) - paid)
    is_360 = _on_360(b.currency, inp.assumptions)
    return b.group_by(KEY).aggregate(
        dep_demand=money_sum(b.avg_daily_balance, where=b.ftp_kind == "deposit_demand"),
        dep_time=money_sum(b.avg_daily_balance, where=b.ftp_kind == "deposit_time"),
        dep_end=money_sum(b.month_end_balance),
        dep_margin_360=margin.sum(where=is_360).cast(SUM_EXACT),
        dep_margin_365=margin.sum(where=~is_360).cast(SUM_EXACT),
    )


def _on_360(currency: ir.StringValue, a: Assumptions) -> ir.BooleanValue:
    """True for a currency whose interest is on actual/360 (`interest_day_basis`)."""
    other = a.interest_day_basis_other
    listed = sorted(c for c, basis in a.interest_day_basis.items() if basis != other)
    if not listed:
        return ibis.literal(other == 360)
    return currency.isin(listed) if other == 365 else ~currency.isin(listed)


def loan_term_bucket(start: ir.DateValue, maturity: ir.DateValue) -> ir.StringValue:
    """FTP bucket of a loan's original term, counted in whole months rounded up."""
    months = (maturity.year() - start.year()) * 12 + (maturity.month() - start.month())
    months = months + ibis.ifelse(maturity.day() > start.day(), 1, 0)
    return ibis.cases(
        (months <= 0, "ON"), (months <= 3, "3M"), (months <= 6, "6M"), (months <= 12, "1Y"),
        (months <= 36, "3Y"), (months <= 60, "5Y"), else_="5Y+",
    )


def loan_facts(inp: Inputs) -> ir.Table:
    """Loan balances, count, annual FTP margin Σ avg × (client rate − FTP(term)), annual
    interest Σ avg × client rate (and of the products not exempt from VAT), worst
    classification, days overdue, categories held, and
    Σ avg × remaining days to maturity at month end (≥ 0; the effective maturity's weights).

    A non-performing loan (see `non_performing`) accrues no interest unless the assumptions say
    so: its client rate counts as 0, so its NII is the funding cost −avg × FTP."""
    products = inp.products.select("product_code", "period", "category")
    l0 = inp.loans.join(products, ["product_code", "period"])
    l0 = l0.mutate(ftp_currency=ibis.literal(BASE_CURRENCY), ftp_kind=ibis.literal("loan"),
                   ftp_bucket=loan_term_bucket(l0.start_date, l0.maturity_date))
    ln = l0.join(inp.ftp, ["period", "ftp_currency", "ftp_kind", "ftp_bucket"],
                 how="left").join(
        inp.loan_classes, "classification", how="left"
    ).join(inp.months.select("period", "month_end"), "period")
    remaining = ln.maturity_date.delta(ln.month_end, unit="day")
    remaining = ibis.ifelse(remaining > 0, remaining, 0).cast("int64")
    rate = ln.client_rate.cast(RATE)
    if not inp.assumptions.accrue_npl_interest:
        npl = non_performing(ln.class_rank, ln.days_overdue, inp.assumptions)
        rate = ibis.ifelse(npl, ibis.literal(0, RATE), rate)
    exempt = inp.assumptions.vat_exempt_loan_products
    vatable = ~ln.product_code.isin(exempt) if exempt else ibis.literal(True)
    held = {f"loan_{c}": ln.count(where=ln.category == c) for c in PRODUCT_CATEGORIES}
    return ln.group_by(KEY).aggregate(
        loan_avg=money_sum(ln.avg_daily_balance),
        loan_end=money_sum(ln.balance),
        loans=ln.count(),
        loan_margin_annual=product(ln.avg_daily_balance, rate - ln.ftp_rate.cast(RATE))
        .sum().cast(SUM_EXACT),
        loan_interest_annual=product(ln.avg_daily_balance, rate).sum().cast(SUM_EXACT),
        loan_interest_vatable=product(ln.avg_daily_balance, rate)
        .sum(where=vatable).cast(SUM_EXACT),
        loan_term_days=product(ln.avg_daily_balance, remaining).sum().cast(SUM_EXACT),
        worst_class_rank=ln.class_rank.max(),
        max_days_overdue=ln.days_overdue.max(),
        **held,
    )


def non_performing(
    class_rank: ir.IntegerValue, days_overdue: ir.IntegerValue, a: Assumptions
) -> ir.BooleanValue:
    """In default: classified `default_class` or worse (五级分类 rank), or more than
    `default_days_overdue` days past due. A missing value never makes a default."""
    worst_ok = LOAN_CLASSES.index(a.default_class)  # rank of the class before it
    return (class_rank.coalesce(0) > worst_ok) | (
        days_overdue.coalesce(0) > a.default_days_overdue
    )


def fee_facts(inp: Inputs) -> ir.Table:
    """Fee income booked per category, VAT included."""
    f = inp.fee_income
    gross = {f"gross_{c}": money_sum(f.amount, where=f.category == c) for c in FEE_CATEGORIES}
    return f.group_by(KEY).aggregate(**gross)


WEEKS_12 = 53
"""Weeks a 12-month window reaches back from the period end (≤ 366 days: week indexes 0–52)."""


def transaction_facts(inp: Inputs) -> ir.Table:
    """Counts and amounts by direction, active days, first and last transaction date, e-channel
    count, outflows to other banks, payroll count, in one pass. Active days are counted from a
    bit mask of the days of the month (bit d−1 set when there is a transaction on day d), so no
    distinct count or second grouping is needed; active weeks of the last 12 months likewise
    (`week_mask`: bit w set when there is a transaction w whole weeks before the period end,
    w = ⌊(period end − date) / 7⌋; 0 for older months)."""
    t = inp.transactions
    t = t.join(inp.months.select("period", "lag", "days_to_end", "month_end"), "period")
    week = ((t.month_end.delta(t.txn_date, unit="day") + t.days_to_end).cast("float64")
            / 7.0).floor().cast("int64")
    in_window = (t.lag < 12) & (week >= 0) & (week < WEEKS_12)
    # 2^w in doubles is exact (w ≤ 52) and 64-bit on every engine: Spark shifts a literal 1 as
    # a 32-bit int (modulo 32), so no SHIFTLEFT here
    power = ibis.literal(2.0) ** week.clip(0, WEEKS_12 - 1).cast("float64")
    week_bit = ibis.ifelse(in_window, power.cast("int64"), ibis.literal(0, "int64"))
    out, inflow = t.direction == "out", t.direction == "in"
    other_bank = t.counterparty_bank.notnull() & (t.counterparty_bank != inp.own_bank_code)
    day_bit = ibis.literal(1, "int64") << (t.txn_date.day() - 1).cast("int64")
    monthly = t.group_by(KEY).aggregate(
        txn_count=t.count(),
        txn_in_count=t.count(where=inflow),
        txn_out_count=t.count(where=out),
        txn_in_amount=money_sum(t.amount, where=inflow),
        txn_out_amount=money_sum(t.amount, where=out),
        ebank_count=t.count(where=t.channel.isin(E_CHANNELS)),
        out_other_bank=money_sum(t.amount, where=out & other_bank),
        payroll_txn_count=t.count(where=t.txn_type == "payroll"),
        day_mask=_bit_or(day_bit),
        week_mask=_bit_or(week_bit),
        first_txn=t.txn_date.min(),
        last_txn=t.txn_date.max(),
    )
    return monthly.mutate(active_days=bit_count(monthly.day_mask, 31)).drop("day_mask")


def bit_or(value: ir.IntegerValue) -> ir.IntegerValue:
    """Bitwise OR of a group (the engine's own `bit_or` aggregate)."""
    return _bit_or(value)


def bit_count(mask: ir.IntegerValue, bits: int) -> ir.IntegerValue:
    """Number of set bits among the lowest `bits` bits (portable: shifts and ands only)."""
    one = ibis.literal(1, "int64")
    return sum(((mask >> k) & one for k in range(1, bits)), start=mask & one).cast("int64")


def counterparty_facts(inp: Inputs) -> ir.Table:
    """Distinct counterparties of the period itself."""
    t = inp.transactions_now
    return t.group_by("customer_id").aggregate(counterparties=t.counterparty.nunique())
