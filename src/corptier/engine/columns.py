"""The columns of the indicator snapshots: name, kind and a one-line meaning.

`INDICATOR_COLUMNS` is the authority for the names a tiering standard may use; the formulas are
in docs/indicators.md. Kinds: text, date, int, money (DECIMAL(18,2) yuan), ratio (float64).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from corptier.contract.schema import FEE_CATEGORIES, PRODUCT_CATEGORIES

ARROW = {
    "text": pa.string(), "date": pa.date32(), "int": pa.int64(),
    "money": pa.decimal128(18, 2), "ratio": pa.float64(),
}


@dataclass(frozen=True)
class IndicatorColumn:
    name: str
    kind: str
    area: str
    meaning: str

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW[self.kind]


def _cols(area: str, rows: list[tuple[str, str, str]]) -> list[IndicatorColumn]:
    return [IndicatorColumn(n, k, area, m) for n, k, m in rows]


IDENTIFICATION = _cols("identification", [
    ("customer_id", "text", "customer number"),
    ("period", "text", "period YYYY-MM"),
    ("name", "text", "registered name"),
    ("group_id", "text", "corporate group (data; else top parent's group; else top parent)"),
    ("group_head_id", "text", "top-level parent in the period (the customer itself if none)"),
    ("parent_id", "text", "direct parent"),
    ("industry_section", "text", "GB/T 4754 section"),
    ("enterprise_size", "text", "large/medium/small/micro/unclassified"),
    ("sub_branch", "text", "booking sub-branch"),
    ("rm_id", "text", "relationship manager"),
    ("status", "text", "relationship status"),
    ("onboarded_on", "date", "start of the relationship"),
])
VALUE = _cols("value", [
    ("dep_demand_avg", "money", "average daily demand deposits of the period"),
    ("dep_time_avg", "money", "average daily time deposits of the period"),
    ("dep_avg", "money", "average daily deposits (demand + time)"),
    ("dep_avg_r3", "money", "day-weighted average daily deposits, last 3 months"),
    ("dep_avg_r12", "money", "day-weighted average daily deposits, last 12 months"),
    ("loan_avg", "money", "average daily loan balance"),
    ("loan_avg_r3", "money", "day-weighted average daily loans, last 3 months"),
    ("loan_avg_r12", "money", "day-weighted average daily loans, last 12 months"),
    ("dep_nii", "money", "deposit net interest income against FTP"),
    ("loan_nii", "money", "loan net interest income against FTP"),
    ("fee_income", "money", "fee income net of VAT"),
    *((f"fee_{c}", "money", f"fee income net of VAT, category {c}") for c in FEE_CATEGORIES),
    ("op_cost", "money", "allocated operating cost"),
    ("expected_loss", "money", "expected loss of the month"),
    ("econ_capital", "money", "economic capital (IRB K × EAD)"),
    ("contribution", "money", "综合贡献 = NII + fees − cost − EL"),
    ("raroc", "ratio", "annualised after-tax contribution / economic capital"),
    ("eva", "money", "after-tax contribution − capital charge"),
    ("contribution_r3", "money", "contribution, last 3 months"),
    ("contribution_r12", "money", "contribution, last 12 months"),
    ("dep_nii_r12", "money", "deposit NII, last 12 months"),
    ("loan_nii_r12", "money", "loan NII, last 12 months"),
    ("fee_income_r12", "money", "fee income, last 12 months"),
    ("eva_r12", "money", "EVA, last 12 months"),
    ("raroc_r12", "ratio", "RAROC over the last 12 months"),
    ("dep_avg_yoy", "ratio", "dep_avg growth against the same month last year (complete base)"),
    ("contribution_r12_yoy", "ratio", "contribution_r12 growth, a year earlier (complete base)"),
])
STABILITY = _cols("stability", [
    ("tenure_months", "int", "whole months since onboarding"),
    ("months_active_12", "int", "months with a transaction, last 12"),
    ("dep_cv_12", "ratio", "coefficient of variation of monthly dep_avg, last 12 months"),
    ("dep_trend_12", "ratio", "OLS slope of monthly dep_avg, yuan per month"),
    ("dep_trend_rel_12", "ratio", "dep_trend_12 / mean monthly dep_avg"),
    ("end_to_avg_ratio", "ratio", "month-end deposits / average daily deposits"),
])
BEHAVIOUR = _cols("behaviour", [
    ("txn_count", "int", "transactions in the period"),
    ("txn_in_count", "int", "incoming transactions"),
    ("txn_out_count", "int", "outgoing transactions"),
    ("txn_in_amount", "money", "incoming amount"),
    ("txn_out_amount", "money", "outgoing amount"),
    ("active_days", "int", "days with a transaction"),
    ("days_since_last_txn", "int", "days from the last transaction (12 months) to period end"),
    ("ebank_share", "ratio", "share of transactions through online, mobile, host-to-host"),
    ("counterparties", "int", "distinct counterparties"),
    ("outflow_other_bank_share", "ratio", "share of the outflow amount paid to other banks"),
    ("txn_count_mom", "ratio", "txn_count change against the previous month"),
    ("txn_amount_mom", "ratio", "in + out amount change against the previous month"),
    ("txn_count_r3", "int", "transactions, last 3 months"),
    ("bgnbd_x", "int", "BG/NBD repeat active weeks, last 12 months"),
    ("bgnbd_t_x", "ratio", "BG/NBD weeks from first to last active week"),
    ("bgnbd_T", "ratio", "BG/NBD weeks from first active week to period end"),
])
NEEDS = _cols("needs", [
    *((f"has_{c}", "int", f"1 if a {c} product is held at period end") for c in PRODUCT_CATEGORIES),
    ("product_coverage", "int", "product categories held"),
    ("payroll_txn_count", "int", "payroll transactions"),
    ("cash_mgmt_accounts", "int", "open cash-management accounts"),
])
RISK = _cols("risk", [
    ("rating", "text", "internal rating grade"),
    ("rating_rank", "int", "rank of the grade, 1 = best"),
    ("pd", "ratio", "probability of default used (floored; unrated: assumption; 1 in default)"),
    ("lgd", "ratio", "loss given default used"),
    ("worst_loan_class", "text", "worst 五级分类 of the loans"),
    ("worst_loan_class_rank", "int", "0 no loan, 1 正常 … 5 损失"),
    ("max_days_overdue", "int", "maximum days past due of the loans"),
    ("in_default", "int", "1 when a loan is 次级 or worse or more than 90 days past due"),
    ("effective_maturity", "ratio", "IRB effective maturity M in years (loans' remaining term)"),
    ("irb_size_adjustment", "ratio", "SME adjustment of the IRB correlation; null: no revenue"),
    ("off_balance", "money", "off-balance facilities at period end (acceptances, L/C, ...)"),
    ("ead", "money", "exposure at default: loan_avg + CCF × facilities net of margin"),
    ("total_credit", "money", "credit at period end: loan balances + off-balance facilities"),
    ("inclusive_finance", "int", "1 for a small or micro firm with total credit ≤ 10 million"),
])
GROUP = _cols("group", [
    ("group_dep_avg", "money", "dep_avg summed over the group"),
    ("group_loan_avg", "money", "loan_avg summed over the group"),
    ("group_contribution", "money", "contribution summed over the group"),
    ("group_contribution_r12", "money", "contribution_r12 summed over the group"),
    ("group_members", "int", "customers in the group"),
    ("group_contribution_share", "ratio", "contribution / group_contribution"),
])

INDICATOR_COLUMNS: tuple[IndicatorColumn, ...] = tuple(
    IDENTIFICATION + VALUE + STABILITY + BEHAVIOUR + NEEDS + RISK + GROUP
)
CUSTOMER_SCHEMA = pa.schema([pa.field(c.name, c.arrow_type) for c in INDICATOR_COLUMNS])

GROUP_SUMS = (
    "dep_avg", "dep_avg_r12", "loan_avg", "loan_avg_r12", "dep_nii", "loan_nii", "fee_income",
    "op_cost", "expected_loss", "econ_capital", "contribution", "contribution_r3",
    "contribution_r12", "eva", "eva_r12",
)
GROUP_SCHEMA = pa.schema(
    [pa.field("group_id", pa.string()), pa.field("period", pa.string()),
     pa.field("head_customer_id", pa.string()), pa.field("members", pa.int64())]
    + [pa.field(n, ARROW["money"]) for n in GROUP_SUMS]
    + [pa.field("raroc", pa.float64())]
)
