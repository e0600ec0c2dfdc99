"""The input data contract: every table a bank exports for one period, column by column.

This module is the single source of truth for the synthetic bank, the loader, the validation
and `docs/data-contract.md`. Money is DECIMAL(18,2) in yuan (balances and
transactions: in the account's currency, see FX_RATES); rates are decimals (0.0435 = 4.35 %)
as DECIMAL(10,6); dates are ISO `YYYY-MM-DD`; months `YYYY-MM`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa

DType = Literal["string", "int", "money", "rate", "date", "month"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "money": pa.decimal128(18, 2),
    "rate": pa.decimal128(10, 6),
    "date": pa.date32(),
    "month": pa.string(),
}

PRODUCT_CATEGORIES = (
    "settlement",
    "financing",
    "trade",
    "cash_management",
    "investment_banking",
    "payroll",
    "wealth",
    "ebanking",
)
PRODUCT_KINDS = ("deposit_demand", "deposit_time", "loan", "service")
FTP_KINDS = ("deposit_demand", "deposit_time", "loan")
TERM_BUCKETS = ("ON", "3M", "6M", "1Y", "3Y", "5Y", "5Y+")
LOAN_CLASSES = ("正常", "关注", "次级", "可疑", "损失")
CHANNELS = ("counter", "online", "mobile", "host_to_host", "atm")
E_CHANNELS = ("online", "mobile", "host_to_host")
TXN_TYPES = (
    "transfer",
    "payroll",
    "tax",
    "utilities",
    "trade_settlement",
    "loan_drawdown",
    "loan_repayment",
    "cash",
    "fee",
    "interest",
    "other",
)
FEE_CATEGORIES = (*PRODUCT_CATEGORIES, "other")
CUSTOMER_STATUSES = ("active", "dormant", "closed")
GUARANTEE_TYPES = ("guarantee", "mortgage", "pledge")
GUARANTEE_TYPE_ALIASES = (("保证", "guarantee"), ("抵押", "mortgage"), ("质押", "pledge"))
FACILITY_KINDS = ("bank_acceptance", "letter_of_credit", "letter_of_guarantee",
                  "undrawn_commitment")
CNY_ALIASES = (("人民币", "CNY"), ("RMB", "CNY"), ("rmb", "CNY"), ("156", "CNY"))
ID_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"
MONEY_MAX = Decimal("9999999999999999.99")
# plausible dates (policy): nothing a bank exports happened before EARLIEST_DATE, and no date
# (not even a loan's maturity) lies after LATEST_DATE; columns marked `not_after_period` (a
# founding, onboarding, opening, drawdown or closing) are on or before the loaded period's end
EARLIEST_DATE = "1900-01-01"
LATEST_DATE = "2199-12-31"


@dataclass(frozen=True)
class Column:
    """One column: its type, whether it may be empty, and the values it may take."""

    name: str
    dtype: DType
    description: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min: Decimal | int | None = None
    max: Decimal | int | None = None
    pattern: str | None = None
    references: tuple[str, str] | None = None
    not_after_period: bool = False
    aliases: tuple[tuple[str, str], ...] = ()
    """Other ways of writing a value that are read as the contract's code (人民币 → CNY)."""
    default: str | None = None
    """Value of every row when a file has no such column (loaded with a warning)."""

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.dtype]


@dataclass(frozen=True)
class TableSpec:
    """One input table: columns, primary key, and the order rows are stored in."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sort_by: tuple[str, ...] = ()
    period_column: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    optional: bool = False
    """An optional table may be left out of a period's folder (then the period has none)."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name} has no column {name}")

    @property
    def arrow_schema(self) -> pa.Schema:
        fields = [pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns]
        return pa.schema(fields)


def _id(name: str, description: str, **kw: Any) -> Column:
    return Column(name, "string", description, pattern=ID_PATTERN, **kw)


def _money(name: str, description: str, **kw: Any) -> Column:
    kw.setdefault("min", Decimal(0))
    return Column(name, "money", description, max=MONEY_MAX, **kw)


def _rate(name: str, description: str, lo: str = "0", hi: str = "1", **kw: Any) -> Column:
    return Column(name, "rate", description, min=Decimal(lo), max=Decimal(hi), **kw)


RATING_SCALE = TableSpec(
    "rating_scale",
    "Internal rating master scale: each grade's probability of default and loss given default.",
    (
        Column("rating", "string", "Rating grade as used in `customers.rating` (e.g. AA+).",
               pattern=r"^[A-Za-z0-9+\-]{1,10}$"),
        Column("rank", "int", "Order of the grade, 1 = best.", min=1, max=100),
        _rate("pd", "One-year probability of default.", lo="0.000001"),
        _rate("lgd", "Loss given default.", lo="0.000001"),
    ),
    key=("rating",),
    sort_by=("rank",),
)

