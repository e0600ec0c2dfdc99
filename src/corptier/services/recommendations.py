"""Product recommendations (定制化产品): a customer's product gap and next best products, the
whole book's, and their backtest over the loaded history.

Recommendations are computed on demand from a closed period's indicator snapshot (holdings,
industry section, size class, contribution) and published tiers (needs segment) by one DuckDB
pass over the whole book (`corptier.service.product_gap`); the settings are data
(`standards/recommendations.yaml`, else the shipped ones). Needs stated in surveys join in from
the optional `stated_needs` table of the period (customer_id, category) when it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from corptier.errors import NotFoundError
from corptier.i18n import N_, compact_money
from corptier.periods import Period
from corptier.service.recommendation_settings import (
    FILE_NAME,
    RecommendationSettings,
    default_settings_path,
    load_recommendation_settings,
)
from corptier.services.messages import translator_for
from corptier.services.progress import stage, step
from corptier.store import UnitOfWork
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

STATED_NEEDS = "stated_needs"
"""The optional table of needs customers stated in surveys: data/stated_needs/period=P/."""
BATCH_ROWS = 100_000
CATEGORY_LABELS = {
    "settlement": N_("Settlement"), "financing": N_("Financing"),
    "trade": N_("Trade finance"), "cash_management": N_("Cash management"),
    "investment_banking": N_("Investment banking"), "payroll": N_("Payroll"),
    "wealth": N_("Wealth management"), "ebanking": N_("E-banking"),
}
SIZE_LABELS = {
    "large": N_("Large enterprises"), "medium": N_("Medium enterprises"),
    "small": N_("Small enterprises"), "micro": N_("Micro enterprises"),
    "unclassified": N_("Size not classified"),
}
MEASURE_LABELS = {
    "contribution": N_("median monthly contribution"),
    "contribution_r3": N_("median contribution, last 3 months"),
    "contribution_r12": N_("median contribution, last 12 months"),
}
RECOMMENDATION_COLUMNS = ("customer_id", "rank", "category", "score", "adoption", "peers",
                          "level", "gain", "stated", "in_gap", "needs_segment",
                          "industry_section", "enterprise_size")


@dataclass(frozen=True)
class ProductSuggestion:
    """A category a customer does not hold: its peers' adoption, the expected gain in
    contribution (yuan), whether the customer stated the need, and why, in words."""

    rank: int
    category: str
    label: str
    score: float
    adoption: float | None
    peers: int | None
    peer_group: tuple[str, ...]
    """The keys of the peer-group level used (empty: the whole book)."""
    expected_gain: float | None
    gain_text: str
    """The expected gain in words of the language asked for ("+3.2万", "+32k"; "—" if none)."""
    stated: bool
    in_gap: bool
    reason: str


@dataclass(frozen=True)
class CustomerRecommendations:
    """A customer's product gap and its next best products in a closed period."""

    customer_id: str
    period: str
    run_id: str
    settings_id: str
    settings_version: str
    needs_segment: str | None
    industry_section: str | None
    enterprise_size: str | None
    held: tuple[str, ...]
    gap: tuple[ProductSuggestion, ...]
    """Every category in the gap or stated as a need, best first."""
    next_best: tuple[ProductSuggestion, ...]
    """The `top` best of them."""


@dataclass(frozen=True)
class BookRecommendations:
    """The next best products of every customer of a closed period (one row per customer and
    recommendation, `RECOMMENDATION_COLUMNS`)."""

    period: str
    run_id: str
    settings_id: str
    settings_version: str
    customers: int
    customers_with_recommendations: int
    table: pa.Table


@dataclass(frozen=True)
class BacktestMonth:
    """One month t of the backtest."""

    period: str
    customers: int
    recommendations: int
    hits: int
    popular_recommendations: int
    popular_hits: int
    open_pairs: int
    adopted: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.hits, self.recommendations)

    @property
    def popular_precision(self) -> float | None:
        return _ratio(self.popular_hits, self.popular_recommendations)


