"""The synthetic bank's archive, written beside the period folders in the formats the archive
and survey imports read (`_archive/contacts.csv`, `interactions.csv`, `survey_answers.csv`):

- contacts of the customers of the last month: a legal representative for each, the other
  roles (实际控制人, 财务负责人, 资金主管, 经办人) more often, and more often verified, the larger
  the customer;
- a year of interactions (visit, call, meeting, event, e-mail) up to the end of the month
  before the last, more frequent the larger the customer; some customers are never contacted
  and some have a four-month gap;
- answers to the `annual_needs` survey for the customers of `survey_period`: a customer that
  opens a cash-management (or payroll, e-banking, wealth, investment-banking) product after the
  survey said it wanted it, and always answered.

Everything comes from the `ARCHIVE` stream, so the contract tables keep their bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from corptier.periods import Period
from corptier.synth.accounts import Accounts, customer_ids
from corptier.synth.customers import Customers
from corptier.synth.history import History
from corptier.synth.periods import first_day, last_day
from corptier.synth.products import PRODUCTS
from corptier.synth.profiles import GIVEN, SURNAMES
from corptier.synth.rng import ARCHIVE, generator

FOLDER = "_archive"
CONTACTS, INTERACTIONS, ANSWERS = "contacts.csv", "interactions.csv", "survey_answers.csv"
QUESTIONNAIRE = "annual_needs"
ROLES = ("法定代表人", "实际控制人", "财务负责人", "资金主管", "经办人")
POSITIONS = ("董事长", "总经理", "财务总监", "资金主管", "出纳")
TYPES = ("visit", "call", "meeting", "event", "email")
TYPE_WEIGHTS = (0.4, 0.3, 0.1, 0.05, 0.15)
PURPOSES = ("日常走访", "产品推介", "授信回访", "年度需求沟通", "节日问候")
NEVER_CONTACTED = 0.08
GAP_SHARE = 0.15
GAP_DAYS = 120
WANTED = {"cash_management": "cash_pooling", "payroll": "payroll", "ebanking": "ebanking",
          "wealth": "wealth", "investment_banking": "ipo_advice"}
"""Product category → the survey choice of `services_wanted` that states that need."""


def survey_period(history: History) -> Period:
    """The period the synthetic survey campaign asks about: the middle of the history."""
    return Period.parse(survey_period_of([str(p) for p in history.periods]))


def survey_period_of(periods: list[str]) -> str:
    """The middle one of the history's periods (the first of the two middle ones)."""
    return periods[(len(periods) - 1) // 2]


def write_archive(history: History, out: Path,
                  blocks: Iterable[tuple[Customers, Accounts]]) -> dict[str, int]:
    """Write the three archive files from each block's customers and accounts; returns the
    rows of each."""
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parts: dict[str, list[pa.Table]] = {CONTACTS: [], INTERACTIONS: [], ANSWERS: []}
    for c, a in blocks:
        rng = generator(history.seed, ARCHIVE, c.block, 1)
        last = history.end.index
        present = (c.arrival <= last) & (c.exit >= last)
        parts[CONTACTS].append(_contacts(c, present, history, rng))
        parts[INTERACTIONS].append(_interactions(c, present, history, rng))
        parts[ANSWERS].append(_answers(c, a, history, rng))
    rows = {}
    for name, tables in parts.items():
        table = pa.concat_tables(tables)
        pacsv.write_csv(table, folder / name)
        rows[name] = table.num_rows
    return rows


def _people(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), n)]
    given = np.array(list(GIVEN))[rng.integers(0, len(GIVEN), (2, n))]
    two = rng.random(n) < 0.6
    return np.strings.add(surname, np.where(two, np.strings.add(given[0], given[1]), given[0]))


