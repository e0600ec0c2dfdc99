"""Can any ranking of product categories beat "the most popular ones" on the synthetic bank?

An offline replica of the recommendation backtest (docs/service.md, "Backtest") straight on the
synthetic bank's internals, without load and close: holdings per category at month t (open
accounts of the category), adoptions in t+1 … t+6, and precision@k of ranking each customer's
missing categories by the holding share of its peer group against the book-wide share. Peer
groups: the segment rules of the shipped standard (simplified), the industry section, a size
class from the size score, and the latent need profile (an oracle no bank has: an upper bound).

    python bench/recommendation_replica.py [customers] [seed] [variant]

`variant` re-dates the opening of products before measuring (the holdings drawn stay the
same): `needs-order` opens a customer's products in the order of their fit (its holding chance,
jittered), `reverse-order` in the reverse order, `ebank` opens e-banking with the basic account;
`sharp` instead redraws the holdings from sharper need profiles (each profile's chance c of a
product becomes c² / c_max, c_max the chance of the product's most likely profile).

Not a timed benchmark (no `_bench` suffix): an analysis script kept with the finding it backs.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from corptier.periods import Period
from corptier.synth import accounts as synth_accounts
from corptier.synth.accounts import make_accounts
from corptier.synth.customers import make_customers
from corptier.synth.history import History
from corptier.synth.periods import last_day
from corptier.synth.products import PRODUCTS, P
from corptier.synth.profiles import IndustryTable
from corptier.synth.rng import uniform

CATS = ["financing", "trade", "cash_management", "investment_banking", "payroll", "wealth",
        "ebanking"]
CATEGORY = np.array([p.category for p in PRODUCTS])
START = Period("2025-01")


def redated(history: History, c, variant: str):
    """The block's accounts with opening dates re-drawn by `variant` (same holdings)."""
    a = make_accounts(history, c)
    if variant == "ebank":
        a.opened = np.where(a.product == P["EBANK"], c.onboarded[a.cust], a.opened)
        return a
    chances = synth_accounts.holding_chances(c)[a.cust, a.product]
    jitter = np.exp(0.6 * (uniform(history.seed, c.num[a.cust], a.product, 77) - 0.5))
    key = chances * jitter * (1 if variant == "needs-order" else -1)
    basic = a.product == P["DDA_BASIC"]
    order = np.lexsort((-np.where(basic, np.inf, key), a.cust))
    first = np.searchsorted(a.cust[order], a.cust[order], side="left")
    rank = np.empty(len(a.cust), np.int64)
    rank[order] = np.arange(len(a.cust)) - first - 1
    count = np.maximum(np.bincount(a.cust, minlength=c.n)[a.cust] - 1, 1)
    span = last_day(history.end) + 365 - c.onboarded[a.cust]
    u = uniform(history.seed, c.num[a.cust], a.product, 78)
    frac = (np.maximum(rank, 0) + u) / count
    opened = c.onboarded[a.cust] + np.floor(frac ** 1.5 * span).astype(np.int64)
    a.opened = np.where(basic, c.onboarded[a.cust], opened)
    kept = a.opened < a.closed
    return synth_accounts.Accounts(a.cust[kept], a.product[kept], a.opened[kept],
                                   a.closed[kept], a.weight[kept])


def holdings(accounts, n: int, day: int, opened_after: int | None = None) -> np.ndarray:
    out = np.zeros((n, len(CATS)), int)
    for k, cat in enumerate(CATS):
        mask = CATEGORY[accounts.product] == cat
        if opened_after is None:
            mask &= (accounts.opened <= day) & (accounts.closed > day)
        else:
            mask &= (accounts.opened > opened_after) & (accounts.opened <= day)
        out[np.unique(accounts.cust[mask]), k] = 1
    return out


def book(customers: int, seed: int, variant: str | None = None) -> pd.DataFrame:
    history = History(seed, customers, START, 24, 100.0, "XB")
    frames = []
    for block in range(history.blocks):
        c = make_customers(history, block)
        a = make_accounts(history, c) if variant is None else redated(history, c, variant)
        for months in range(0, 18, 3):
            t = START.shift(months)
            end, window_end = last_day(t), last_day(t.shift(6))
            present = (c.onboarded <= end) & (c.exit_day > end) & ~c.dormant
            held = holdings(a, c.n, end)
            later = holdings(a, c.n, window_end, opened_after=end)
            df = pd.DataFrame(held, columns=CATS)
            for k, cat in enumerate(CATS):
                df["adopted_" + cat] = later[:, k]
            coverage = held.sum(axis=1)
            df["segment"] = np.select(
                [coverage >= 5, held[:, 3] == 1, held[:, 1] == 1, held[:, 0] == 1],
                ["comprehensive", "investment_banking", "trade", "financing"], "settlement")
            df["section"] = IndustryTable.section[c.industry]
            df["size"] = np.digitize(c.z, [-0.5, 0.5, 1.5])
            df["profile"] = c.profile
            df["t"] = months
            frames.append(df[present])
    return pd.concat(frames, ignore_index=True)


def precision(d: pd.DataFrame, keys: list[str], top: int) -> tuple[float, float]:
    """(precision@top of the peer ranking, of the popularity ranking)."""
    hits_peer = hits_popular = made = 0
    for _t, g in d.groupby("t"):
        popular = np.tile(g[CATS].mean().to_numpy(), (len(g), 1))
        peer = g.groupby(keys)[CATS].transform("mean").to_numpy()
        held = g[CATS].to_numpy()
        adopted = g[["adopted_" + c for c in CATS]].to_numpy()
        k = np.minimum(top, (held == 0).sum(axis=1))
        by_peer = np.argsort(-np.where(held == 1, -1, peer), axis=1)
        by_popular = np.argsort(-np.where(held == 1, -1, popular), axis=1)
        rows = np.arange(len(g))
        for j in range(top):
            ok = j < k
            hits_peer += adopted[rows, by_peer[:, j]][ok].sum()
            hits_popular += adopted[rows, by_popular[:, j]][ok].sum()
            made += ok.sum()
    return hits_peer / made, hits_popular / made


def main() -> None:
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 12_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    variant = sys.argv[3] if len(sys.argv) > 3 else None
    if variant == "sharp":
        base = synth_accounts._BASE
        top = np.maximum(base.max(axis=1, keepdims=True), 1e-9)
        base[:] = np.where(base > 0, base**2 / top, 0.0)
        base[P["DDA_BASIC"]] = 1.0
        variant = None
    d = book(customers, seed, variant)
    for keys in (["segment", "section", "size"], ["section", "size"], ["profile"]):
        for top in (3, 1):
            peer, popular = precision(d, keys, top)
            print(f"{' × '.join(keys):28} precision@{top} {peer:.4f}  most popular "
                  f"{popular:.4f}  lift {peer / popular:.2f}")


if __name__ == "__main__":
    main()
