"""The indicator names a standard may refer to.

The indicator engine is the authority: when `corptier.engine` exports `INDICATOR_COLUMNS`, that
list is used. Until then (and as a fallback) the list below, copied from the team brief, is used.
"""

from __future__ import annotations

from functools import lru_cache

IDENTIFICATION = (
    "customer_id", "period", "name", "group_id", "parent_id", "industry_section",
    "enterprise_size", "sub_branch", "rm_id", "status", "onboarded_on",
)
VALUE = (
    "dep_demand_avg", "dep_time_avg", "dep_avg", "dep_avg_r3", "dep_avg_r12", "loan_avg",
    "loan_avg_r3", "loan_avg_r12", "dep_nii", "loan_nii", "fee_income", "fee_settlement",
    "fee_financing", "fee_trade", "fee_cash_management", "fee_investment_banking", "fee_payroll",
    "fee_wealth", "fee_ebanking", "fee_other", "op_cost", "expected_loss", "econ_capital",
    "contribution", "raroc", "eva", "contribution_r3", "contribution_r12", "dep_nii_r12",
    "loan_nii_r12", "fee_income_r12", "eva_r12", "raroc_r12", "dep_avg_yoy",
    "contribution_r12_yoy",
)
STABILITY = (
    "tenure_months", "months_active_12", "dep_cv_12", "dep_trend_12", "dep_trend_rel_12",
    "end_to_avg_ratio",
)
BEHAVIOUR = (
    "txn_count", "txn_in_count", "txn_out_count", "txn_in_amount", "txn_out_amount",
    "active_days", "days_since_last_txn", "ebank_share", "counterparties",
    "outflow_other_bank_share", "txn_count_mom", "txn_amount_mom", "txn_count_r3", "bgnbd_x",
    "bgnbd_t_x", "bgnbd_T",
)
NEEDS = (
    "has_settlement", "has_financing", "has_trade", "has_cash_management",
    "has_investment_banking", "has_payroll", "has_wealth", "has_ebanking", "product_coverage",
    "payroll_txn_count", "cash_mgmt_accounts",
)
RISK = (
    "rating", "rating_rank", "pd", "lgd", "worst_loan_class", "worst_loan_class_rank",
    "max_days_overdue",
)
GROUP = (
    "group_dep_avg", "group_loan_avg", "group_contribution", "group_contribution_r12",
    "group_members", "group_contribution_share",
)

FALLBACK_INDICATORS: tuple[str, ...] = (
    IDENTIFICATION + VALUE + STABILITY + BEHAVIOUR + NEEDS + RISK + GROUP
)

#: Columns that hold text or dates: usable in conditions with == / != / is null, never scored.
TEXT_INDICATORS: frozenset[str] = frozenset(
    {*IDENTIFICATION, "rating", "worst_loan_class", "group_head_id"}
)


@lru_cache(maxsize=1)
def known_indicators() -> frozenset[str]:
    """Every indicator column name a standard may use (the engine's list when it has one)."""
    try:
        from corptier.engine import INDICATOR_COLUMNS  # type: ignore[attr-defined]
    except ImportError:
        return frozenset(FALLBACK_INDICATORS)
    names = {str(getattr(item, "name", item)) for item in INDICATOR_COLUMNS}
    return frozenset(names) | frozenset(IDENTIFICATION)


def scorable_indicators() -> frozenset[str]:
    """Indicator names that hold numbers and may carry a scoring method."""
    return known_indicators() - TEXT_INDICATORS
