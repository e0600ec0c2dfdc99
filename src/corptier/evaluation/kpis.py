"""Effect KPIs by tier for a period, their trend, and a before/after comparison.

Core KPIs, per applied tier and for the whole book (row `all`):
- customers: customers in the tier at the period;
- deposits, loans: Σ dep_avg, Σ loan_avg (yuan, average daily balances);
- contribution: Σ contribution (综合贡献, yuan) and its share of the book's net contribution;
- raroc: Σ contribution × (1 − tax rate) × 365 / (Σ econ_capital × days of the period),
  annualised exactly like the customer RAROC (so a one-customer tier shows the customer's).
  This is the portfolio RAROC of the tier: it counts the contribution of customers without
  economic capital (deposit-only customers) and equals the EC-weighted mean of customer RAROC
  over customers with capital only when every customer has some. NaN when the tier holds no
  economic capital;
- product_coverage: mean number of product categories held;
- exit_rate: of the customers in the tier at the previous period, the share absent now (NaN when
  the previous period is unknown).

Other areas add KPIs (customer satisfaction, service delivery from the archive) through the
registry `KPI_PROVIDERS`: a provider declares its KPIs (`KpiSpec`) and computes a frame indexed
by tier code (and `all`) from a `KpiContext`. The report shows every registered KPI.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from corptier.errors import ContractError
from corptier.periods import Period

TOTAL = "all"
KpiKind = Literal["count", "money", "share", "ratio", "number"]


@dataclass(frozen=True)
class KpiSpec:
    """A KPI's column name, its English label (a message id) and how to format it."""

    name: str
    label: str
    kind: KpiKind
    higher_is_better: bool = True


@dataclass(frozen=True)
class KpiContext:
    """What a KPI provider gets for one period."""

    period: str
    indicators: pd.DataFrame | None
    """customer_id and indicator columns (dep_avg, loan_avg, contribution, econ_capital, ...);
    None when the engine summed the period (`sums`) and the customers stay out of Python."""
    tiers: pd.DataFrame | None
    """customer_id, applied_tier; None for a period before tiering (only the `all` row)."""
    previous: pd.DataFrame | None = None
    """The previous period's customers (customer_id, applied_tier if tiered); None if unknown."""
    tier_order: tuple[str, ...] = ()
    tax_rate: float = 0.25
    workspace: Any = None
    """The open Workspace, for providers that read the app database or the archive."""
    extra: dict[str, Any] = field(default_factory=dict)
    sums: pd.DataFrame | None = None
    """Per tier, from the engine (`evaluation.tier_sums.tier_sums`); used instead of the frames."""
    exits: pd.DataFrame | None = None
    """Per previous tier, from the engine (`evaluation.tier_sums.exit_counts`)."""

    @property
    def tiered(self) -> bool:
        """Whether the period was tiered (engine sums of an untiered period: one `all` group)."""
        if self.sums is not None:
            return TOTAL not in set(self.sums["tier"])
        return self.tiers is not None


KpiCompute = Callable[[KpiContext], pd.DataFrame]


@dataclass(frozen=True)
class KpiProvider:
    name: str
    specs: tuple[KpiSpec, ...]
    compute: KpiCompute


def N_(message: str) -> str:
    """Mark a label for the report catalogues (translated when shown)."""
    return message


CORE_SPECS = (
    KpiSpec("customers", N_("Customers"), "count"),
    KpiSpec("deposits", N_("Deposits (avg. daily)"), "money"),
    KpiSpec("loans", N_("Loans (avg. daily)"), "money"),
    KpiSpec("contribution", N_("Contribution"), "money"),
    KpiSpec("contribution_share", N_("Share of contribution"), "share"),
    KpiSpec("raroc", N_("RAROC"), "share"),
    KpiSpec("product_coverage", N_("Product coverage"), "number"),
    KpiSpec("exit_rate", N_("Exit rate"), "share", higher_is_better=False),
)

KPI_PROVIDERS: dict[str, KpiProvider] = {}
"""Registered KPI providers, in registration order. `core` is always first.

Other KPIs (satisfaction, service delivery) register here, e.g.
`register_kpi_provider("satisfaction", (KpiSpec("nps", "NPS", "number"),), compute_nps)`.
"""