RELATIONSHIP_MANAGERS = TableSpec(
    "relationship_managers",
    "Relationship managers (客户经理).",
    (
        _id("rm_id", "Relationship manager id."),
        Column("name", "string", "Name."),
        Column("grade", "string", "Grade (e.g. 初级, 中级, 高级, 资深)."),
        Column("sub_branch", "string", "Sub-branch the manager belongs to."),
        Column("team", "string", "Team (团队) the manager works in; empty if none.",
               nullable=True),
        Column("team_head", "string", "RM id of the team's head (the head's own row may name "
               "itself); empty if none.", nullable=True, pattern=ID_PATTERN),
        Column("capacity", "int", "Capacity in weighted customers (tier weights: "
               "standards/staff.yaml); empty = the grade's default.", nullable=True, min=0,
               max=1_000_000),
        Column("start_date", "date", "Date the manager started as an RM.", nullable=True,
               not_after_period=True),
    ),
    key=("rm_id",),
    sort_by=("rm_id",),
)

RM_CERTIFICATIONS = TableSpec(
    "rm_certifications",
    "Certifications (资格证书) the relationship managers hold (optional): one row per manager "
    "and certification, with its expiry.",
    (
        _id("rm_id", "Relationship manager.", references=("relationship_managers", "rm_id")),
        _id("certification", "Certification code (as in standards/staff.yaml, e.g. credit)."),
        Column("issued", "date", "Date issued.", not_after_period=True),
        Column("expires", "date", "Date it expires; empty = does not expire.", nullable=True),
    ),
    key=("rm_id", "certification"),
    sort_by=("rm_id", "certification"),
    optional=True,
)

TRAINING_RECORDS = TableSpec(
    "training_records",
    "Training the relationship managers completed (optional): course, hours, date and score.",
    (
        _id("rm_id", "Relationship manager.", references=("relationship_managers", "rm_id")),
        _id("course", "Course code (as in the training catalogue of standards/staff.yaml)."),
        Column("hours", "int", "Hours of training.", min=0, max=10_000),
        Column("date", "date", "Date the course was completed.", not_after_period=True),
        Column("score", "int", "Score (0–100); empty when not graded.", nullable=True, min=0,
               max=100),
    ),
    key=("rm_id", "course", "date"),
    sort_by=("rm_id", "date", "course"),
    optional=True,
)

PRODUCTS = TableSpec(
    "products",
    "Product catalogue: every product code used by accounts and loans.",
    (
        _id("product_code", "Product code."),
        Column("name", "string", "Product name."),
        Column("category", "string", "Needs category the product serves.",
               allowed=PRODUCT_CATEGORIES),
        Column("kind", "string", "Balance-sheet kind; deposits and loans are priced against FTP.",
               allowed=PRODUCT_KINDS),
        Column("term_bucket", "string", "FTP term bucket for deposits (ON for demand).",
               nullable=True, allowed=TERM_BUCKETS),
    ),
    key=("product_code",),
    sort_by=("product_code",),
)

FTP_RATES = TableSpec(
    "ftp_rates",
    "Funds-transfer-pricing curve of the month, by product kind and term bucket.",
    (
        Column("month", "month", "Month the rate applies to (must be the loaded period)."),
        Column("product_kind", "string", "Deposit or loan kind.", allowed=FTP_KINDS),
        Column("term_bucket", "string", "Term bucket.", allowed=TERM_BUCKETS),
        _rate("rate", "Annual FTP rate.", hi="0.5"),
        Column("currency", "string",
               "ISO 4217 currency of the curve (a file without this column is read as CNY).",
               pattern=r"^[A-Z]{3}$", aliases=CNY_ALIASES, default="CNY"),
    ),
    key=("month", "currency", "product_kind", "term_bucket"),
    sort_by=("currency", "product_kind", "term_bucket"),
    period_column="month",
)

FX_RATES = TableSpec(
    "fx_rates",
    "Exchange rates of the month to CNY (optional; needed for every currency an account holds "
    "other than CNY): yuan per unit of the currency, month average and month end.",
    (
        Column("month", "month", "Month the rates apply to (must be the loaded period)."),
        Column("currency", "string", "ISO 4217 currency code (not CNY).", pattern=r"^[A-Z]{3}$"),
        _rate("rate_avg", "Average rate of the month, yuan per unit (e.g. 7.100000 for USD); "
              "converts average balances and transaction amounts.", lo="0.000001", hi="9999"),
        _rate("rate_end", "Rate at month end, yuan per unit; converts month-end balances.",
              lo="0.000001", hi="9999"),
    ),
    key=("month", "currency"),
    sort_by=("currency",),
    period_column="month",
    optional=True,
)