def _contacts(c: Customers, present: np.ndarray, history: History,
              rng: np.random.Generator) -> pa.Table:
    size = 1.0 / (1.0 + np.exp(-1.5 * c.z))  # 0..1, larger customers near 1
    chances = (np.ones(c.n), 0.2 + 0.3 * size, 0.3 + 0.6 * size, 0.1 + 0.7 * size,
               0.5 + 0.4 * size)
    end = last_day(history.end)
    cust, role, verified = [], [], []
    for r, chance in enumerate(chances):
        has = present & (rng.random(c.n) < chance)
        cust.append(np.flatnonzero(has))
        role.append(np.full(has.sum(), r))
        verified.append(rng.random(c.n)[has] < 0.3 + 0.65 * size[has])
    order = np.lexsort((np.concatenate(role), np.concatenate(cust)))
    who, what, ok = (np.concatenate(cust)[order], np.concatenate(role)[order],
                     np.concatenate(verified)[order])
    n = len(who)
    phone = np.strings.add("139", np.char.zfill(
        rng.integers(0, 10**8, n).astype(str), 8))
    email = np.strings.add(np.strings.add(np.strings.add("c", c.num[who].astype(str)),
                                          np.strings.add(".", what.astype(str))),
                           "@example.com")
    day = end - rng.integers(30, 700, n)
    no_email = rng.random(n) < 0.6 - 0.5 * (what == 2)
    no_phone = (rng.random(n) < 0.1) & ~no_email   # a contact has a phone or an e-mail
    return pa.table({
        "customer_id": customer_ids(c, who),
        "role": pa.array(np.array(ROLES)[what]),
        "name": pa.array(_people(rng, n)),
        "phone": pa.array(phone, mask=no_phone),
        "email": pa.array(email, mask=no_email),
        "position": pa.array(np.array(POSITIONS)[what]),
        "verified_on": pa.array(day.astype("datetime64[D]"), mask=~ok),
        "primary": pa.array(np.where((what == 0) | (what == 2), 1, 0)),
    })


def _interactions(c: Customers, present: np.ndarray, history: History,
                  rng: np.random.Generator) -> pa.Table:
    end = first_day(history.end) - 1
    rate = 1.0 + 10.0 / (1.0 + np.exp(-1.5 * (c.z - 0.5)))
    count = rng.poisson(rate) * (present & (rng.random(c.n) >= NEVER_CONTACTED))
    who = np.repeat(np.arange(c.n), count)
    n = len(who)
    day = end - rng.integers(0, 365, n)
    gap_start = end - rng.integers(GAP_DAYS, 365, c.n)
    gapped = (rng.random(c.n) < GAP_SHARE)[who]
    keep = ~(gapped & (day >= gap_start[who]) & (day < gap_start[who] + GAP_DAYS))
    who, day = who[keep], day[keep]
    order = np.lexsort((day, who))
    who, day = who[order], day[order]
    n = len(who)
    kind = rng.choice(len(TYPES), n, p=TYPE_WEIGHTS)
    purpose = np.array(PURPOSES)[rng.integers(0, len(PURPOSES), n)]
    seq = np.arange(n) - np.searchsorted(who, who)   # the customer's n-th contact of the year
    summary = np.strings.add(np.strings.add("本年度第", (seq + 1).astype(str)), "次联系")
    return pa.table({
        "customer_id": customer_ids(c, who),
        "date": pa.array(day.astype("datetime64[D]")),
        "type": pa.array(np.array(TYPES)[kind]),
        "purpose": pa.array(purpose),
        "summary": pa.array(summary),
    })


def _answers(c: Customers, a: Accounts, history: History,
             rng: np.random.Generator) -> pa.Table:
    period = survey_period(history)
    t = period.index
    present = (c.arrival <= t) & (c.exit >= t)
    after = (a.opened > last_day(period)) & (a.opened <= last_day(history.end))
    category = np.array([p.category for p in PRODUCTS])[a.product]
    size = 1.0 / (1.0 + np.exp(-1.5 * c.z))
    adopts = {need: np.zeros(c.n, bool) for need in WANTED}
    for need in WANTED:
        adopts[need][a.cust[after & (category == need)]] = True
    adopter = np.logical_or.reduce(list(adopts.values()))
    answers = present & ((rng.random(c.n) < 0.35 + 0.3 * size) | adopter)
    rows = np.flatnonzero(answers)
    n = len(rows)
    wanted = np.full(n, "", dtype=object)
    for need, choice in WANTED.items():
        says = adopts[need][rows] | (rng.random(n) < 0.12)
        wanted = np.where(says, np.where(wanted == "", choice, wanted + "、" + choice), wanted)
    satisfaction = np.clip(np.rint(3.2 + 1.2 * size[rows] + rng.normal(0, 0.8, n)), 1, 5)
    recommend = np.clip(np.rint(5.5 + 3.5 * size[rows] + rng.normal(0, 1.8, n)), 0, 10)
    return pa.table({
        "customer_id": customer_ids(c, rows),
        "satisfaction": pa.array(satisfaction.astype(np.int64)),
        "recommend": pa.array(recommend.astype(np.int64)),
        "cross_border": pa.array(np.where(rng.random(n) < 0.15, "yes", "no")),
        "financing_need": pa.array(np.where(rng.random(n) < 0.3, "yes", "no")),
        "services_wanted": pa.array(wanted.astype(str), mask=wanted == ""),
    })