def register_kpi_provider(
    name: str, specs: Sequence[KpiSpec], compute: KpiCompute, *, replace: bool = False
) -> None:
    """Add a KPI provider; its frame's columns must be the names of its specs."""
    if name in KPI_PROVIDERS and not replace:
        raise ValueError(f"a KPI provider named {name!r} is already registered")
    clash = {s.name for s in specs} & {
        s.name for p in KPI_PROVIDERS.values() if p.name != name for s in p.specs
    }
    if clash:
        raise ValueError(f"KPI name(s) {sorted(clash)} are already provided by another provider")
    KPI_PROVIDERS[name] = KpiProvider(name, tuple(specs), compute)


def kpi_specs(providers: Iterable[KpiProvider] | None = None) -> list[KpiSpec]:
    chosen = KPI_PROVIDERS.values() if providers is None else providers
    return [s for p in chosen for s in p.specs]


def kpis_by_tier(
    ctx: KpiContext, providers: Iterable[KpiProvider] | None = None
) -> pd.DataFrame:
    """All KPIs of one period: index = tier codes in order then `all`, one column per KPI."""
    chosen = list(KPI_PROVIDERS.values() if providers is None else providers)
    index = [*ctx.tier_order, TOTAL] if ctx.tiered else [TOTAL]
    frames = []
    for provider in chosen:
        frame = provider.compute(ctx)
        cols = [s.name for s in provider.specs]
        frames.append(frame.reindex(index=index, columns=cols))
    out = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=index)
    out.index.name = "tier"
    return out


