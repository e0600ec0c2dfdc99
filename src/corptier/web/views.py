"""What each page shows, gathered from the services and shaped for its template (tables,
ECharts options); no business rule lives here."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from corptier.i18n import Translator
from corptier.services.access import Principal
from corptier.services.book import FILTERS, BookQuery

PAGE_SIZE = 50


def _period(request: Request, period: str | None) -> str:
    from corptier.services.book import latest_period

    return period or latest_period(request.app.state.ws)


def tier_label(t: Translator, tiers: list[Any]) -> dict[str, str]:
    """Tier code → name in the user's language (from the run's standard)."""
    zh = t.lang.startswith("zh")
    return {x.code: (x.name_zh if zh else x.name_en) for x in tiers}


def dashboard(request: Request, who: Principal, t: Translator,
              period: str | None) -> dict[str, Any]:
    from corptier.services.dashboard import dashboard as figures

    d = figures(request.app.state.ws, who, _period(request, period))
    names = tier_label(t, d.tiers)
    codes = [x.code for x in d.tiers]
    labels = [names[c] for c in codes]
    pyramid = {
        "tooltip": {}, "legend": {"data": [t("Previous period"), t("This period")]},
        "xAxis": {"type": "value"}, "yAxis": {"type": "category", "data": labels[::-1]},
        "series": [
            {"name": t("Previous period"), "type": "bar",
             "data": [d.previous_counts.get(c, 0) for c in codes[::-1]]},
            {"name": t("This period"), "type": "bar",
             "data": [d.counts.get(c, 0) for c in codes[::-1]]}],
    }
    rows = ["new", *codes]
    row_labels = [t.tier("new"), *labels]
    heat = [[j, i, d.migration.get((r, c), 0)] for i, r in enumerate(rows)
            for j, c in enumerate(codes)]
    migration = {
        "tooltip": {}, "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "category", "data": row_labels},
        "visualMap": {"min": 0, "max": max([1, *d.migration.values()]), "calculable": True,
                      "orient": "horizontal", "left": "center", "bottom": 0},
        "series": [{"type": "heatmap", "data": heat, "label": {"show": True}}],
    }
    contribution = {
        "tooltip": {}, "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "data": [round(d.contribution.get(c, 0.0), 2)
                                            for c in codes]}],
    }
    table = [{"code": c, "label": names[c], "now": d.counts.get(c, 0),
              "before": d.previous_counts.get(c, 0),
              "contribution": d.contribution.get(c, 0.0)} for c in codes]
    return {"d": d, "names": names, "table": table, "pyramid": pyramid,
            "migration": migration, "contribution": contribution,
            "matrix_rows": list(zip(rows, row_labels, strict=True)), "codes": codes}


def book_query(request: Request) -> tuple[BookQuery, str]:
    """The list's filters, search, sort and page from the query string."""
    q = request.query_params
    filters = {f: q[f].strip()[:80] for f in FILTERS if q.get(f, "").strip()}
    query = BookQuery(filters=filters, flag=(q.get("flag") or "").strip()[:40] or None,
                      search=(q.get("q") or "").strip()[:100] or None,
                      sort=q.get("sort") or "customer_id", descending=q.get("desc") == "1",
                      page=_int(q.get("page"), 1), size=_int(q.get("size"), PAGE_SIZE))
    return query, _period(request, q.get("period") or None)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def customer_list(request: Request, who: Principal, t: Translator) -> dict[str, Any]:
    from corptier.services.book import list_customers
    from corptier.services.dashboard import tier_names

    ws = request.app.state.ws
    query, period = book_query(request)
    page = list_customers(ws, who, period, query)
    pages = max(1, -(-page.total // page.size))
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return {"page": page, "query": query, "pages": pages, "params": params,
            "names": tier_label(t, tier_names(ws, page.period)), "filters": FILTERS}


def customer_360(request: Request, who: Principal, t: Translator, customer_id: str,
                 period: str | None) -> dict[str, Any]:
    from corptier.services import book, explain_customer
    from corptier.services.dashboard import tier_names
    from corptier.services.scoped_overrides import scoped_overrides

    ws = request.app.state.ws
    period = _period(request, period)
    record = book.customer_record(ws, who, customer_id, period)
    explanation = explain_customer(ws, customer_id, period, t.lang)
    trend = book.customer_history(ws, who, customer_id)
    tiers = tier_names(ws, period)
    names = tier_label(t, tiers)
    dims = {k.removeprefix("dim_"): v for k, v in record.items() if k.startswith("dim_")}
    seg = explanation.data.get("needs_segment") or {}
    return {
        "c": record, "period": period, "explanation": explanation, "names": names,
        "segment": seg.get("name_zh" if t.lang == "zh-CN" else "name_en"),
        "tiers": tiers, "history": book.tier_history(ws, who, customer_id),
        "loans": book.customer_loans(ws, who, customer_id, period),
        "products": book.customer_products(ws, who, customer_id, period),
        "overrides": scoped_overrides(ws, who, customer_id=customer_id),
        "trend_chart": _trend_chart(t, trend), "dims": dims,
    }


def _trend_chart(t: Translator, trend: list[dict[str, Any]]) -> dict[str, Any]:
    series = (("dep_avg", t("Deposits (avg. daily)")), ("loan_avg", t("Loans (avg. daily)")),
              ("contribution", t("Contribution")))
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"data": [label for _, label in series]},
        "xAxis": {"type": "category", "data": [r["period"] for r in trend]},
        "yAxis": {"type": "value"},
        "series": [{"name": label, "type": "line",
                    "data": [None if r[key] is None else round(r[key], 2) for r in trend]}
                   for key, label in series],
    }


