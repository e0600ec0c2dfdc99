"""(b) of the indicator benchmark: the same customer indicators as one hand-written DuckDB query.

The near-limit reference: what a DuckDB expert would write for this one engine. It uses the same
lookups (months, FTP curve, rating K and EL factors, prepared in Python) and the same rounding
rules, so its result can be compared with the engine's value for value.
"""

# ruff: noqa: E501  (long lines are SQL text)
from __future__ import annotations

from corptier.contract.schema import E_CHANNELS, FEE_CATEGORIES, LOAN_CLASSES, PRODUCT_CATEGORIES

W = "DECIMAL(27,13)"
R = "DECIMAL(19,6)"
M = "DECIMAL(18,2)"
X = "DECIMAL(38,8)"
Q = "DECIMAL(38,4)"


def _money_sum(expr: str, cond: str) -> str:
    return f"COALESCE(SUM({expr}) FILTER (WHERE {cond}), 0)::{M}"


def _mean(expr: str, cond: str) -> str:
    n = f"COUNT(*) FILTER (WHERE {cond})"
    total = f"(COALESCE(SUM({expr}) FILTER (WHERE {cond}), 0)::{R} * 100::{R})::BIGINT::DOUBLE"
    return (f"CASE WHEN {n} > 0 THEN (FLOOR(({total} * 2.0 + {n}) / ({n} * 2.0))::BIGINT::{R}"
            f" * 0.01::{R})::{M} END")


