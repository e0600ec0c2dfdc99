"""(c) of the indicator benchmark: the customer indicators as an analyst would write them in
pandas — read the 12 months of Parquet, group, merge, compute. Floats for money (no exact
decimals), rounding at the end; same definitions as docs/indicators.md otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corptier.contract.schema import E_CHANNELS, FEE_CATEGORIES, LOAN_CLASSES, PRODUCT_CATEGORIES
from corptier.engine.capital import irb_k
from corptier.engine.lookups import WINDOW
from corptier.periods import Period


def _read(ws, table: str, window: list[str]) -> pd.DataFrame:
    parts = []
    for p in window:
        path = ws.partition_dir(table, p) / "part-0.parquet"
        if path.is_file():
            frame = pd.read_parquet(path)
            frame["period"] = p
            parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _money(frame: pd.DataFrame, cols: list[str]) -> None:
    for c in cols:
        frame[c] = frame[c].astype(float)


def _bucket(start: pd.Series, end: pd.Series) -> pd.Series:
    months = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    months = months + (end.dt.day > start.dt.day).astype(int)
    return pd.cut(months, [-10**9, 0, 3, 6, 12, 36, 60, 10**9],
                  labels=["ON", "3M", "6M", "1Y", "3Y", "5Y", "5Y+"]).astype(str)


def pandas_indicators(ws, period: str) -> pd.DataFrame:
    a = ws.config.assumptions
    window = Period(period).window(WINDOW)
    lag = {p: i for i, p in enumerate(window)}
    days = {p: p.days for p in window}
    cust = _read(ws, "customers", window)
    prod = _read(ws, "products", window)
    acc = _read(ws, "accounts", window).merge(prod[["product_code", "period", "category", "kind",
                                                    "term_bucket"]], on=["product_code", "period"])
    ftp = _read(ws, "ftp_rates", window)
    _money(ftp, ["rate"])
    scale = _read(ws, "rating_scale", window)
    _money(scale, ["pd", "lgd"])

    # deposits
    bal = _read(ws, "balances", window).merge(acc, on=["account_id", "period"])
    bal = bal[bal.kind.isin(["deposit_demand", "deposit_time"])]
    _money(bal, ["avg_daily_balance", "month_end_balance", "rate"])
    bal["term_bucket"] = bal.term_bucket.fillna("ON")
    bal = bal.merge(ftp.rename(columns={"product_kind": "kind", "rate": "ftp"}),
                    on=["period", "kind", "term_bucket"], how="left")
    bal["margin"] = bal.avg_daily_balance * (bal.ftp - bal.rate.fillna(0))
    bal["demand"] = np.where(bal.kind == "deposit_demand", bal.avg_daily_balance, 0.0)
    bal["time"] = np.where(bal.kind == "deposit_time", bal.avg_daily_balance, 0.0)
    dep = bal.groupby(["customer_id", "period"]).agg(
        dep_demand_avg=("demand", "sum"), dep_time_avg=("time", "sum"),
        dep_end=("month_end_balance", "sum"), dep_margin=("margin", "sum")).reset_index()

    # loans
    loans = _read(ws, "loans", window).merge(prod[["product_code", "period", "category"]],
                                             on=["product_code", "period"])
    _money(loans, ["avg_daily_balance", "balance", "client_rate"])
    loans["term_bucket"] = _bucket(pd.to_datetime(loans.start_date),
                                   pd.to_datetime(loans.maturity_date))
    lftp = ftp[ftp.product_kind == "loan"].rename(columns={"rate": "ftp"})
    loans = loans.merge(lftp[["period", "term_bucket", "ftp"]], on=["period", "term_bucket"],
                        how="left")
    loans["margin"] = loans.avg_daily_balance * (loans.client_rate - loans.ftp)
    loans["interest"] = loans.avg_daily_balance * loans.client_rate
    loans["class_rank"] = loans.classification.map({c: i + 1 for i, c in enumerate(LOAN_CLASSES)})
    for c in PRODUCT_CATEGORIES:
        loans[f"loan_{c}"] = (loans.category == c).astype(int)
    lo = loans.groupby(["customer_id", "period"]).agg(
        loan_avg=("avg_daily_balance", "sum"), loans=("loan_id", "count"),
        loan_margin=("margin", "sum"), loan_interest=("interest", "sum"),
        worst_loan_class_rank=("class_rank", "max"), max_days_overdue=("days_overdue", "max"),
        **{f"loan_{c}": (f"loan_{c}", "sum") for c in PRODUCT_CATEGORIES}).reset_index()

    # fees
    fee = _read(ws, "fee_income", window)
    _money(fee, ["amount"])
    fees = fee.pivot_table(index=["customer_id", "period"], columns="category", values="amount",
                           aggfunc="sum", fill_value=0.0)
    fees = fees.reindex(columns=list(FEE_CATEGORIES), fill_value=0.0)
    fees.columns = [f"gross_{c}" for c in fees.columns]
    fees = fees.reset_index()

    # accounts open at month end
    acc["end"] = acc.period.map(lambda p: pd.Timestamp(Period(p).month_end))
    opened = pd.to_datetime(acc.opened_on) <= acc.end
    closed = pd.to_datetime(acc.closed_on)
    acc["open"] = opened & (closed.isna() | (closed > acc.end))
    for c in PRODUCT_CATEGORIES:
        acc[f"acc_{c}"] = (acc.open & (acc.category == c)).astype(int)
    ac = acc.groupby(["customer_id", "period"]).agg(
        open_accounts=("open", "sum"),
        **{f"acc_{c}": (f"acc_{c}", "sum") for c in PRODUCT_CATEGORIES}).reset_index()

    # transactions
    tx = _read(ws, "transactions", window)
    _money(tx, ["amount"])
    tx["is_in"] = tx.direction == "in"
    tx["amt_in"] = np.where(tx.is_in, tx.amount, 0.0)
    tx["amt_out"] = np.where(~tx.is_in, tx.amount, 0.0)
    tx["ebank"] = tx.channel.isin(E_CHANNELS)
    other = tx.counterparty_bank.notna() & (tx.counterparty_bank != ws.config.bank.own_bank_code)
    tx["amt_other"] = np.where(~tx.is_in & other, tx.amount, 0.0)
    tx["payroll"] = tx.txn_type == "payroll"
    tm = tx.groupby(["customer_id", "period"]).agg(
        txn_count=("txn_id", "count"), txn_in_count=("is_in", "sum"),
        txn_in_amount=("amt_in", "sum"), txn_out_amount=("amt_out", "sum"),
        ebank_count=("ebank", "sum"), out_other_bank=("amt_other", "sum"),
        payroll_txn_count=("payroll", "sum"), active_days=("txn_date", "nunique"),
        first_txn=("txn_date", "min"), last_txn=("txn_date", "max")).reset_index()
    tm["txn_out_count"] = tm.txn_count - tm.txn_in_count
    now_tx = tx[tx.period == period]
    cp = now_tx.groupby("customer_id").counterparty.nunique().rename("counterparties")

    # customer months
    cm = cust[["customer_id", "period", "rating"]].copy()
    for frame in (dep, lo, fees, ac, tm):
        cm = cm.merge(frame, on=["customer_id", "period"], how="left")
    cm["lag"] = cm.period.map(lag)
    cm["days"] = cm.period.map(days)
    fill = [c for c in cm.columns if c not in ("customer_id", "period", "rating", "first_txn",
                                               "last_txn", "worst_loan_class_rank",
                                               "max_days_overdue")]
    cm[fill] = cm[fill].fillna(0)
    pd_map = {(r.period, r.rating): (max(r.pd, a.pd_floor), r.lgd) for r in scale.itertuples()}
    unrated = (a.pd_unrated, a.lgd_default)
    pdl = [pd_map.get(k, unrated) for k in zip(cm.period, cm.rating, strict=True)]
    cm["pd"] = [x[0] for x in pdl]
    cm["lgd"] = [x[1] for x in pdl]
    k_cache = {}
    cm["k"] = [k_cache.setdefault(x, irb_k(x[0], x[1], a.maturity_years)) for x in pdl]
    f = cm.days / 365
    d = a.cost_drivers
    cm["dep_avg"] = cm.dep_demand_avg + cm.dep_time_avg
    cm["dep_nii"] = cm.dep_margin * f
    cm["loan_nii"] = cm.loan_margin * f - cm.loan_interest * a.loan_interest_tax_rate * f
    for c in FEE_CATEGORIES:
        cm[f"fee_{c}"] = (cm[f"gross_{c}"] / (1 + a.vat_rate)).round(2)
    cm["fee_income"] = cm[[f"fee_{c}" for c in FEE_CATEGORIES]].sum(axis=1)
    cm["op_cost"] = (d.per_customer + d.per_account * cm.open_accounts
                     + d.per_transaction * cm.txn_count + d.per_loan * cm.loans)
    cm["expected_loss"] = cm.loan_avg * cm.pd * cm.lgd * f
    cm["econ_capital"] = cm.loan_avg * cm.k
    for c in ("dep_nii", "loan_nii", "op_cost", "expected_loss", "econ_capital"):
        cm[c] = cm[c].round(2)
    cm["contribution"] = (cm.dep_nii + cm.loan_nii + cm.fee_income - cm.op_cost
                          - cm.expected_loss)
    cm["eva"] = (cm.contribution * (1 - a.tax_rate)).round(2) - (
        cm.econ_capital * a.hurdle_rate * f).round(2)
    cm["capital_days"] = cm.econ_capital * cm.days
    cm["t"] = 11 - cm.lag

    now = cm[cm.lag == 0].set_index("customer_id")
    r3, r12, base = cm[cm.lag < 3], cm[cm.lag < 12], cm[(cm.lag >= 12) & (cm.lag < 24)]
    g3, g12 = r3.groupby("customer_id"), r12.groupby("customer_id")
    out = cust[cust.period == period].set_index("customer_id")[
        ["period", "name", "group_id", "parent_id", "industry_section", "enterprise_size",
         "sub_branch", "rm_id", "status", "onboarded_on", "rating"]].copy()
    money_now = ["dep_demand_avg", "dep_time_avg", "dep_avg", "loan_avg", "dep_nii", "loan_nii",
                 "fee_income", *(f"fee_{c}" for c in FEE_CATEGORIES), "op_cost",
                 "expected_loss", "econ_capital", "contribution", "eva"]
    out = out.join(now[money_now])
    out["dep_avg_r3"] = g3.dep_avg.mean().round(2)
    out["dep_avg_r12"] = g12.dep_avg.mean().round(2)
    out["loan_avg_r3"] = g3.loan_avg.mean().round(2)
    out["loan_avg_r12"] = g12.loan_avg.mean().round(2)
    out["contribution_r3"] = g3.contribution.sum()
    for c in ("contribution", "dep_nii", "loan_nii", "fee_income", "eva"):
        out[f"{c}_r12"] = g12[c].sum()
    keep = (1 - a.tax_rate) * 365
    out["raroc"] = (now.contribution * keep / now.capital_days.replace(0, np.nan))
    out["raroc_r12"] = out.contribution_r12 * keep / g12.capital_days.sum().replace(0, np.nan)
    year_ago = cm[cm.lag == 12].set_index("customer_id")
    out["dep_avg_yoy"] = out.dep_avg / year_ago.dep_avg.replace(0, np.nan) - 1
    base_sum = base.groupby("customer_id").contribution.sum().where(
        base.groupby("customer_id").lag.min() == 12)
    out["contribution_r12_yoy"] = (out.contribution_r12 - base_sum) / base_sum.abs().replace(
        0, np.nan)
    end = pd.Timestamp(Period(period).month_end)
    on = pd.to_datetime(out.onboarded_on)
    out["tenure_months"] = ((end.year - on.dt.year) * 12 + end.month - on.dt.month
                            - (end.day < on.dt.day).astype(int)).clip(lower=0)
    out["months_active_12"] = r12[r12.txn_count > 0].groupby("customer_id").size()
    out["dep_cv_12"] = g12.dep_avg.std(ddof=0) / g12.dep_avg.mean().replace(0, np.nan)
    cov = g12.apply(lambda g: np.cov(g.t, g.dep_avg, ddof=0)[0, 1] if len(g) > 1 else np.nan,
                    include_groups=False)
    out["dep_trend_12"] = cov / g12.t.var(ddof=0).replace(0, np.nan)
    out["dep_trend_rel_12"] = out.dep_trend_12 / g12.dep_avg.mean().replace(0, np.nan)
    out["end_to_avg_ratio"] = now.dep_end / now.dep_avg.replace(0, np.nan)
    for c in ("txn_count", "txn_in_count", "txn_out_count", "txn_in_amount", "txn_out_amount",
              "active_days", "payroll_txn_count"):
        out[c] = now[c]
    first = pd.to_datetime(r12.groupby("customer_id").first_txn.min())
    last = pd.to_datetime(r12.groupby("customer_id").last_txn.max())
    out["days_since_last_txn"] = (end - last).dt.days
    out["ebank_share"] = now.ebank_count / now.txn_count.replace(0, np.nan)
    out["counterparties"] = cp.reindex(out.index).fillna(0).astype(int)
    out["outflow_other_bank_share"] = now.out_other_bank / now.txn_out_amount.replace(0, np.nan)
    prev = cm[cm.lag == 1].set_index("customer_id")
    out["txn_count_mom"] = out.txn_count / prev.txn_count.replace(0, np.nan) - 1
    out["txn_amount_mom"] = (now.txn_in_amount + now.txn_out_amount) / (
        prev.txn_in_amount + prev.txn_out_amount).replace(0, np.nan) - 1
    out["txn_count_r3"] = g3.txn_count.sum()
    active = g12.active_days.sum()
    out["bgnbd_x"] = (active - 1).where(active > 0)
    out["bgnbd_t_x"] = (last - first).dt.days / 7
    out["bgnbd_T"] = (end - first).dt.days / 7
    for c in PRODUCT_CATEGORIES:
        out[f"has_{c}"] = ((now[f"acc_{c}"] + now[f"loan_{c}"]) > 0).astype(int)
    out["product_coverage"] = out[[f"has_{c}" for c in PRODUCT_CATEGORIES]].sum(axis=1)
    out["cash_mgmt_accounts"] = now.acc_cash_management
    ranks = scale[scale.period == period].set_index("rating")["rank"]
    out["rating_rank"] = out.rating.map(ranks)
    out["pd"], out["lgd"] = now.pd, now.lgd
    out["worst_loan_class_rank"] = now.worst_loan_class_rank.fillna(0).astype(int)
    out["worst_loan_class"] = out.worst_loan_class_rank.map(
        {i + 1: c for i, c in enumerate(LOAN_CLASSES)})
    out["max_days_overdue"] = now.max_days_overdue.fillna(0).astype(int)

    # groups: follow parents to the top
    parent = out.parent_id.where(out.parent_id.isin(out.index))
    top = pd.Series(out.index, index=out.index)
    up = parent.copy()
    for _ in range(10):
        has = up.notna()
        top[has] = up[has]
        up = up.map(parent).where(has)
    out["group_head_id"] = top
    size = top.map(top.value_counts())
    out["group_id"] = out.group_id.replace("", np.nan).fillna(top.map(out.group_id)).fillna(
        top.where(size > 1))
    grouped = out.groupby("group_id")
    for c in ("dep_avg", "loan_avg", "contribution", "contribution_r12"):
        out[f"group_{c}"] = grouped[c].transform("sum")
    out["group_members"] = grouped.contribution.transform("size")
    out["group_contribution_share"] = (out.contribution / out.group_contribution).where(
        out.group_contribution > 0)
    return out.reset_index().sort_values("customer_id")