def core_kpis(ctx: KpiContext) -> pd.DataFrame:
    """The core KPIs (see the module text), from the engine's sums when the context has them."""
    if ctx.sums is not None:
        return core_kpis_from_sums(ctx)
    data = _joined(ctx)
    groups = {t: data[data["_tier"] == t] for t in ctx.tier_order} if ctx.tiers is not None else {}
    groups[TOTAL] = data
    book_total = _sum(data, "contribution")
    exits = _exit_rates(ctx)
    days = Period(ctx.period).days
    rows = {tier: _core_row(g, book_total, ctx.tax_rate, days)
            | {"exit_rate": exits.get(tier, math.nan)} for tier, g in groups.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def core_kpis_from_sums(ctx: KpiContext) -> pd.DataFrame:
    """The core KPIs from per-tier sums: the same figures `core_kpis` makes from frames."""
    assert ctx.sums is not None
    sums = ctx.sums.set_index("tier").astype(float)
    money = ["deposits", "loans", "contribution", "econ_capital", "coverage_sum"]
    sums[money] = sums[money].fillna(0.0)
    tiers = list(ctx.tier_order) if ctx.tiered else []
    total = sums.sum()
    present = sums.reindex(tiers).fillna({"customers": 0.0})
    groups: dict[str, pd.Series | None] = {str(t): row for t, row in present.iterrows()}
    groups[TOTAL] = total
    book_total = float(total["contribution"]) if len(sums) else 0.0
    exits = _exit_rates_from_counts(ctx)
    days = Period(ctx.period).days
    rows = {tier: _row_from_sums(g, book_total, ctx.tax_rate, days)
            | {"exit_rate": exits.get(tier, math.nan)} for tier, g in groups.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def _row_from_sums(g: pd.Series | None, book_total: float, tax_rate: float, days: int
                   ) -> dict[str, float]:
    if g is None or not g["customers"]:
        return {"customers": 0.0, "deposits": 0.0, "loans": 0.0, "contribution": 0.0,
                "contribution_share": 0.0 if book_total else math.nan, "raroc": math.nan,
                "product_coverage": math.nan}
    contribution, capital = float(g["contribution"]), float(g["econ_capital"])
    return {
        "customers": float(g["customers"]),
        "deposits": float(g["deposits"]),
        "loans": float(g["loans"]),
        "contribution": contribution,
        "contribution_share": contribution / book_total if book_total else math.nan,
        "raroc": (contribution * (1 - tax_rate) * 365 / (capital * days) if capital
                  else math.nan),
        "product_coverage": (float(g["coverage_sum"]) / float(g["coverage_n"])
                             if g["coverage_n"] else math.nan),
    }


def _exit_rates_from_counts(ctx: KpiContext) -> dict[str, float]:
    if ctx.exits is None:
        return {}
    counts = ctx.exits.set_index("tier").astype(float)
    prev, gone = float(counts["previous_customers"].sum()), float(counts["exited"].sum())
    rates = {TOTAL: gone / prev if prev else math.nan}
    if ctx.tiered and TOTAL not in counts.index:
        by_tier = (counts["exited"] / counts["previous_customers"]).to_dict()
        rates |= {t: float(by_tier.get(t, math.nan)) for t in ctx.tier_order}
    return rates


def kpi_trend(
    contexts: Iterable[KpiContext], providers: Iterable[KpiProvider] | None = None
) -> pd.DataFrame:
    """Long frame: period, tier, one column per KPI, for each context (oldest first)."""
    chosen = None if providers is None else list(providers)
    parts = [kpis_by_tier(c, chosen).reset_index().assign(period=c.period) for c in contexts]
    if not parts:
        return pd.DataFrame(columns=["period", "tier"])
    frame = pd.concat(parts, ignore_index=True)
    return frame[["period", "tier", *[c for c in frame.columns if c not in ("period", "tier")]]]


def before_after(
    trend: pd.DataFrame, adoption_period: str, *, window: int = 6
) -> pd.DataFrame:
    """Mean of each KPI over `window` periods before the adoption and from it on, by tier.

    Before = [adoption − window, adoption), after = [adoption, adoption + window). Columns: tier,
    kpi, before, after, change (after − before), periods_before, periods_after.
    """
    first_before = Period(adoption_period).shift(-window)
    last_after = Period(adoption_period).shift(window - 1)
    kpis = [c for c in trend.columns if c not in ("period", "tier")]
    before = trend[(trend["period"] >= first_before) & (trend["period"] < adoption_period)]
    after = trend[(trend["period"] >= adoption_period) & (trend["period"] <= last_after)]
    b = before.groupby("tier", sort=False)[kpis].mean()
    a = after.groupby("tier", sort=False)[kpis].mean()
    nb, na = before.groupby("tier")["period"].nunique(), after.groupby("tier")["period"].nunique()
    tiers = list(dict.fromkeys([*trend["tier"]]))
    rows = []
    for tier in tiers:
        for kpi in kpis:
            bv = b[kpi].get(tier, math.nan) if kpi in b else math.nan
            av = a[kpi].get(tier, math.nan) if kpi in a else math.nan
            rows.append({"tier": tier, "kpi": kpi, "before": bv, "after": av, "change": av - bv,
                         "periods_before": int(nb.get(tier, 0)),
                         "periods_after": int(na.get(tier, 0))})
    return pd.DataFrame(rows, columns=["tier", "kpi", "before", "after", "change",
                                       "periods_before", "periods_after"])


def _joined(ctx: KpiContext) -> pd.DataFrame:
    ind = ctx.indicators
    if ind is None or "customer_id" not in ind.columns:
        raise ContractError("the indicator table lacks the customer_id column")
    if ctx.tiers is None:
        return ind.assign(_tier=TOTAL)
    tiers = ctx.tiers[["customer_id", "applied_tier"]].rename(columns={"applied_tier": "_tier"})
    return tiers.merge(ind, on="customer_id", how="left")


def _core_row(
    g: pd.DataFrame, book_total: float, tax_rate: float, days: int
) -> dict[str, float]:
    """One tier's core KPIs; RAROC per capital-year: contribution × (1 − tax) × 365 /
    (capital × days), as the engine computes a customer's."""
    contribution, capital = _sum(g, "contribution"), _sum(g, "econ_capital")
    return {
        "customers": float(len(g)),
        "deposits": _sum(g, "dep_avg"),
        "loans": _sum(g, "loan_avg"),
        "contribution": contribution,
        "contribution_share": contribution / book_total if book_total else math.nan,
        "raroc": (contribution * (1 - tax_rate) * 365 / (capital * days) if capital
                  else math.nan),
        "product_coverage": _mean(g, "product_coverage"),
    }


def _exit_rates(ctx: KpiContext) -> dict[str, float]:
    if ctx.previous is None or "customer_id" not in ctx.previous.columns:
        return {}
    now = ctx.tiers if ctx.tiers is not None else ctx.indicators
    if now is None:
        return {}
    gone = ~ctx.previous["customer_id"].isin(now["customer_id"])
    rates = {TOTAL: float(gone.mean()) if len(gone) else math.nan}
    if ctx.tiers is not None and "applied_tier" in ctx.previous.columns:
        by_tier = gone.groupby(ctx.previous["applied_tier"]).mean()
        rates |= {t: float(by_tier.get(t, math.nan)) for t in ctx.tier_order}
    return rates


def _sum(frame: pd.DataFrame, column: str) -> float:
    if column not in frame.columns:
        return math.nan
    return float(_numeric(frame[column]).sum())


def _mean(frame: pd.DataFrame, column: str) -> float:
    if column not in frame.columns or frame.empty:
        return math.nan
    return float(_numeric(frame[column]).mean())


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)


register_kpi_provider("core", CORE_SPECS, core_kpis)
