"""The bank's reference tables: product catalogue, FTP curve, rating master scale, managers.

Rates are 2024–2025 levels of a large Chinese bank: LPR as published by the PBoC (1-year 3.00 %,
5-year 3.50 % from May 2025), corporate demand deposits around 0.1 %, one-year time deposits
around 1.1 %, and an FTP curve that follows the LPR with a small seeded monthly drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from corptier.contract.schema import TABLES, TERM_BUCKETS
from corptier.periods import Period
from corptier.synth import columns as col
from corptier.synth.profiles import GIVEN, SUB_BRANCHES, SURNAMES
from corptier.synth.rng import REFERENCE, generator


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    category: str
    kind: str
    term_bucket: str | None
    rate: float = 0.0  # deposits: annual rate paid; loans: spread over LPR
    term_months: int = 0  # loans: contractual term
    amortising: bool = False
    weight: float = 1.0  # deposits: relative share of the customer's deposits


PRODUCTS: tuple[Product, ...] = (
    Product("DDA_BASIC", "单位基本存款账户", "settlement", "deposit_demand", "ON", 0.001),
    Product("DDA_GEN", "单位一般存款账户", "settlement", "deposit_demand", "ON", 0.001, weight=0.5),
    Product("DDA_FX", "外汇结算账户", "trade", "deposit_demand", "ON", 0.0005, weight=0.3),
    Product("AGREE", "单位协定存款", "cash_management", "deposit_demand", "ON", 0.0075, weight=1.5),
    Product("NOTICE7", "单位七天通知存款", "cash_management", "deposit_time", "ON", 0.0045,
            weight=0.8),
    Product("TD3M", "单位定期存款(三个月)", "wealth", "deposit_time", "3M", 0.0085, weight=0.6),
    Product("TD6M", "单位定期存款(六个月)", "wealth", "deposit_time", "6M", 0.0105, weight=0.7),
    Product("TD1Y", "单位定期存款(一年)", "wealth", "deposit_time", "1Y", 0.0115, weight=1.0),
    Product("TD3Y", "单位大额存单(三年)", "wealth", "deposit_time", "3Y", 0.0155, weight=1.2),
    Product("STRUCT", "单位结构性存款", "wealth", "deposit_time", "6M", 0.0180, weight=1.2),
    Product("WCL", "流动资金贷款", "financing", "loan", "1Y", 0.0, 12),
    Product("WCL3Y", "中期流动资金贷款", "financing", "loan", "3Y", 0.001, 36, True),
    Product("FAL", "固定资产贷款", "financing", "loan", "5Y", 0.002, 60, True),
    Product("PROJ", "项目贷款", "financing", "loan", "5Y+", 0.003, 120, True),
    Product("INCL", "普惠小微贷款", "financing", "loan", "1Y", 0.004, 12),
    Product("DISC", "票据贴现", "trade", "loan", "6M", -0.016, 6),
    Product("TFIN", "国际贸易融资", "trade", "loan", "3M", -0.004, 3),
    Product("SYND", "银团贷款", "investment_banking", "loan", "3Y", -0.001, 36, True),
    Product("BA", "银行承兑汇票", "trade", "service", None),
    Product("LC", "国内信用证", "trade", "service", None),
    Product("LG", "非融资性保函", "trade", "service", None),
    Product("CASHPOOL", "集团资金池", "cash_management", "service", None),
    Product("PAYROLL", "代发工资", "payroll", "service", None),
    Product("EBANK", "企业网上银行", "ebanking", "service", None),
    Product("MBANK", "企业手机银行", "ebanking", "service", None),
    Product("BOND", "债务融资工具承销", "investment_banking", "service", None),
    Product("MA", "并购顾问", "investment_banking", "service", None),
    Product("WMP", "对公理财", "wealth", "service", None),
    Product("POS", "收单服务", "settlement", "service", None),
)
CODES = [p.code for p in PRODUCTS]
P = {p.code: i for i, p in enumerate(PRODUCTS)}
"""Product index by code; the index is the account slot (account id suffix)."""
KIND = np.array([p.kind for p in PRODUCTS])
DEPOSIT = np.isin(KIND, ("deposit_demand", "deposit_time"))
LOAN = KIND == "loan"
DEPOSIT_RATE = np.array([p.rate for p in PRODUCTS])
WEIGHT = np.array([p.weight for p in PRODUCTS])
TERM = np.array([p.term_months for p in PRODUCTS])
AMORTISING = np.array([p.amortising for p in PRODUCTS])

# LPR (1-year, 5-year) from the month they took effect (PBoC announcements).
LPR_SCHEDULE = (
    ("2019-08", 0.0425, 0.0485), ("2019-11", 0.0415, 0.0480), ("2020-02", 0.0405, 0.0475),
    ("2020-04", 0.0385, 0.0465), ("2021-12", 0.0380, 0.0465), ("2022-01", 0.0370, 0.0460),
    ("2022-05", 0.0370, 0.0445), ("2022-08", 0.0365, 0.0430), ("2023-06", 0.0355, 0.0420),
    ("2023-08", 0.0345, 0.0420), ("2024-02", 0.0345, 0.0395), ("2024-07", 0.0335, 0.0385),
    ("2024-10", 0.0310, 0.0360), ("2025-05", 0.0300, 0.0350),
)
_LPR_INDEX = np.array([Period(month).index for month, _, _ in LPR_SCHEDULE])
_LPR_1Y = np.array([r for _, r, _ in LPR_SCHEDULE])
_LPR_5Y = np.array([r for _, _, r in LPR_SCHEDULE])


def lpr(month_index: npt.ArrayLike, long: np.ndarray | bool = False) -> np.ndarray:
    """The LPR in force in each absolute month (5-year where `long`); 4.35 %/4.90 % before."""
    pos = np.searchsorted(_LPR_INDEX, np.asarray(month_index), side="right") - 1
    one = np.where(pos >= 0, _LPR_1Y[np.maximum(pos, 0)], 0.0435)
    five = np.where(pos >= 0, _LPR_5Y[np.maximum(pos, 0)], 0.0490)
    return np.where(long, five, one)


def products_table() -> pa.Table:
    return pa.Table.from_pydict(
        {
            "product_code": [p.code for p in PRODUCTS],
            "name": [p.name for p in PRODUCTS],
            "category": [p.category for p in PRODUCTS],
            "kind": [p.kind for p in PRODUCTS],
            "term_bucket": [p.term_bucket for p in PRODUCTS],
        },
        schema=TABLES["products"].arrow_schema,
    ).sort_by("product_code")


# --- rating master scale ----------------------------------------------------------------------

RATINGS = ("AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "BB-",
           "B+", "B", "B-", "CCC", "CC", "C")
PDS = (0.0003, 0.0005, 0.0008, 0.0012, 0.0018, 0.0027, 0.004, 0.006, 0.009, 0.0135, 0.02, 0.03,
       0.045, 0.067, 0.10, 0.15, 0.22, 0.32, 0.45)
PD = np.array(PDS)
LGD = 0.45
# loan spread over LPR by rating rank (1 = AAA); index 0 = unrated
SPREADS = np.array([0.008, -0.005, -0.004, -0.003, -0.002, -0.001, 0.0, 0.001, 0.0025, 0.004,
                    0.006, 0.009, 0.012, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06])


def rating_scale_table() -> pa.Table:
    return pa.table(
        [pa.array(list(RATINGS)), pa.array(np.arange(1, len(RATINGS) + 1)),
         col.rate(PD), col.rate(np.full(len(RATINGS), LGD))],
        schema=TABLES["rating_scale"].arrow_schema,
    )


# --- FTP curve --------------------------------------------------------------------------------

_FTP_BASE = {
    "deposit_demand": (0.0140, 0.0150, 0.0160, 0.0170, 0.0195, 0.0215, 0.0225),
    "deposit_time": (0.0145, 0.0155, 0.0165, 0.0175, 0.0200, 0.0220, 0.0230),
    "loan": (0.0160, 0.0170, 0.0180, 0.0190, 0.0230, 0.0260, 0.0280),
}


_USD_DEPOSIT_BASE = (0.0440, 0.0445, 0.0450, 0.0452, 0.0455, 0.0458, 0.0460)
"""The USD deposit curve (demand and time) around 4.5 %: the bank's foreign deposits are
priced against it; its loans are all in yuan."""
FX_CURRENCY = "USD"
FX_RANGE = (6.90, 7.30)
"""Yuan per dollar: the seeded monthly rates stay within this band."""


def ftp_table(period: Period, seed: int, start: Period) -> pa.Table:
    """The FTP curves of the month: the CNY curve (base moved with the LPR plus a seeded random
    walk of a few basis points a month since the start of the history) and the USD deposit
    curve with the same walk."""
    steps = period.index - start.index + 1
    walk = generator(seed, REFERENCE, 1, start.index).normal(0, 0.0002, max(steps, 1)).cumsum()
    shift = 0.8 * (float(lpr(period.index)) - 0.0300) + walk[steps - 1]
    rows = sorted(
        ("CNY", kind, bucket, max(0.0005, base + shift * (1.0 + 0.1 * j)))
        for kind, curve in _FTP_BASE.items()
        for j, (bucket, base) in enumerate(zip(TERM_BUCKETS, curve, strict=True))
    )
    rows += sorted(
        (FX_CURRENCY, kind, bucket, max(0.0005, base + walk[steps - 1]))
        for kind in ("deposit_demand", "deposit_time")
        for bucket, base in zip(TERM_BUCKETS, _USD_DEPOSIT_BASE, strict=True)
    )
    n = len(rows)
    return pa.table(
        [pa.array([period] * n), pa.array([r[1] for r in rows]),
         pa.array([r[2] for r in rows]), col.rate(np.array([r[3] for r in rows])),
         pa.array([r[0] for r in rows])],
        schema=TABLES["ftp_rates"].arrow_schema,
    )


def usd_rates(period: Period, seed: int) -> tuple[float, float]:
    """Yuan per dollar of the month, (average, month end), 4 decimals, within `FX_RANGE`."""
    rng = generator(seed, REFERENCE, 3, period.index)
    lo, hi = FX_RANGE
    avg = lo + (hi - lo) * rng.random()
    end = min(hi, max(lo, avg + rng.normal(0.0, 0.03)))
    return round(avg, 4), round(end, 4)


def fx_table(period: Period, seed: int) -> pa.Table:
    """The month's exchange rates to CNY: one row, USD (`usd_rates`)."""
    avg, end = usd_rates(period, seed)
    return pa.table(
        [pa.array([period]), pa.array([FX_CURRENCY]), col.rate(np.array([avg])),
         col.rate(np.array([end]))],
        schema=TABLES["fx_rates"].arrow_schema,
    )