def workbench(request: Request, who: Principal, t: Translator,
              period: str | None) -> dict[str, Any]:
    from corptier.services.book import list_customers
    from corptier.services.dashboard import dashboard as figures
    from corptier.services.scoped_overrides import scoped_overrides

    ws = request.app.state.ws
    d = figures(ws, who, _period(request, period))
    lists = {
        "changes": list_customers(ws, who, d.period, BookQuery(
            sort="contribution", descending=True, size=100,
            filters={"migration": "up"})).rows
        + list_customers(ws, who, d.period, BookQuery(
            sort="contribution", descending=True, size=100,
            filters={"migration": "down"})).rows
        + list_customers(ws, who, d.period, BookQuery(
            size=100, filters={"migration": "new"})).rows,
        "potential": list_customers(ws, who, d.period, BookQuery(flag="potential",
                                                                 size=100)).rows,
        "risk": list_customers(ws, who, d.period, BookQuery(flag="risk_watch", size=100)).rows,
    }
    mine = [o for o in scoped_overrides(ws, who, "pending") if o.requested_by == who.name]
    return {"d": d, "names": tier_label(t, d.tiers), "lists": lists, "mine": mine}


def alerts(request: Request, who: Principal, state: str | None, severity: str | None,
           mine: bool) -> dict[str, Any]:
    from corptier.services.scoped_alerts import scoped_alerts

    mine = mine and who.role in ("rm", "team_head")
    found = scoped_alerts(request.app.state.ws, who, state=state or None,
                          severity=severity or None, mine=mine)
    return {"alerts": found, "state": state or "", "severity": severity or "", "mine": mine}


def overrides(request: Request, who: Principal, t: Translator,
              state: str | None) -> dict[str, Any]:
    from corptier.services.book import published_periods
    from corptier.services.dashboard import tier_names
    from corptier.services.scoped_overrides import scoped_overrides

    ws = request.app.state.ws
    periods = published_periods(ws)
    # tier names of the latest close's standard (none before a first close: codes shown)
    names = tier_label(t, tier_names(ws, periods[-1])) if periods else {}
    return {"pending": scoped_overrides(ws, who, "pending"),
            "history": scoped_overrides(ws, who, state or None), "state": state or "",
            "names": names}