def indicator_sql(period: str, vat_factor: str, after_tax_factor: str, drivers: dict[str, str],
                  own_bank: str, period_end: str, tax_rate: float) -> str:
    cats = PRODUCT_CATEGORIES
    acc_cols = ", ".join(f"COUNT(*) FILTER (WHERE open AND category = '{c}') AS acc_{c}"
                         for c in cats)
    loan_cols = ", ".join(f"COUNT(*) FILTER (WHERE category = '{c}') AS loan_{c}" for c in cats)
    gross = ", ".join(f"SUM(amount) FILTER (WHERE category = '{c}') AS gross_{c}"
                      for c in FEE_CATEGORIES)
    fees = ", ".join(
        f"ROUND(COALESCE(gross_{c}, 0)::{W} * {vat_factor}::{W}, 2)::{M} AS fee_{c}"
        for c in FEE_CATEGORIES)
    fee_total = " + ".join(f"fee_{c}" for c in FEE_CATEGORIES)
    now_money = ["dep_demand_avg", "dep_time_avg", "dep_avg", "loan_avg", "dep_nii", "loan_nii",
                 "fee_income", *(f"fee_{c}" for c in FEE_CATEGORIES), "op_cost",
                 "expected_loss", "econ_capital", "contribution", "eva"]
    now_cols = ", ".join(f"{_money_sum(c, 'lag = 0')} AS {c}" for c in now_money)
    has = ", ".join(f"(COALESCE(SUM(acc_{c} + loan_{c}) FILTER (WHERE lag = 0), 0) > 0)::BIGINT "
                    f"AS has_{c}" for c in cats)
    coverage = " + ".join(f"has_{c}" for c in cats)
    e_channels = ", ".join(f"'{c}'" for c in E_CHANNELS)
    classes = " ".join(f"WHEN {i + 1} THEN '{c}'" for i, c in enumerate(LOAN_CLASSES))
    keep = 1.0 - tax_rate
    return f"""
WITH
acc_f AS (
  SELECT customer_id, period, COUNT(*) FILTER (WHERE open) AS open_accounts, {acc_cols}
  FROM (SELECT a.customer_id, a.period, p.category,
               a.opened_on <= m.month_end AND (a.closed_on IS NULL OR a.closed_on > m.month_end) AS open
        FROM accounts a JOIN products p USING (product_code, period) JOIN months m USING (period))
  GROUP BY ALL),
dep_f AS (
  SELECT a.customer_id, b.period,
         COALESCE(SUM(b.avg_daily_balance) FILTER (WHERE p.kind = 'deposit_demand'), 0)::{M} AS dep_demand,
         COALESCE(SUM(b.avg_daily_balance) FILTER (WHERE p.kind = 'deposit_time'), 0)::{M} AS dep_time,
         SUM(b.month_end_balance)::{M} AS dep_end,
         SUM((b.avg_daily_balance::{R} * (f.ftp_rate::{R} - COALESCE(b.rate, 0)::{R}))::{X})::{X}
             AS dep_margin
  FROM balances b JOIN accounts a USING (account_id, period) JOIN products p USING (product_code, period)
  LEFT JOIN ftp f ON f.period = b.period AND f.ftp_kind = p.kind
                 AND f.ftp_bucket = COALESCE(p.term_bucket, 'ON')
  WHERE p.kind IN ('deposit_demand', 'deposit_time')
  GROUP BY ALL),
loan_f AS (
  SELECT l.customer_id, l.period, SUM(avg_daily_balance)::{M} AS loan_avg, COUNT(*) AS loans,
         SUM((avg_daily_balance::{R} * (client_rate::{R} - ftp_rate::{R}))::{X})::{X} AS loan_margin,
         SUM((avg_daily_balance::{R} * client_rate::{R})::{X})::{X} AS loan_interest,
         MAX(class_rank) AS worst_rank, MAX(days_overdue) AS max_overdue, {loan_cols}
  FROM (SELECT l.*, p.category,
               CASE WHEN mo <= 0 THEN 'ON' WHEN mo <= 3 THEN '3M' WHEN mo <= 6 THEN '6M'
                    WHEN mo <= 12 THEN '1Y' WHEN mo <= 36 THEN '3Y' WHEN mo <= 60 THEN '5Y'
                    ELSE '5Y+' END AS bucket
        FROM (SELECT *, (year(maturity_date) - year(start_date)) * 12
                        + month(maturity_date) - month(start_date)
                        + CASE WHEN day(maturity_date) > day(start_date) THEN 1 ELSE 0 END AS mo
              FROM loans) l JOIN products p USING (product_code, period)) l
  LEFT JOIN ftp f ON f.period = l.period AND f.ftp_kind = 'loan' AND f.ftp_bucket = l.bucket
  LEFT JOIN classes c USING (classification)
  GROUP BY l.customer_id, l.period),
fee_f AS (SELECT customer_id, period, {gross} FROM fee_income GROUP BY ALL),
txn_f AS (
  SELECT customer_id, period, COUNT(*) AS txn_count,
         COUNT(*) FILTER (WHERE direction = 'in') AS txn_in_count,
         COUNT(*) FILTER (WHERE direction = 'out') AS txn_out_count,
         COALESCE(SUM(amount) FILTER (WHERE direction = 'in'), 0)::{M} AS txn_in_amount,
         COALESCE(SUM(amount) FILTER (WHERE direction = 'out'), 0)::{M} AS txn_out_amount,
         COUNT(*) FILTER (WHERE channel IN ({e_channels})) AS ebank_count,
         COALESCE(SUM(amount) FILTER (WHERE direction = 'out' AND counterparty_bank IS NOT NULL
                                      AND counterparty_bank <> '{own_bank}'), 0)::{M} AS out_other_bank,
         COUNT(*) FILTER (WHERE txn_type = 'payroll') AS payroll_txn_count,
         bit_count(bit_or(1::BIGINT << (day(txn_date) - 1))) AS active_days,
         MIN(txn_date) AS first_txn, MAX(txn_date) AS last_txn
  FROM transactions GROUP BY customer_id, period),
cm0 AS (
  SELECT c.customer_id, c.period, m.lag, m.days, m.day_factor, m.hurdle_factor, m.loan_tax_factor,
         r.rating_rank, r.pd, r.lgd, r.el_factor, r.k_factor,
         COALESCE(d.dep_demand, 0)::{M} AS dep_demand_avg, COALESCE(d.dep_time, 0)::{M} AS dep_time_avg,
         COALESCE(d.dep_end, 0)::{M} AS dep_end, COALESCE(d.dep_margin, 0)::{X} AS dep_margin,
         COALESCE(l.loan_avg, 0)::{M} AS loan_avg, COALESCE(l.loans, 0) AS loans,
         COALESCE(l.loan_margin, 0)::{X} AS loan_margin, COALESCE(l.loan_interest, 0)::{X} AS loan_interest,
         l.worst_rank, l.max_overdue,
         {", ".join(f"COALESCE(l.loan_{c}, 0) AS loan_{c}" for c in cats)},
         {", ".join(f"COALESCE(fe.gross_{c}, 0) AS gross_{c}" for c in FEE_CATEGORIES)},
         COALESCE(a.open_accounts, 0) AS open_accounts,
         {", ".join(f"COALESCE(a.acc_{c}, 0) AS acc_{c}" for c in cats)},
         COALESCE(t.txn_count, 0) AS txn_count, COALESCE(t.txn_in_count, 0) AS txn_in_count,
         COALESCE(t.txn_out_count, 0) AS txn_out_count,
         COALESCE(t.txn_in_amount, 0)::{M} AS txn_in_amount,
         COALESCE(t.txn_out_amount, 0)::{M} AS txn_out_amount,
         COALESCE(t.ebank_count, 0) AS ebank_count, COALESCE(t.out_other_bank, 0)::{M} AS out_other_bank,
         COALESCE(t.payroll_txn_count, 0) AS payroll_txn_count,
         COALESCE(t.active_days, 0) AS active_days, t.first_txn, t.last_txn
  FROM customers c JOIN months m USING (period)
  LEFT JOIN ratings r ON r.period = c.period AND r.rating_key = COALESCE(c.rating, '')
  LEFT JOIN dep_f d ON d.customer_id = c.customer_id AND d.period = c.period
  LEFT JOIN loan_f l ON l.customer_id = c.customer_id AND l.period = c.period
  LEFT JOIN fee_f fe ON fe.customer_id = c.customer_id AND fe.period = c.period
  LEFT JOIN acc_f a ON a.customer_id = c.customer_id AND a.period = c.period
  LEFT JOIN txn_f t ON t.customer_id = c.customer_id AND t.period = c.period),
cm1 AS (
  SELECT *, (dep_demand_avg + dep_time_avg)::{M} AS dep_avg,
         ROUND(dep_margin::{W} * day_factor::{W}, 2)::{M} AS dep_nii,
         ROUND(loan_margin::{W} * day_factor::{W} - loan_interest::{W} * loan_tax_factor::{W}, 2)::{M}
             AS loan_nii,
         {fees},
         ROUND(({drivers['per_customer']}::{R} + open_accounts::{R} * {drivers['per_account']}::{R}
                + txn_count::{R} * {drivers['per_transaction']}::{R}
                + loans::{R} * {drivers['per_loan']}::{R})::{X}, 2)::{M} AS op_cost,
         ROUND(loan_avg::{W} * el_factor::{W}, 2)::{M} AS expected_loss,
         ROUND(loan_avg::{W} * k_factor::{W}, 2)::{M} AS econ_capital
  FROM cm0),
cm AS (
  SELECT *, ({fee_total})::{M} AS fee_income,
         (dep_nii + loan_nii + {fee_total} - op_cost - expected_loss)::{M} AS contribution
  FROM cm1),
cmv AS (
  SELECT *, (ROUND(contribution::{W} * {after_tax_factor}::{W}, 2)
             - ROUND(econ_capital::{W} * hurdle_factor::{W}, 2))::{M} AS eva,
         (econ_capital::{R} * days::{R})::{X} AS capital_days
  FROM cm),
agg AS (
  SELECT customer_id, {now_cols},
    {_mean("dep_avg", "lag < 3")} AS dep_avg_r3, {_mean("dep_avg", "lag < 12")} AS dep_avg_r12,
    {_mean("loan_avg", "lag < 3")} AS loan_avg_r3, {_mean("loan_avg", "lag < 12")} AS loan_avg_r12,
    {_money_sum("contribution", "lag < 3")} AS contribution_r3,
    {_money_sum("contribution", "lag < 12")} AS contribution_r12,
    {_money_sum("dep_nii", "lag < 12")} AS dep_nii_r12,
    {_money_sum("loan_nii", "lag < 12")} AS loan_nii_r12,
    {_money_sum("fee_income", "lag < 12")} AS fee_income_r12,
    {_money_sum("eva", "lag < 12")} AS eva_r12,
    SUM(capital_days) FILTER (WHERE lag = 0)::{X} AS cap_days,
    SUM(capital_days) FILTER (WHERE lag < 12)::{X} AS cap_days_r12,
    SUM(dep_avg) FILTER (WHERE lag = 12)::{M} AS dep_base,
    CASE WHEN COUNT(*) FILTER (WHERE lag = 12) > 0
         THEN SUM(contribution) FILTER (WHERE lag BETWEEN 12 AND 23) END::{M} AS contribution_base,
    COUNT(*) FILTER (WHERE lag < 12) AS n12,
    SUM(dep_avg) FILTER (WHERE lag < 12)::{Q} AS s_y,
    SUM((dep_avg::{R} * dep_avg::{R})::{X}) FILTER (WHERE lag < 12)::{Q} AS s_yy,
    SUM(11 - lag) FILTER (WHERE lag < 12) AS s_t,
    SUM((11 - lag) * (11 - lag)) FILTER (WHERE lag < 12) AS s_tt,
    SUM(((11 - lag)::{R} * dep_avg::{R})::{X}) FILTER (WHERE lag < 12)::{Q} AS s_ty,
    SUM(dep_end) FILTER (WHERE lag = 0) AS dep_end,
    {", ".join(f"COALESCE(SUM({c}) FILTER (WHERE lag = 0), 0) AS {c}" for c in
               ("txn_count", "txn_in_count", "txn_out_count", "payroll_txn_count", "active_days"))},
    {_money_sum("txn_in_amount", "lag = 0")} AS txn_in_amount,
    {_money_sum("txn_out_amount", "lag = 0")} AS txn_out_amount,
    SUM(ebank_count) FILTER (WHERE lag = 0) AS ebank_count,
    {_money_sum("out_other_bank", "lag = 0")} AS out_other_bank,
    SUM(txn_count) FILTER (WHERE lag = 1) AS txn_count_prev,
    {_money_sum("txn_in_amount + txn_out_amount", "lag = 1")} AS txn_amount_prev,
    COUNT(*) FILTER (WHERE lag = 1) AS prev_months,
    COALESCE(SUM(txn_count) FILTER (WHERE lag < 3), 0) AS txn_count_r3,
    COUNT(*) FILTER (WHERE lag < 12 AND txn_count > 0) AS months_active_12,
    SUM(active_days) FILTER (WHERE lag < 12) AS active_12,
    MIN(first_txn) FILTER (WHERE lag < 12) AS first_12, MAX(last_txn) FILTER (WHERE lag < 12) AS last_12,
    {has},
    COALESCE(SUM(acc_cash_management) FILTER (WHERE lag = 0), 0) AS cash_mgmt_accounts,
    NULLIF(MAX(rating_rank) FILTER (WHERE lag = 0), 0) AS rating_rank,
    MAX(pd) FILTER (WHERE lag = 0) AS pd, MAX(lgd) FILTER (WHERE lag = 0) AS lgd,
    COALESCE(MAX(worst_rank) FILTER (WHERE lag = 0), 0) AS worst_loan_class_rank,
    COALESCE(MAX(max_overdue) FILTER (WHERE lag = 0), 0) AS max_days_overdue
  FROM cmv GROUP BY customer_id),
cp AS (SELECT customer_id, COUNT(DISTINCT counterparty) AS counterparties
       FROM transactions WHERE period = '{period}' GROUP BY customer_id),
cur AS (SELECT * FROM customers WHERE period = '{period}'),
links AS (
  SELECT c.customer_id, CASE WHEN p.customer_id IS NOT NULL AND c.parent_id <> c.customer_id
                             THEN c.parent_id END AS up
  FROM cur c LEFT JOIN cur p ON p.customer_id = c.parent_id),
chain AS (
  WITH RECURSIVE walk(customer_id, top, up, depth) AS (
    SELECT customer_id, customer_id, up, 0 FROM links
    UNION ALL
    SELECT w.customer_id, w.up, l.up, w.depth + 1
    FROM walk w JOIN links l ON l.customer_id = w.up WHERE w.up IS NOT NULL AND w.depth < 10)
  SELECT customer_id, arg_max(top, depth) AS top FROM walk GROUP BY customer_id),
grp AS (
  SELECT ch.customer_id, ch.top AS group_head_id,
         COALESCE(NULLIF(c.group_id, ''), NULLIF(h.group_id, ''),
                  CASE WHEN COUNT(*) OVER (PARTITION BY ch.top) > 1 THEN ch.top END) AS group_id
  FROM chain ch JOIN cur c USING (customer_id) JOIN cur h ON h.customer_id = ch.top),
snap AS (
  SELECT c.customer_id, c.period, c.name, g.group_id, g.group_head_id, c.parent_id,
         c.industry_section, c.enterprise_size, c.sub_branch, c.rm_id, c.status, c.onboarded_on,
         c.rating, a.*,
         COALESCE(cp.counterparties, 0) AS counterparties,
         (n12 * s_yy)::{Q} - (s_y * s_y)::{Q} AS spread,
         CASE WHEN (n12 * s_tt - s_t * s_t) = 0 THEN NULL
              ELSE ((n12 * s_ty)::{Q} - (s_t * s_y)::{Q})::{Q}::DOUBLE
                   / (n12 * s_tt - s_t * s_t)::DOUBLE END AS slope
  FROM cur c JOIN agg a USING (customer_id) JOIN grp g USING (customer_id)
  LEFT JOIN cp USING (customer_id)),
fin AS (
  SELECT *,
    contribution::DOUBLE * {keep * 365.0} / NULLIF(cap_days::DOUBLE, 0) AS raroc,
    contribution_r12::DOUBLE * {keep * 365.0} / NULLIF(cap_days_r12::DOUBLE, 0) AS raroc_r12,
    (dep_avg::DOUBLE - dep_base::DOUBLE) / NULLIF(abs(dep_base::DOUBLE), 0) AS dep_avg_yoy,
    (contribution_r12::DOUBLE - contribution_base::DOUBLE) / NULLIF(abs(contribution_base::DOUBLE), 0)
        AS contribution_r12_yoy,
    greatest(date_diff('month', onboarded_on, DATE '{period_end}')
             - CASE WHEN day(DATE '{period_end}') < day(onboarded_on) THEN 1 ELSE 0 END, 0)
        AS tenure_months,
    sqrt(spread::DOUBLE) / NULLIF(s_y::DOUBLE, 0) AS dep_cv_12,
    slope AS dep_trend_12, slope * n12 / NULLIF(s_y::DOUBLE, 0) AS dep_trend_rel_12,
    dep_end::DOUBLE / NULLIF(dep_avg::DOUBLE, 0) AS end_to_avg_ratio,
    date_diff('day', last_12, DATE '{period_end}') AS days_since_last_txn,
    ebank_count::DOUBLE / NULLIF(txn_count::DOUBLE, 0) AS ebank_share,
    out_other_bank::DOUBLE / NULLIF(txn_out_amount::DOUBLE, 0) AS outflow_other_bank_share,
    CASE WHEN prev_months > 0 THEN (txn_count - txn_count_prev)::DOUBLE
         / NULLIF(abs(txn_count_prev::DOUBLE), 0) END AS txn_count_mom,
    CASE WHEN prev_months > 0 THEN ((txn_in_amount + txn_out_amount)::DOUBLE
         - txn_amount_prev::DOUBLE) / NULLIF(abs(txn_amount_prev::DOUBLE), 0) END AS txn_amount_mom,
    CASE WHEN active_12 > 0 THEN active_12 - 1 END AS bgnbd_x,
    date_diff('day', first_12, last_12) / 7.0 AS bgnbd_t_x,
    date_diff('day', first_12, DATE '{period_end}') / 7.0 AS bgnbd_T,
    {coverage} AS product_coverage,
    CASE worst_loan_class_rank {classes} END AS worst_loan_class
  FROM snap)
SELECT *,
  CASE WHEN group_id IS NOT NULL THEN SUM(dep_avg) OVER g END AS group_dep_avg,
  CASE WHEN group_id IS NOT NULL THEN SUM(loan_avg) OVER g END AS group_loan_avg,
  CASE WHEN group_id IS NOT NULL THEN SUM(contribution) OVER g END AS group_contribution,
  CASE WHEN group_id IS NOT NULL THEN SUM(contribution_r12) OVER g END AS group_contribution_r12,
  CASE WHEN group_id IS NOT NULL THEN COUNT(*) OVER g END AS group_members,
  CASE WHEN group_id IS NOT NULL AND SUM(contribution) OVER g > 0
       THEN contribution::DOUBLE / (SUM(contribution) OVER g)::DOUBLE END
      AS group_contribution_share
FROM fin WINDOW g AS (PARTITION BY group_id)
ORDER BY customer_id
"""