@dataclass(frozen=True)
class RecommendationBacktest:
    """Precision@top of the recommendations made at each month t against the adoptions of
    t+1 … t+horizon, and the lift over recommending the most popular categories."""

    settings_id: str
    settings_version: str
    top: int
    horizon: int
    months: tuple[BacktestMonth, ...]
    skipped: tuple[str, ...]
    """Loaded periods that could not be a month t (not closed, or the window not loaded)."""

    def _sum(self, name: str) -> int:
        return sum(int(getattr(m, name)) for m in self.months)

    @property
    def recommendations(self) -> int:
        return self._sum("recommendations")

    @property
    def hits(self) -> int:
        return self._sum("hits")

    @property
    def precision(self) -> float | None:
        return _ratio(self.hits, self.recommendations)

    @property
    def popular_precision(self) -> float | None:
        return _ratio(self._sum("popular_hits"), self._sum("popular_recommendations"))

    @property
    def base_rate(self) -> float | None:
        return _ratio(self._sum("adopted"), self._sum("open_pairs"))

    @property
    def lift(self) -> float | None:
        """precision / popular_precision (None when the baseline hit nothing)."""
        if self.precision is None or not self.popular_precision:
            return None
        return self.precision / self.popular_precision

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings": {"id": self.settings_id, "version": self.settings_version},
            "top": self.top, "horizon_months": self.horizon,
            "recommendations": self.recommendations, "hits": self.hits,
            "precision_at_top": self.precision, "popular_precision_at_top":
                self.popular_precision, "lift": self.lift, "base_rate": self.base_rate,
            "skipped": list(self.skipped),
            "months": [{"period": m.period, "customers": m.customers,
                        "recommendations": m.recommendations, "hits": m.hits,
                        "precision_at_top": m.precision,
                        "popular_recommendations": m.popular_recommendations,
                        "popular_hits": m.popular_hits,
                        "popular_precision_at_top": m.popular_precision,
                        "open_pairs": m.open_pairs, "adopted": m.adopted}
                       for m in self.months],
        }


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def settings_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """`path`, else the workspace's `standards/recommendations.yaml`, else the shipped one."""
    if path is not None:
        return Path(path)
    own = ws.standards_dir / FILE_NAME
    return own if own.is_file() else default_settings_path()


def recommendation_settings(ws: Workspace, path: Path | str | None = None,
                            ) -> RecommendationSettings:
    """The recommendation settings in force (see `settings_path`), checked: every problem
    names its file, line and field."""
    return load_recommendation_settings(settings_path(ws, path))


def recommend_customer(ws: Workspace, customer_id: str, period: str | None = None, *,
                       lang: str | None = None, settings_path: Path | str | None = None,
                       ) -> CustomerRecommendations:
    """A customer's product gap and next best products in `period` (default: the latest
    closed period), each with its reason in `lang` (default: the workspace's language)."""
    settings = recommendation_settings(ws, settings_path)
    p, run = _closed(ws, period)
    frame, ranked = _ranked(ws, p, settings, customer_id)
    if frame.num_rows == 0:
        raise NotFoundError("customer {customer} is not among the customers of {period} who get "
                            "recommendations (relationship status {statuses})",
                            customer=customer_id, period=p, statuses=", ".join(settings.statuses))
    row = frame.to_pylist()[0]
    held = tuple(c for c in settings.categories if row[f"has_{c}"])
    t = translator_for(lang or ws.config.workspace.language)
    segments = _segment_names(run, t.lang)
    items = tuple(_suggestion(r, settings, segments, t) for r in
                  sorted(ranked.to_pylist(), key=lambda r: r["rank"]))
    return CustomerRecommendations(
        customer_id=customer_id, period=str(p), run_id=run.run_id, settings_id=settings.id,
        settings_version=settings.version, needs_segment=row["needs_segment"],
        industry_section=row["industry_section"], enterprise_size=row["enterprise_size"],
        held=held, gap=items, next_best=items[:settings.top])


@stage("recommend", rows=lambda result: result.table.num_rows)
def recommend_book(ws: Workspace, period: str | None = None, *,
                   settings_path: Path | str | None = None) -> BookRecommendations:
    """The next best products of every customer of `period` (default: the latest closed)."""
    from corptier.service.product_gap import next_best

    settings = recommendation_settings(ws, settings_path)
    p, run = _closed(ws, period)
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        frame, _long, ranked = _expressions(con, ws, p, settings)
        best = next_best(ranked, settings.top)
        table = con.batches(best.select(*RECOMMENDATION_COLUMNS).order_by(
            ["customer_id", "rank"]), BATCH_ROWS).read_all()
        customers = int(con.execute(frame.aggregate(n=frame.count()))["n"].iloc[0])
    served = len(set(table.column("customer_id").to_pylist())) if table.num_rows else 0
    return BookRecommendations(str(p), run.run_id, settings.id, settings.version, customers,
                               served, table)