CUSTOMERS = TableSpec(
    "customers",
    "Corporate customers (对公客户) as at the end of the period.",
    (
        _id("customer_id", "Customer number (客户号)."),
        Column("name", "string", "Registered name."),
        Column("uscc", "string", "Unified social credit code (统一社会信用代码, GB 32100)."),
        Column("industry_code", "string", "GB/T 4754-2017 industry code, 2–4 digits (e.g. 2614).",
               pattern=r"^[A-Ta-t]?\d{1,4}$"),
        Column("region_code", "string", "GB/T 2260 region code, 6 digits.", pattern=r"^\d{6}$"),
        Column("sub_branch", "string", "Sub-branch that books the customer."),
        Column("founded_on", "date", "Date the enterprise was founded.", not_after_period=True),
        Column("employees", "int", "Employees (人).", nullable=True, min=0, max=10_000_000),
        _money("annual_revenue", "Annual operating revenue, yuan.", nullable=True),
        _money("total_assets", "Total assets, yuan.", nullable=True),
        _money("registered_capital", "Registered capital, yuan.", nullable=True),
        Column("group_id", "string", "Corporate group id; empty if none.", nullable=True,
               pattern=ID_PATTERN),
        Column("parent_id", "string", "Customer id of the direct parent in the group.",
               nullable=True, pattern=ID_PATTERN, references=("customers", "customer_id")),
        Column("onboarded_on", "date", "Date the customer relationship began.",
               not_after_period=True),
        Column("rating", "string", "Internal rating grade.", nullable=True,
               references=("rating_scale", "rating")),
        Column("rm_id", "string", "Relationship manager in charge.", nullable=True,
               references=("relationship_managers", "rm_id")),
        Column("status", "string", "Relationship status.", allowed=CUSTOMER_STATUSES),
    ),
    key=("customer_id",),
    sort_by=("customer_id",),
)

ACCOUNTS = TableSpec(
    "accounts",
    "Accounts and product holdings of the customers.",
    (
        _id("account_id", "Account number."),
        _id("customer_id", "Owner.", references=("customers", "customer_id")),
        _id("product_code", "Product.", references=("products", "product_code")),
        Column("opened_on", "date", "Opening date.", not_after_period=True),
        Column("closed_on", "date", "Closing date; empty while open.", nullable=True,
               not_after_period=True),
        Column("currency", "string",
               "ISO 4217 currency code (人民币, RMB and 156 are read as CNY).",
               pattern=r"^[A-Z]{3}$", aliases=CNY_ALIASES),
    ),
    key=("account_id",),
    sort_by=("customer_id", "account_id"),
)

BALANCES = TableSpec(
    "balances",
    "Monthly balances per deposit account: average daily (日均) and month-end.",
    (
        _id("account_id", "Account.", references=("accounts", "account_id")),
        Column("month", "month", "Month (must be the loaded period)."),
        _money("avg_daily_balance", "Average daily balance of the month (日均余额), in the "
               "account's currency (converted to yuan with fx_rates.rate_avg)."),
        _money("month_end_balance", "Balance at month end, in the account's currency "
               "(converted with fx_rates.rate_end)."),
        _rate("rate", "Annual interest rate paid on the account.", hi="0.2", nullable=True),
    ),
    key=("account_id", "month"),
    sort_by=("account_id",),
    period_column="month",
)

TRANSACTIONS = TableSpec(
    "transactions",
    "Transactions of the month; stored sorted by customer id.",
    (
        _id("txn_id", "Transaction id."),
        _id("account_id", "Account.", references=("accounts", "account_id")),
        _id("customer_id", "Customer.", references=("customers", "customer_id")),
        Column("txn_date", "date", "Booking date (within the period)."),
        _money("amount", "Amount, positive, in the account's currency (converted to yuan with "
               "fx_rates.rate_avg).", min=Decimal("0.01")),
        Column("direction", "string", "in = credit to the customer, out = debit.",
               allowed=("in", "out")),
        Column("channel", "string", "Channel.", allowed=CHANNELS),
        Column("counterparty", "string", "Counterparty id or account.", nullable=True),
        Column("counterparty_bank", "string", "Counterparty bank code (own bank: see config).",
               nullable=True),
        Column("txn_type", "string", "Business type.", allowed=TXN_TYPES),
    ),
    key=("txn_id",),
    sort_by=("customer_id", "txn_date", "txn_id"),
    period_column="txn_date",
)