# --- relationship managers ---------------------------------------------------------------------

GRADES = ("初级", "中级", "高级", "资深")
CUSTOMERS_PER_RM = 120


@dataclass(frozen=True)
class Managers:
    """The managers: per sub-branch a contiguous range of RM numbers, ordered junior first."""

    first: np.ndarray  # first RM number (1-based) of each sub-branch
    count: np.ndarray  # RMs of each sub-branch
    table: pa.Table


def managers(customers: int, seed: int, start: Period) -> Managers:
    """About one manager per 120 customers, at least two per sub-branch (teams, capacities
    and start dates: `corptier.synth.staff`)."""
    from corptier.synth.staff import staff_columns

    weights = np.array([w for _, w, _ in SUB_BRANCHES])
    count = np.maximum(2, np.ceil(customers * weights / weights.sum() / CUSTOMERS_PER_RM))
    count = count.astype(np.int64)
    first = np.concatenate([[1], 1 + np.cumsum(count)[:-1]])
    total = int(count.sum())
    rng = generator(seed, REFERENCE, 2)
    branch = np.repeat(np.arange(len(SUB_BRANCHES)), count)
    position = (np.arange(total) - first[branch] + 1) / count[branch]
    grade = np.minimum(3, (position * 4).astype(int))
    surname = rng.integers(0, len(SURNAMES), total)
    given = rng.integers(0, len(GIVEN), (total, 2))
    two = rng.random(total) < 0.7
    names = [
        SURNAMES[s] + GIVEN[g[0]] + (GIVEN[g[1]] if t else "")
        for s, g, t in zip(surname, given, two, strict=True)
    ]
    table = pa.table(
        [col.ids(total, "RM", (np.arange(1, total + 1), 5)), pa.array(names),
         col.choice(GRADES, grade), col.choice([b for b, _, _ in SUB_BRANCHES], branch),
         *staff_columns(grade, branch, first, seed, start)],
        schema=TABLES["relationship_managers"].arrow_schema,
    )
    return Managers(first, count, table)