def recommendations_by_tier(ws: Workspace, period: str | None = None, *,
                            settings_path: Path | str | None = None) -> pa.Table:
    """(tier, category, customers, gain) of the next best products of a closed period, summed
    in the engine by the customer's applied tier: one row per tier and recommended category
    (customers it is recommended to, Σ expected gain), and one per tier with category NULL
    (customers with at least one recommendation, Σ expected gain of all of them)."""
    import ibis

    from corptier.service.product_gap import next_best

    settings = recommendation_settings(ws, settings_path)
    p, _run = _closed(ws, period)
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        _frame_expr, _long, ranked = _expressions(con, ws, p, settings)
        best = next_best(ranked, settings.top)
        published = con.read_parquet(ws.partition_file(PUBLISHED_TIERS, p))
        tiers = published.select(_tid=published.customer_id.cast("string"),
                                 tier=published.applied_tier.cast("string"))
        j = best.join(tiers, best.customer_id.cast("string") == tiers._tid)
        by_category = j.group_by(["tier", "category"]).aggregate(
            customers=j.customer_id.nunique().cast("int64"), gain=j.gain.sum().cast("float64"))
        by_tier = j.group_by("tier").aggregate(
            category=ibis.null("string"), customers=j.customer_id.nunique().cast("int64"),
            gain=j.gain.sum().cast("float64"))
        both = ibis.union(by_category, by_tier.select(*by_category.columns), distinct=False)
        return con.batches(both.order_by(["tier", "category"]), BATCH_ROWS).read_all()


@stage("recommendation backtest", rows=lambda result: result.recommendations)
def backtest_recommendations(ws: Workspace, *, start: str | None = None, end: str | None = None,
                             settings_path: Path | str | None = None,
                             ) -> RecommendationBacktest:
    """Recommendations made at every closed month t from `start` to `end` (default: all) whose
    `horizon_months` following months are loaded, scored against the adoptions of t+1 … t+H:
    precision@top, the popularity baseline's, the lift and the base rate."""
    from corptier.service.adoption_backtest import backtest_table

    settings = recommendation_settings(ws, settings_path)
    h = settings.horizon_months
    snapshots = set(ws.periods(CUSTOMER_INDICATORS))
    with UnitOfWork(ws.db) as uow:
        closed = {Period(p) for p in uow.runs.published_periods()}
    lo = Period.parse(start) if start else None
    hi = Period.parse(end) if end else None
    months: list[Period] = []
    skipped: list[Period] = []
    for p in sorted(closed | snapshots):
        if (lo and p < lo) or (hi and p > hi):
            continue
        window = [p.shift(i) for i in range(h + 1)]
        ready = (p in closed and ws.partition_file(PUBLISHED_TIERS, p).is_file()
                 and all(m in snapshots for m in window))
        (months if ready else skipped).append(p)
    if not months:
        raise NotFoundError("no month can be backtested: a month t needs its close and the "
                            "indicator snapshots of t … t+{horizon} (closed: {count} periods; "
                            "horizon {horizon} months, standards/recommendations.yaml)", horizon=h,
                            count=len(closed))
    history = sorted({m for p in months for m in (p.shift(i) for i in range(h + 1))})
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        step("peers and adoptions", rows=len(months))
        frames = [_frame(con, ws, p, settings) for p in months]
        snaps = [con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, m)).select(
            "customer_id", "period", *(f"has_{c}" for c in settings.categories))
            for m in history]
        import ibis

        frame = ibis.union(*frames, distinct=False)
        hist = ibis.union(*snaps, distinct=False)
        rows = con.batches(backtest_table(frame, hist, settings), BATCH_ROWS).read_all()
    names = ("customers", "model_recommendations", "model_hits", "popular_recommendations",
             "popular_hits", "open_pairs", "open_adopted")
    out = tuple(BacktestMonth(r["period"], *(int(r[n]) for n in names))
                for r in rows.to_pylist())
    return RecommendationBacktest(settings.id, settings.version, settings.top, h, out,
                                  tuple(str(p) for p in skipped))


# --- helpers -------------------------------------------------------------------------------------
def _closed(ws: Workspace, period: str | None) -> tuple[Period, Any]:
    """The period (default: the latest closed) and its published run."""
    with UnitOfWork(ws.db) as uow:
        if period is None:
            closed = uow.runs.published_periods()
            if not closed:
                raise NotFoundError("no period has been closed yet; close one first")
            p = max(Period(k) for k in closed)
        else:
            p = Period.parse(period)
        run = uow.runs.published(str(p))
        if run is None:
            raise NotFoundError("period {period} has not been closed; close it first", period=p)
    for table in (CUSTOMER_INDICATORS, PUBLISHED_TIERS):
        if not ws.partition_file(table, p).is_file():
            raise NotFoundError("the {table} of {period} are missing ({path}); close {period} "
                                "again", table=table, period=p, path=ws.partition_file(table, p))
    return p, run


def _frame(con: Any, ws: Workspace, p: Period, settings: RecommendationSettings) -> Any:
    from corptier.service.product_gap import customer_frame

    return customer_frame(con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, p)),
                          con.read_parquet(ws.partition_file(PUBLISHED_TIERS, p)), settings)


