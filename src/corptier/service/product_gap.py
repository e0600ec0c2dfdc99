"""Product gap and next best products (定制化产品) as Ibis expressions over a period's book.

A customer's peers are the other customers of its peer group: the first level of
`peer_groups` (same needs segment × industry section × size class, then coarser) whose group
holds at least `min_peers` other customers. A category the customer does not hold is in its
**gap** when at least `min_adoption` of those peers hold it; the **expected gain** is the median
contribution of the group's holders minus the median of its non-holders. The **next best
products** are the `top` candidates by score = peers' adoption (+ `stated_need_bonus` for a need
the customer stated in a survey). Every step is a column the engine computes for all customers
of all periods in the frame at once; nothing loops over customers in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from corptier.service.recommendation_settings import PEER_KEYS, RecommendationSettings

FRAME_COLUMNS = ("customer_id", "period", *PEER_KEYS, "value")
"""What `holdings` needs besides `has_<category>`: `value` is the contribution measure."""


def customer_frame(indicators: ir.Table, published: ir.Table,
                   settings: RecommendationSettings) -> ir.Table:
    """One row per customer of a period whose status is in `settings.statuses`: the peer keys
    (the needs segment from the published tiers), the contribution measure and the holdings."""
    tiers = published.select(_tid=published.customer_id.cast("string"),
                             needs_segment=published.needs_segment.cast("string"))
    ind = indicators.filter(indicators.status.isin(list(settings.statuses)))
    joined = ind.left_join(tiers, ind.customer_id.cast("string") == tiers._tid)
    return joined.select(
        customer_id=joined.customer_id.cast("string"), period=joined.period.cast("string"),
        needs_segment=joined.needs_segment,
        industry_section=joined.industry_section.cast("string"),
        enterprise_size=joined.enterprise_size.cast("string"),
        value=joined[settings.contribution].cast("float64"),
        **{f"has_{c}": joined[f"has_{c}"].cast("int64") for c in settings.categories})


def holdings(frame: ir.Table, categories: Sequence[str]) -> ir.Table:
    """The frame in long form: one row per customer, period and category, `held` 0 or 1 and
    `position` the category's place in the settings (the last tie-break)."""
    parts = [frame.select(*FRAME_COLUMNS, category=ibis.literal(c, "string"),
                          position=ibis.literal(i, "int64"),
                          held=(frame[f"has_{c}"] > 0).ifelse(1, 0).cast("int64"))
             for i, c in enumerate(categories)]
    return ibis.union(*parts, distinct=False)


def _level_stats(long: ir.Table, keys: Sequence[str], i: int) -> ir.Table:
    by = ["period", "category", *keys]
    return long.group_by(by).aggregate(**{
        f"n{i}": long.count().cast("int64"),
        f"holders{i}": long.held.sum().cast("int64"),
        f"with{i}": long.value.median(where=long.held == 1),
        f"without{i}": long.value.median(where=long.held == 0),
    }).rename(**{f"_k{i}_{k}": k for k in by})


def peer_table(long: ir.Table, settings: RecommendationSettings) -> ir.Table:
    """Each (customer, period, category) with the peer-group level used (0 = finest; null when
    no level has `min_peers` peers), `peers`, the peers' `adoption` rate (the customer left
    out) and `gain`, the median contribution of the group's holders minus its non-holders'."""
    t = long
    for i, keys in enumerate(settings.peer_groups):
        stats = _level_stats(long, keys, i)
        by = ["period", "category", *keys]
        t = t.left_join(stats, [t[k] == stats[f"_k{i}_{k}"] for k in by])
        t = t.drop(*[f"_k{i}_{k}" for k in by])
    levels = range(len(settings.peer_groups))
    level = ibis.cases(*[(t[f"n{i}"] - 1 >= settings.min_peers, i) for i in levels],
                       else_=ibis.null("int64"))
    t = t.mutate(level=level.cast("int64"))

    def pick(name: str, dtype: str) -> ir.Value:
        return ibis.cases(*[(t.level == i, t[f"{name}{i}"]) for i in levels],
                          else_=ibis.null(dtype)).cast(dtype)

    n, holders = pick("n", "int64"), pick("holders", "int64")
    t = t.mutate(peers=n - 1,
                 adoption=((holders - t.held).cast("float64") / (n - 1).cast("float64")),
                 gain=pick("with", "float64") - pick("without", "float64"))
    drop = [f"{name}{i}" for i in levels for name in ("n", "holders", "with", "without")]
    return t.drop(*drop)


def candidates(peers: ir.Table, settings: RecommendationSettings,
               stated: ir.Table | None = None) -> ir.Table:
    """The categories a customer does not hold that are in its gap (`in_gap`) or that it
    stated as a need (`stated`), with `score` and `rank` (1 = best) within the customer.

    `stated` is the join point of the needs surveys: (customer_id, category) rows of needs a
    customer stated; None (no surveys yet) leaves `stated` false everywhere."""
    t = peers
    if stated is None:
        t = t.mutate(stated=ibis.literal(False))
    else:
        needs = stated.select(_sid=stated.customer_id.cast("string"),
                              _scat=stated.category.cast("string")).distinct()
        needs = needs.mutate(_stated=ibis.literal(True))
        t = t.left_join(needs, [t.customer_id == needs._sid, t.category == needs._scat])
        t = t.drop("_sid", "_scat").rename(stated="_stated")
        t = t.mutate(stated=t.stated.coalesce(False))
    in_gap = (t.adoption >= settings.min_adoption).coalesce(False)
    t = t.mutate(in_gap=in_gap)
    t = t.filter((t.held == 0) & (t.in_gap | t.stated))
    score = t.adoption.coalesce(0.0) + t.stated.ifelse(settings.stated_need_bonus, 0.0)
    t = t.mutate(score=score)
    order = [t.score.desc(), t.gain.desc(nulls_first=False), t.position]
    rank = ibis.row_number().over(group_by=[t.period, t.customer_id], order_by=order) + 1
    return t.mutate(rank=rank.cast("int64"))


def next_best(ranked: ir.Table, top: int) -> ir.Table:
    """The `top` best candidates of each customer."""
    return ranked.filter(ranked["rank"] <= top)


def popular_choice(long: ir.Table, counts: ir.Table) -> ir.Table:
    """The baseline: for each customer, the categories it does not hold ranked by how many
    customers of the whole book hold them, as many as `counts.k` (customer_id, period, k)."""
    pop = long.group_by(["period", "category"]).aggregate(popularity=long.held.mean())
    pop = pop.rename(_pp="period", _pc="category")
    t = long.filter(long.held == 0)
    t = t.join(pop, [t.period == pop._pp, t.category == pop._pc]).drop("_pp", "_pc")
    order = [t.popularity.desc(), t.position]
    t = t.mutate(rank=(ibis.row_number().over(group_by=[t.period, t.customer_id],
                                               order_by=order) + 1).cast("int64"))
    k = counts.rename(_kc="customer_id", _kp="period")
    t = t.join(k, [t.customer_id == k._kc, t.period == k._kp]).drop("_kc", "_kp")
    return t.filter(t["rank"] <= t.k)
