"""The label of every indicator column in both languages, beside their definitions (columns.py).

`INDICATOR_LABELS[name]` is (Chinese, English); `indicator_label(name, lang)` shows it with the
code, e.g. "存款日均（近3月） (dep_avg_r3)".
"""

from __future__ import annotations

from corptier.contract.schema import FEE_CATEGORIES, PRODUCT_CATEGORIES

CATEGORY_LABELS = {
    "settlement": ("结算", "settlement"),
    "financing": ("融资", "financing"),
    "trade": ("国际贸易", "trade finance"),
    "cash_management": ("现金管理", "cash management"),
    "investment_banking": ("投资银行", "investment banking"),
    "payroll": ("代发工资", "payroll"),
    "wealth": ("财富管理", "wealth management"),
    "ebanking": ("电子银行", "e-banking"),
    "other": ("其他", "other"),
}
"""Fee and product categories of the data contract."""

_FIXED = {
    # identification
    "customer_id": ("客户编号", "customer id"),
    "period": ("期间", "period"),
    "name": ("客户名称", "customer name"),
    "group_id": ("所属集团", "corporate group"),
    "group_head_id": ("集团顶层母公司", "group head"),
    "parent_id": ("直接母公司", "direct parent"),
    "industry_section": ("行业门类", "industry section"),
    "enterprise_size": ("企业规模", "enterprise size"),
    "sub_branch": ("经营支行", "sub-branch"),
    "rm_id": ("客户经理", "relationship manager"),
    "status": ("关系状态", "relationship status"),
    "onboarded_on": ("建立关系日期", "onboarded on"),
    # value
    "dep_demand_avg": ("活期存款日均", "demand deposits, avg. daily"),
    "dep_time_avg": ("定期存款日均", "time deposits, avg. daily"),
    "dep_avg": ("存款日均", "deposits, avg. daily"),
    "dep_avg_r3": ("存款日均（近3月）", "deposits, avg. daily, last 3 months"),
    "dep_avg_r12": ("存款日均（近12月）", "deposits, avg. daily, last 12 months"),
    "loan_avg": ("贷款日均", "loans, avg. daily"),
    "loan_avg_r3": ("贷款日均（近3月）", "loans, avg. daily, last 3 months"),
    "loan_avg_r12": ("贷款日均（近12月）", "loans, avg. daily, last 12 months"),
    "off_balance": ("表外敞口", "off-balance exposure"),
    "ead": ("违约风险暴露（EAD）", "exposure at default (EAD)"),
    "total_credit": ("授信总额", "total credit"),
    "inclusive_finance": ("普惠小微", "inclusive finance (small and micro)"),
    "dep_nii": ("存款净利息收入", "deposit net interest income"),
    "loan_nii": ("贷款净利息收入", "loan net interest income"),
    "fee_income": ("中间业务收入", "fee income"),
    "op_cost": ("运营成本", "operating cost"),
    "expected_loss": ("预期损失", "expected loss"),
    "econ_capital": ("经济资本", "economic capital"),
    "contribution": ("综合贡献", "contribution"),
    "raroc": ("RAROC（风险调整资本收益率）", "RAROC"),
    "eva": ("经济增加值", "EVA"),
    "contribution_r3": ("综合贡献（近3月）", "contribution, last 3 months"),
    "contribution_r12": ("综合贡献（近12月）", "contribution, last 12 months"),
    "dep_nii_r12": ("存款净利息收入（近12月）", "deposit NII, last 12 months"),
    "loan_nii_r12": ("贷款净利息收入（近12月）", "loan NII, last 12 months"),
    "fee_income_r12": ("中间业务收入（近12月）", "fee income, last 12 months"),
    "eva_r12": ("经济增加值（近12月）", "EVA, last 12 months"),
    "raroc_r12": ("RAROC（近12月）", "RAROC, last 12 months"),
    "dep_avg_yoy": ("存款日均同比增速", "deposits growth, year on year"),
    "contribution_r12_yoy": ("综合贡献（近12月）同比增速", "contribution (12 months) growth, "
                                                         "year on year"),
    # stability
    "tenure_months": ("合作月数", "tenure in months"),
    "months_active_12": ("近12月活跃月数", "active months, last 12"),
    "dep_cv_12": ("存款波动系数（近12月）", "deposit variability, last 12 months"),
    "dep_trend_12": ("存款趋势（元/月）", "deposit trend, yuan per month"),
    "dep_trend_rel_12": ("存款相对趋势", "deposit trend, relative"),
    "end_to_avg_ratio": ("月末存款与日均之比", "month-end to average deposits"),
    # behaviour
    "txn_count": ("交易笔数", "transactions"),
    "txn_in_count": ("转入笔数", "incoming transactions"),
    "txn_out_count": ("转出笔数", "outgoing transactions"),
    "txn_in_amount": ("转入金额", "incoming amount"),
    "txn_out_amount": ("转出金额", "outgoing amount"),
    "active_days": ("活跃天数", "active days"),
    "days_since_last_txn": ("距最近交易天数", "days since the last transaction"),
    "ebank_share": ("电子渠道交易占比", "e-channel share of transactions"),
    "counterparties": ("交易对手数", "counterparties"),
    "outflow_other_bank_share": ("流向他行资金占比", "share of outflow to other banks"),
    "txn_count_mom": ("交易笔数环比", "transactions, month on month"),
    "txn_amount_mom": ("交易金额环比", "transaction amount, month on month"),
    "txn_count_r3": ("交易笔数（近3月）", "transactions, last 3 months"),
    "bgnbd_x": ("BG/NBD 重复活跃天数", "BG/NBD repeat active days"),
    "bgnbd_t_x": ("BG/NBD 首末活跃间隔（周）", "BG/NBD weeks first to last activity"),
    "bgnbd_T": ("BG/NBD 观察期（周）", "BG/NBD weeks observed"),
    # needs
    "product_coverage": ("产品覆盖度", "product coverage"),
    "payroll_txn_count": ("代发工资笔数", "payroll transactions"),
    "cash_mgmt_accounts": ("现金管理账户数", "cash-management accounts"),
    # risk
    "rating": ("内部评级", "internal rating"),
    "rating_rank": ("评级序位", "rating rank"),
    "pd": ("违约概率", "probability of default"),
    "lgd": ("违约损失率", "loss given default"),
    "worst_loan_class": ("最差五级分类", "worst loan class"),
    "worst_loan_class_rank": ("最差五级分类序位", "worst loan class rank"),
    "max_days_overdue": ("最长逾期天数", "maximum days past due"),
    "in_default": ("违约标志", "in default"),
    "effective_maturity": ("有效期限（年）", "effective maturity, years"),
    "irb_size_adjustment": ("内评法规模调整", "IRB size adjustment"),
    # group
    "group_dep_avg": ("集团存款日均", "group deposits, avg. daily"),
    "group_loan_avg": ("集团贷款日均", "group loans, avg. daily"),
    "group_contribution": ("集团综合贡献", "group contribution"),
    "group_contribution_r12": ("集团综合贡献（近12月）", "group contribution, last 12 months"),
    "group_members": ("集团成员数", "group members"),
    "group_contribution_share": ("占集团贡献比例", "share of the group's contribution"),
}

INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    **_FIXED,
    **{f"fee_{c}": (f"中间业务收入：{CATEGORY_LABELS[c][0]}",
                    f"fee income: {CATEGORY_LABELS[c][1]}") for c in FEE_CATEGORIES},
    **{f"has_{c}": (f"持有{CATEGORY_LABELS[c][0]}产品", f"holds {CATEGORY_LABELS[c][1]}")
       for c in PRODUCT_CATEGORIES},
}


def indicator_label(name: str, lang: str) -> str:
    """The indicator's label in `lang` with its code beside it; an unknown name as it is."""
    labels = INDICATOR_LABELS.get(name)
    if labels is None:
        return name
    text = labels[0] if lang.startswith("zh") else labels[1]
    return f"{text} ({name})"