def _expressions(con: Any, ws: Workspace, p: Period,
                 settings: RecommendationSettings) -> tuple[Any, Any, Any]:
    from corptier.service.product_gap import candidates, holdings, peer_table

    frame = _frame(con, ws, p, settings)
    long = holdings(frame, settings.categories)
    stated_file = ws.partition_file(STATED_NEEDS, p)
    stated = con.read_parquet(stated_file) if stated_file.is_file() else None
    return frame, long, candidates(peer_table(long, settings), settings, stated)


def _ranked(ws: Workspace, p: Period, settings: RecommendationSettings,
            customer_id: str) -> tuple[pa.Table, pa.Table]:
    """The customer's frame row and its ranked candidates (the whole book's peer statistics,
    filtered to the customer at the end)."""
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        frame, _long, ranked = _expressions(con, ws, p, settings)
        own = frame.filter(frame.customer_id == customer_id)
        mine = ranked.filter(ranked.customer_id == customer_id).select(*RECOMMENDATION_COLUMNS)
        return (con.batches(own, BATCH_ROWS).read_all(),
                con.batches(mine, BATCH_ROWS).read_all())


def _segment_names(run: Any, lang: str) -> dict[str, str]:
    """Needs segment code → name in `lang`, from the standard the period was closed with."""
    segments = ((run.standard or {}).get("needs_segments") or {}).get("segments") or []
    key = "name_zh" if lang.startswith("zh") else "name_en"
    return {s["code"]: s.get(key) or s["code"] for s in segments if "code" in s}


def _group_words(row: dict[str, Any], keys: tuple[str, ...], segments: dict[str, str],
                 t: Any) -> str:
    """The peer group in words: "制造业, 中型企业, 结算主导型"."""
    if not keys:
        return str(t(N_("All customers")))
    words = []
    for key in ("industry_section", "enterprise_size", "needs_segment"):
        if key not in keys:
            continue
        code = row[key]
        if key == "needs_segment":
            words.append(segments.get(code, code))
        elif key == "enterprise_size":
            words.append(t(SIZE_LABELS[code]) if code in SIZE_LABELS else code)
        else:
            words.append(_section_name(code, t.lang))
    return ("、" if t.lang.startswith("zh") else ", ").join(words)


def _section_name(letter: str, lang: str) -> str:
    from corptier.reference.errors import ReferenceDataError
    from corptier.reference.industry import section_by_letter

    try:
        section = section_by_letter(letter)
    except ReferenceDataError:
        return letter
    return section.name_zh if lang.startswith("zh") else section.name_en


def _suggestion(row: dict[str, Any], settings: RecommendationSettings,
                segments: dict[str, str], t: Any) -> ProductSuggestion:
    category = row["category"]
    label = t(CATEGORY_LABELS.get(category, category))
    level = row["level"]
    keys = tuple(settings.peer_groups[level]) if level is not None else ()
    return ProductSuggestion(
        rank=row["rank"], category=category, label=label, score=row["score"],
        adoption=row["adoption"] if level is not None else None,
        peers=row["peers"] if level is not None else None, peer_group=keys,
        expected_gain=row["gain"] if level is not None else None,
        gain_text=_gain_text(row["gain"] if level is not None else None, t.lang),
        stated=row["stated"],
        in_gap=row["in_gap"], reason=_reason(row, keys, label, settings, segments, t))


def _gain_text(gain: float | None, lang: str) -> str:
    if gain is None:
        return "—"
    return ("+" if gain >= 0 else "") + compact_money(gain, lang)


def _reason(row: dict[str, Any], keys: tuple[str, ...], label: str,
            settings: RecommendationSettings, segments: dict[str, str], t: Any) -> str:
    """"82% of 41 similar customers (制造业, 中型企业, 结算主导型) hold 现金管理; median
    contribution, last 12 months +3.2万 yuan" in the user's language."""
    parts = []
    if row["level"] is not None and row["adoption"] is not None:
        text = t(N_("{adoption} of {peers} similar customers ({group}) hold {category}"))
        parts.append(text.format(adoption=f"{round(row['adoption'] * 100)}%",
                                 peers=row["peers"], category=label,
                                 group=_group_words(row, keys, segments, t)))
        if row["gain"] is not None:
            parts.append(t(N_("{measure} {gain} yuan")).format(
                measure=t(MEASURE_LABELS[settings.contribution]),
                gain=_gain_text(row["gain"], t.lang)))
    if row["stated"]:
        parts.append(t(N_("stated as a need in the needs survey")))
    joint = "；" if t.lang.startswith("zh") else "; "
    return joint.join(parts) if parts else label

