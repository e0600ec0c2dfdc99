"""The register of customers: names, credit codes and the customers table of a month.

Firms are named as Chengdu firms are (成都 + brand + trade + 有限公司); group members share their
head's brand; government bodies, schools and hospitals carry the district in their name.
Codes follow the registration authority of the entity (9 工商 for firms, 1 机构编制 for
government and public institutions, 5 民政 for associations and private schools).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from corptier.contract.schema import TABLES
from corptier.synth import columns as col
from corptier.synth.accounts import customer_ids
from corptier.synth.activity import STATUSES, MonthState
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.periods import day_number
from corptier.synth.products import RATINGS
from corptier.synth.profiles import (
    BRAND_WORDS,
    CITY,
    DISTRICT_NAMES,
    INDUSTRIES,
    SUB_BRANCHES,
    IndustryTable,
)
from corptier.synth.rng import STATIC, generator
from corptier.synth.uscc import make_usccs, random_org8

_WORDS = np.array([(i.words * 2)[:2] for i in INDUSTRIES])
_BRANDS = np.array(BRAND_WORDS)
_REFORM = day_number(dt.date(2015, 10, 1))


def _district(region: np.ndarray) -> np.ndarray:
    names = np.array([
        f"{DISTRICT_NAMES[r]}{'市' if r >= 510181 else '区'}" if r in DISTRICT_NAMES else ""
        for r in sorted(set(region.tolist()))
    ])
    keys = np.array(sorted(set(region.tolist())))
    return names[np.searchsorted(keys, region)] if len(region) else np.array([], dtype=str)


def customer_names(seed: int, c: Customers) -> np.ndarray:
    """Registered names (numpy unicode array)."""
    rng = generator(seed, STATIC, c.block, 1)
    n = c.n
    pick = rng.integers(0, len(_BRANDS), (n, 2))
    brand = np.where(rng.random(n) < 0.3, np.strings.add(_BRANDS[pick[:, 0]], _BRANDS[pick[:, 1]]),
                     _BRANDS[pick[:, 0]])
    member = c.groups.member
    brand = np.where(member, brand[np.maximum(c.groups.head, 0)], brand)
    word = _WORDS[c.industry, rng.integers(0, 2, n)]
    prefix = np.where(rng.random(n) < 0.8, CITY, "四川")
    suffix = np.where(rng.random(n) < 0.82, "有限公司", "有限责任公司")
    suffix = np.where((c.z > 1.0) & (rng.random(n) < 0.4), "股份有限公司", suffix)
    suffix = np.where(c.groups.is_head, "集团有限公司", suffix)
    firm = np.strings.add(np.strings.add(np.strings.add(prefix, brand), word), suffix)
    city = np.full(n, CITY + "市")
    district = np.strings.add(city, _district(c.region))
    kind = IndustryTable.kind[c.industry]
    public_name = np.where(np.isin(kind, ("gov", "hospital")), district,
                           np.strings.add(city, brand))
    return np.where(kind == "firm", firm, np.strings.add(public_name, word))


def customer_usccs(seed: int, c: Customers) -> np.ndarray:
    """(n, 18) uint8 unified social credit codes."""
    rng = generator(seed, STATIC, c.block, 2)
    n = c.n
    kind = IndustryTable.kind[c.industry]
    private_school = (kind == "school") & (rng.random(n) < 0.3)
    authority = np.where(np.isin(kind, ("gov", "school", "hospital")), ord("1"), ord("9"))
    authority = np.where((kind == "social") | private_school, ord("5"), authority)
    category = np.where(np.isin(kind, ("school", "hospital")), ord("2"), ord("1"))
    org8 = random_org8(rng, (kind == "firm") & (c.founded >= _REFORM))
    return make_usccs(authority.astype(np.uint8), category.astype(np.uint8), c.region, org8)


def customers_table(history: History, c: Customers, s: MonthState, rating: np.ndarray) -> pa.Table:
    """The customers present in the month; financials move with the customer's growth once a
    year (annual reports), `rating` is the month's rank (0 = unrated)."""
    rows = np.flatnonzero(s.present)
    years = s.period.year - history.start.year
    factor = np.exp(np.clip(c.growth[rows] * 12, -0.3, 0.3) * years)
    n, m = len(rows), {k: ~v[rows] for k, v in c.missing.items()}
    head, parent = c.groups.head[rows], c.groups.parent[rows]
    return pa.table(
        [customer_ids(c, rows), col.text(customer_names(history.seed, c)[rows]),
         col.fixed_text(customer_usccs(history.seed, c)[rows]),
         col.choice(IndustryTable.codes, c.industry[rows]), col.ids(n, (c.region[rows], 6)),
         col.choice([b for b, _, _ in SUB_BRANCHES], c.branch[rows]), col.dates(c.founded[rows]),
         col.integers(np.rint(c.employees[rows] * np.sqrt(factor)), m["employees"]),
         col.money(c.revenue[rows] * factor, m["annual_revenue"]),
         col.money(c.assets[rows] * factor, m["total_assets"]),
         col.money(c.capital[rows], m["registered_capital"]),
         col.ids(n, "G", (c.num[np.maximum(head, 0)], 10), valid=head >= 0),
         col.ids(n, "C", (c.num[np.maximum(parent, 0)], 10), valid=parent >= 0),
         col.dates(c.onboarded[rows]), col.choice((None, *RATINGS), rating[rows]),
         col.ids(n, "RM", (c.rm[rows], 5), valid=c.rm[rows] > 0),
         col.choice(STATUSES, s.status[rows])],
        schema=TABLES["customers"].arrow_schema,
    )