LOANS = TableSpec(
    "loans",
    "Loans outstanding in the month, one row per loan and month.",
    (
        _id("loan_id", "Loan (借据) id."),
        _id("customer_id", "Borrower.", references=("customers", "customer_id")),
        Column("month", "month", "Month (must be the loaded period)."),
        _id("product_code", "Loan product.", references=("products", "product_code")),
        Column("start_date", "date", "Drawdown date.", not_after_period=True),
        Column("maturity_date", "date", "Contractual maturity."),
        _money("avg_daily_balance", "Average daily balance of the month, yuan."),
        _money("balance", "Balance at month end, yuan."),
        _rate("client_rate", "Annual rate charged to the client.", hi="0.36"),
        Column("days_overdue", "int", "Days past due at month end.", min=0, max=100_000),
        Column("classification", "string", "Five-category classification (五级分类).",
               allowed=LOAN_CLASSES),
    ),
    key=("loan_id", "month"),
    sort_by=("customer_id", "loan_id"),
    period_column="month",
)

FACILITIES = TableSpec(
    "facilities",
    "Off-balance-sheet facilities outstanding at month end (optional): bank acceptances "
    "(银行承兑汇票), letters of credit (信用证), letters of guarantee (保函) and the undrawn "
    "part of committed credit lines (贷款承诺).",
    (
        _id("facility_id", "Facility id."),
        _id("customer_id", "Customer.", references=("customers", "customer_id")),
        Column("month", "month", "Month (must be the loaded period)."),
        Column("kind", "string", "Kind of facility; its credit conversion factor is in the "
               "config.", allowed=FACILITY_KINDS),
        _money("amount", "Amount outstanding at month end, yuan (a committed line: the undrawn "
               "part)."),
        _money("margin_deposit", "Margin deposit (保证金) held against it, yuan; empty = 0.",
               nullable=True),
        Column("maturity_date", "date", "Contractual maturity (expiry)."),
    ),
    key=("facility_id", "month"),
    sort_by=("customer_id", "facility_id"),
    period_column="month",
    optional=True,
)

FEE_INCOME = TableSpec(
    "fee_income",
    "Fee and commission income (中间业务收入) booked in the month, including VAT.",
    (
        _id("customer_id", "Customer.", references=("customers", "customer_id")),
        Column("month", "month", "Month (must be the loaded period)."),
        Column("category", "string", "Fee category.", allowed=FEE_CATEGORIES),
        _money("amount", "Amount booked, yuan, VAT included (negative for refunds).",
               min=-MONEY_MAX),
    ),
    key=("customer_id", "month", "category"),
    sort_by=("customer_id", "category"),
    period_column="month",
)

GUARANTEES = TableSpec(
    "guarantees",
    "Guarantee contracts (担保合同) in force at the end of the period (optional): who "
    "guarantees whose debt with us, by what kind of security, how much and for how long.",
    (
        _id("guarantee_id", "Guarantee contract id."),
        _id("borrower_id", "Customer whose debt is guaranteed.",
            references=("customers", "customer_id")),
        Column("guarantor_id", "string", "Guarantor when it is a customer of ours; empty for "
               "a guarantor outside the bank (then `guarantor_name` is required).",
               nullable=True, pattern=ID_PATTERN, references=("customers", "customer_id")),
        Column("guarantor_name", "string", "Name of the guarantor (required when "
               "`guarantor_id` is empty).", nullable=True),
        Column("type", "string", "Kind of security: guarantee (保证), mortgage (抵押) or "
               "pledge (质押).", allowed=GUARANTEE_TYPES, aliases=GUARANTEE_TYPE_ALIASES),
        _money("amount", "Amount guaranteed, yuan.", min=Decimal("0.01")),
        Column("start_date", "date", "Date the guarantee takes effect.", not_after_period=True),
        Column("end_date", "date", "Date it ends (on or after `start_date`)."),
    ),
    key=("guarantee_id",),
    sort_by=("borrower_id", "guarantee_id"),
    optional=True,
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        RATING_SCALE,
        RELATIONSHIP_MANAGERS,
        RM_CERTIFICATIONS,
        TRAINING_RECORDS,
        PRODUCTS,
        FTP_RATES,
        FX_RATES,
        CUSTOMERS,
        ACCOUNTS,
        BALANCES,
        TRANSACTIONS,
        LOANS,
        FACILITIES,
        FEE_INCOME,
        GUARANTEES,
    )
}
"""All tables, in load order: a table only references tables before it (or itself)."""

CUSTOMER_DERIVED = (
    Column("industry_section", "string", "GB/T 4754 section letter, derived.", nullable=True),
    Column("enterprise_size", "string", "large/medium/small/micro/unclassified, derived."),
    Column("size_reason", "string", "Why that size (standard and indicators), derived."),
)
"""Columns the loader adds to accepted customers."""


def table(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLES)}") from None
