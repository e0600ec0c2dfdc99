"""The self-contained HTML report: one Jinja2 template, CSS and charts inline, nothing fetched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import jinja2
import pandas as pd
from markupsafe import Markup

from corptier.evaluation.breakdowns import OTHERS, UNKNOWN
from corptier.evaluation.findings import Finding, Param
from corptier.evaluation.kpis import TOTAL, KpiSpec
from corptier.evaluation.migration import MigrationMatrix
from corptier.i18n import N_, Translator, compact_money, translations
from corptier.provenance import __version__
from corptier.report.explanation import model_note
from corptier.report.model import ReportData
from corptier.report.relationship import Grid, relationship_parts

TOP_CUSTOMERS = 20
VERDICTS = {"stable": N_("Stable"), "moderate": N_("Moderate"), "significant": N_("Significant")}
QUARANTINE_ROWS = 50


@dataclass
class Row:
    cells: list[str]
    css: str = ""
    cell_css: dict[int, str] = field(default_factory=dict)


@dataclass
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    css: str = ""


def render_html(data: ReportData, charts: dict[str, str], *, extra_css: str = "") -> str:
    """The report as one HTML document (charts are inline SVG)."""
    t = data.translator()
    template = _environment(data.lang).get_template("report.html")
    # the stylesheet is ours (package file and the PDF's font rules), never user text
    return template.render(**view_model(data, charts, t), css=Markup(_css() + extra_css))


def view_model(data: ReportData, charts: dict[str, str], t: Translator) -> dict:
    """Everything the template shows, formatted for the language."""
    return {
        "t": t,
        "version": __version__,
        "period": data.period,
        "workspace_name": data.workspace_name,
        "generated_at": data.generated_at.isoformat(sep=" "),
        "run": data.run,
        "cards": _cards(data, t),
        "findings": [finding_view(f, t) for f in data.findings],
        "money_unit": t.unit(),
        "charts": charts,
        "kpi_table": kpi_table(data, t),
        "trend_charts": [v for k, v in charts.items() if k.startswith("trend_")],
        "trend_periods": data.trend["period"].nunique(),
        "migrations": _migrations(data, t),
        "stability": _stability(data, t),
        "psi": _psi(data, t),
        "behaviour_model": behaviour_model_text(data, t),
        "concentration": concentration_table(data, t),
        "top_customers": _top_customers(data, t),
        "before_after": _before_after(data, t),
        "breakdowns": [{"title": t(DIMENSION_TITLES[dim]),
                        "table": breakdown_table(data, dim, t)}
                       for dim in data.breakdowns],
        "top_n": data.top_n,
        "loads": _loads(data, t),
        "quarantine": _quarantine(data, t),
        "warned": _warned(data, t),
        "relationship": relationship_view(data, t),
    }


@lru_cache(maxsize=4)
def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("corptier.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n ext
        translations(lang), newstyle=True)
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return (resources.files(__package__) / "templates" / "report.css").read_text("utf-8")


STATUS_LABELS = {"ok": N_("Within"), "attention": N_("Look at this"),
                 "unknown": N_("Not known yet")}
SECTION_TITLES = {
    "kpis": N_("Tier structure and KPIs"),
    "stability": N_("Stability"),
    "concentration": N_("Concentration of contribution"),
    "quality": N_("Input data quality"),
    "breakdowns": N_("Breakdowns"),
}


DIMENSION_TITLES = {
    "sub_branch": N_("By sub-branch"),
    "rm_id": N_("By relationship manager"),
    "industry_section": N_("By industry section"),
    "enterprise_size": N_("By enterprise size"),
}
DIMENSION_LABELS = {
    "sub_branch": N_("Sub-branch"),
    "rm_id": N_("Relationship manager"),
    "industry_section": N_("Industry section"),
    "enterprise_size": N_("Enterprise size"),
}
SIZE_LABELS = {
    "large": N_("Large enterprises"),
    "medium": N_("Medium enterprises"),
    "small": N_("Small enterprises"),
    "micro": N_("Micro enterprises"),
    "unclassified": N_("Size not classified"),
}
GROUP_LABELS = {UNKNOWN: N_("(not recorded)"), OTHERS: N_("(others)")}


def group_label(data: ReportData, dimension: str, code: object, t: Translator) -> str:
    """The name a reader sees for a breakdown group (code and name where both exist)."""
    key = str(code)
    if key in GROUP_LABELS:
        return t(GROUP_LABELS[key])
    if dimension == "enterprise_size" and key in SIZE_LABELS:
        return t(SIZE_LABELS[key])
    return data.group_labels.get(dimension, {}).get(key, key)


def breakdown_columns(data: ReportData, dimension: str, t: Translator) -> list[str]:
    """Headers of a breakdown: group, customers, one per tier, money, RAROC, movements, exits."""
    return [t(DIMENSION_LABELS[dimension]), t("Customers"), *[t.tier(x) for x in data.tier_order],
            t.money_header(t("Contribution")), t("RAROC"), t("Customers destroying value"),
            t.money_header(t("Value destroyed")), t("Upgraded"), t("Downgraded"), t("New"),
            t("Exited / customers last period"), t("Exit rate")]


def breakdown_rows(data: ReportData, frame: pd.DataFrame, dimension: str, t: Translator
                   ) -> list[list[str]]:
    """The formatted cells of a breakdown frame, one list per group."""
    return [[group_label(data, dimension, r["group"], t), t.count(r["customers"]),
             *[t.count(r[x]) for x in data.tier_order], t.amount(r["contribution"]),
             t.share(r["raroc"]), t.count(r["destroying"]), t.amount(r["value_lost"]),
             t.count(r["upgraded"]), t.count(r["downgraded"]), t.count(r["new"]),
             f"{t.count(r['exited'])} / {t.count(r['previous_customers'])}",
             t.share(r["exit_rate"])] for r in frame.to_dict("records")]


def breakdown_table(data: ReportData, dimension: str, t: Translator) -> Table:
    """The top groups of a dimension by contribution, the rest summed as "others"."""
    top = data.breakdowns_top[dimension]
    table = Table(breakdown_columns(data, dimension, t), css="wrap")
    table.rows = [Row(cells, "total" if r == OTHERS else "")
                  for r, cells in zip(top["group"], breakdown_rows(data, top, dimension, t),
                                      strict=True)]
    return table


def finding_view(finding: Finding, t: Translator) -> dict:
    """A finding as the template shows it: status, sentence, evidence, link to its section."""
    return {
        "status": finding.status,
        "status_label": t(STATUS_LABELS[finding.status]),
        "text": _message(finding.message, finding.params, t),
        "evidence": [_message(i.message, i.params, t) for i in finding.items],
        "href": f"#{finding.section}",
        "section": t(SECTION_TITLES[finding.section]),
    }


def _message(message: str, params: Mapping[str, Param], t: Translator) -> str:
    values = {k: format_param(p, t) for k, p in params.items()}
    return t(message) % values if values else t(message)


def format_param(param: Param, t: Translator) -> str:
    """One value of a finding in the report's language and money unit."""
    if param.kind == "tier":
        return t.tier(str(param.value))
    if param.kind == "text":
        return str(param.value)
    if param.kind == "money":
        return f"{t.money(param.value)} {t.unit()}"
    return t.kind(param.kind, param.value)


def _cards(data: ReportData, t: Translator) -> list[dict]:
    kpis, conc = data.kpis, data.concentration
    cards = [
        {"label": t("Customers"), "value": t.count(kpis.loc[TOTAL, "customers"])},
        {"label": t("Contribution"), "value": _money_short(kpis.loc[TOTAL, "contribution"], t)},
        {"label": t("Gini of contribution"), "value": t.number(conc.gini, 3),
         "note": t("Top 20%% make %(share)s") % {"share": t.share(conc.top_shares.get(0.2))}},
    ]
    if data.previous is not None:
        m = data.previous.matrix
        cards.append({"label": t("Tier unchanged"), "value": t.share(m.diagonal_share),
                      "note": t("Up %(up)s · down %(down)s") % {
                          "up": t.share(m.upgrade_share), "down": t.share(m.downgrade_share)}})
    if data.psi_previous is not None:
        cards.append({"label": t("Score PSI"), "value": t.number(data.psi_previous.value, 3),
                      "note": t(VERDICTS[data.psi_previous.verdict])})
    cards.append({"label": t("Rejected input rows"), "value": t.count(data.quarantine.rejected)})
    return [{"note": ""} | card for card in cards]


def kpi_table(data: ReportData, t: Translator) -> Table:
    table = Table([t("Tier"), *[spec_label(s, t) for s in data.specs]])
    for tier, row in data.kpis.iterrows():
        cells = [t.tier(str(tier)), *[t.kind(s.kind, row[s.name]) for s in data.specs]]
        table.rows.append(Row(cells, "total" if tier == TOTAL else ""))
    return table


def spec_label(spec: KpiSpec, t: Translator) -> str:
    """A KPI's header, with the money unit for money."""
    label = t(spec.label)
    return t.money_header(label) if spec.kind == "money" else label


def migration_table(m: MigrationMatrix, t: Translator) -> Table:
    table = Table([t("From \\ to"), *[t.tier(str(c)) for c in m.counts.columns], t("Total")])
    # the shares cell by cell beside the counts, aligned on the counts' labels
    shares = m.row_pct.reindex(index=m.counts.index, columns=m.counts.columns).to_numpy()
    rows = zip(m.counts.index, m.counts.to_numpy(), shares, strict=True)
    for i, (tier, counts, pct) in enumerate(rows):
        cells = [f"{t.count(n)} ({t.share(p)})" if n else "·"
                 for n, p in zip(counts, pct, strict=True)]
        css = "total" if tier == "new" else ""
        diagonal = {i + 1: "diag"} if i < len(m.tier_order) else {}
        table.rows.append(Row([t.tier(str(tier)), *cells, t.count(counts.sum())], css, diagonal))
    return table


def migration_summary(m: MigrationMatrix, t: Translator) -> str:
    return t(
        "Tier unchanged %(diag)s, upgraded %(up)s, downgraded %(down)s of %(stayers)s customers "
        "present in both periods; %(new)s new, %(exited)s exited (exit rate %(exit)s)."
    ) % {
        "diag": t.share(m.diagonal_share), "up": t.share(m.upgrade_share),
        "down": t.share(m.downgrade_share), "stayers": t.count(m.stayers),
        "new": t.count(m.new_count), "exited": t.count(m.exited_count),
        "exit": t.share(m.exit_rate),
    }


def _migrations(data: ReportData, t: Translator) -> list[dict]:
    out = []
    for comp in (data.previous, data.year_ago):
        if comp is not None:
            title = t("Migration %(start)s → %(end)s") % {"start": comp.period, "end": data.period}
            out.append({"title": title, "summary": migration_summary(comp.matrix, t),
                        "table": migration_table(comp.matrix, t)})
    return out


def _stability(data: ReportData, t: Translator) -> dict | None:
    st = data.stability
    if st is None:
        return None
    steps = Table([t("Periods"), t("Customers in both"), t("Tier unchanged"), t("Upgraded"),
                   t("Downgraded"), t("New"), t("Exited")])
    for r in st.steps.itertuples():
        steps.rows.append(Row([f"{r.period_from} → {r.period_to}", t.count(r.stayers),
                               t.share(r.diagonal_share), t.share(r.upgrade_share),
                               t.share(r.downgrade_share), t.count(r.new), t.count(r.exited)]))
    f = st.flapping
    flap = t(
        "Flapping (a tier change reversed within %(window)s periods): %(customers)s customers "
        "(%(rate)s of those seen twice or more); %(reversed)s of %(changes)s tier changes were "
        "reversed."
    ) % {"window": f.window, "customers": t.count(f.customers_flapping), "rate": t.share(f.rate),
         "reversed": t.count(len(f.events)), "changes": t.count(f.changes)}
    exits = Table([t("Tier"), t("Customers in the tier"), t("Of them exited the next period"),
                   t("Exit rate")])
    frame = st.customer_exits if st.customer_exits is not None else pd.DataFrame(
        columns=["tier", "customers", "exited", "exit_rate"])
    for r in frame.itertuples():
        exits.rows.append(Row([t.tier(str(r.tier)), t.count(r.customers),
                               f"{t.count(r.exited)} / {t.count(r.customers)}",
                               t.share(r.exit_rate)]))
    periods = st.steps["period_from"]
    exits_note = t(
        "Distinct customers that were in the tier at some period from %(first)s to %(last)s, "
        "and of them those no longer customers at the next period; each customer counts once "
        "per tier."
    ) % {"first": periods.min() if len(periods) else "–",
         "last": periods.max() if len(periods) else "–"}
    return {"steps": steps, "flapping": flap, "exits": exits, "exits_note": exits_note}


def behaviour_model_text(data: ReportData, t: Translator) -> str:
    """What the close's silent-attrition model says: its parameters, that it was not
    informative (so P(alive) was neither shown nor used), or that none was fitted."""
    model = data.behaviour_model
    if not model:
        return t("No attrition model was fitted this period (too few customers with repeat "
                 "activity).")
    note = model_note(model, data.lang)
    if note:
        return (f"{note[:1].upper()}{note[1:]}. "
                + t("P(alive) is not shown and the declining rule on P(alive) is not used."))
    return t("BG/NBD fitted on %(n)s customers: r = %(r)s, α = %(alpha)s, a = %(a)s, "
             "b = %(b)s.") % {"n": t.count(model.get("n")),
                              **{k: f"{float(model[k]):.4g}" for k in ("r", "alpha", "a", "b")}}


def _psi(data: ReportData, t: Translator) -> Table | None:
    p = data.psi_previous
    if p is None or data.previous is None:
        return None
    table = Table([t("Reference"), t("Current"), t("PSI"), t("Verdict"), t("Bins"),
                   t("Reference customers"), t("Current customers")])
    table.rows.append(Row([data.previous.period, data.period, t.number(p.value, 4),
                           t(VERDICTS[p.verdict]), str(p.bins), t.count(p.n_ref),
                           t.count(p.n_cur)]))
    return table


def concentration_table(data: ReportData, t: Translator) -> Table:
    c = data.concentration
    table = Table([t("Measure"), t("Value")])
    rows = [
        (t("Customers"), t.count(c.n)),
        (t.money_header(t("Net contribution")), t.money(c.total)),
        (t("Gini"), t.number(c.gini, 3)),
        *[(t("Share of the top %(p)s of customers") % {"p": t.share(p)}, t.share(v))
          for p, v in c.top_shares.items()],
        (t("Customers destroying value"), t.share(c.destroying_share)),
        (t.money_header(t("Value destroyed")), t.money(c.value_destroyed)),
        (t("Smallest share of customers making the whole net contribution"),
         t.share(c.all_value_share)),
    ]
    table.rows = [Row(list(r)) for r in rows]
    return table


def _top_customers(data: ReportData, t: Translator) -> Table:
    frame = data.tiers
    table = Table([t("Customer"), t("Name"), t("Tier"), t("Previous tier"),
                   *[t.money_header(t(x)) for x in ("Contribution", "Deposits (avg. daily)",
                                                    "Loans (avg. daily)")]], css="wrap left4")
    if "contribution" not in frame.columns:
        return table
    top = frame.assign(_c=pd.to_numeric(frame["contribution"], errors="coerce")).nlargest(
        TOP_CUSTOMERS, "_c")
    for r in top.to_dict("records"):
        table.rows.append(Row([
            str(r["customer_id"]), str(r.get("name") or ""), t.tier(str(r["applied_tier"])),
            t.tier(str(r["previous_tier"])) if _present(r.get("previous_tier")) else "–",
            t.amount(r["contribution"]), t.amount(r.get("dep_avg")), t.amount(r.get("loan_avg")),
        ]))
    return table


def before_after_table(data: ReportData, t: Translator, *, after_only: bool = False
                       ) -> Table | None:
    """KPI × tier: the mean before → the mean from the adoption (or only the latter)."""
    frame = data.before_after
    if frame is None or frame.empty:
        return None
    specs = {s.name: s for s in data.specs}
    tiers = list(dict.fromkeys(frame["tier"]))
    table = Table([t("KPI"), *[t.tier(str(x)) for x in tiers]])
    for key, rows in frame.groupby("kpi", sort=False):
        kpi = str(key)
        kind = specs[kpi].kind if kpi in specs else "number"
        by_tier = rows.set_index("tier")
        cells = [t.kind(kind, by_tier.at[x, "after"]) if after_only else
                 f"{t.kind(kind, by_tier.at[x, 'before'])} → {t.kind(kind, by_tier.at[x, 'after'])}"
                 for x in tiers]
        table.rows.append(Row([spec_label(specs[kpi], t) if kpi in specs else kpi, *cells]))
    return table


def _before_after(data: ReportData, t: Translator) -> dict | None:
    """None without an adoption; otherwise a sentence and the table, saying plainly when no
    period before the adoption has data yet."""
    adoption = data.adoption
    if adoption is None:
        return None
    ba = data.before_after
    before = 0 if ba is None or ba.empty else int(ba["periods_before"].max())
    after = 0 if ba is None or ba.empty else int(ba["periods_after"].max())
    facts = {"standard": adoption.get("standard_id", ""),
             "version": adoption.get("standard_version", ""),
             "period": adoption.get("adopted_period", ""), "before": before, "after": after}
    if before == 0:
        summary = t(
            "Standard %(standard)s %(version)s was adopted in %(period)s. No period before the "
            "adoption has data yet, so there is no \"before\" to compare with; the table shows "
            "the mean of each KPI over the %(after)s period(s) from the adoption."
        ) % facts
        return {"summary": summary, "table": before_after_table(data, t, after_only=True)}
    summary = t(
        "Standard %(standard)s %(version)s adopted in %(period)s. Mean of each KPI over the "
        "%(before)s period(s) before the adoption and the %(after)s period(s) from it (before → "
        "after); tiers that did not exist before show –."
    ) % facts
    return {"summary": summary, "table": before_after_table(data, t)}


def _loads(data: ReportData, t: Translator) -> Table:
    table = Table([t("Table"), t("Rows read"), t("Accepted"), t("Rejected"), t("Loaded at")])
    for r in data.quarantine.load_runs.itertuples():
        table.rows.append(Row([str(r.table), t.count(r.rows_read), t.count(r.rows_accepted),
                               t.count(r.rows_rejected), str(r.loaded_at)[:19]]))
    return table


def _quarantine(data: ReportData, t: Translator) -> Table:
    table = Table([t("Table"), t("Column"), t("Reason"), t("Rows")], css="wrap left3")
    for r in data.quarantine.by_reason.head(QUARANTINE_ROWS).itertuples():
        table.rows.append(Row([str(r.table), str(r.column), str(r.reason), t.count(r.rows)]))
    return table


def _warned(data: ReportData, t: Translator) -> Table:
    table = Table([t("Table"), t("Column"), t("Warning"), t("Rows")], css="wrap left3")
    for r in data.quarantine.warnings.head(QUARANTINE_ROWS).itertuples():
        table.rows.append(Row([str(r.table), str(r.column), str(r.reason), t.count(r.rows)]))
    return table


def relationship_view(data: ReportData, t: Translator) -> list[dict]:
    """The relationship-management sections: title, sentences, formatted tables, or the one
    line saying the section has no data."""
    return [{"key": part.key, "title": part.title, "lines": part.lines, "empty": part.empty,
             "tables": [(g.title, grid_table(g, t)) for g in part.grids]}
            for part in relationship_parts(data, t)]


def grid_table(grid: Grid, t: Translator) -> Table:
    """A relationship grid with each cell formatted by its column's kind; a total row last."""
    table = Table([label for label, _ in grid.columns], css="wrap")
    for row in grid.rows:
        cells = [str(v) if kind == "text" and v is not None else "–" if v is None
                 else t.kind(kind, v) for v, (_, kind) in zip(row, grid.columns, strict=True)]
        table.rows.append(Row(cells, "total" if row[0] == t("Total") else ""))
    return table


def _money_short(value: object, t: Translator) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]  # any value; non-numbers raise below
    except (TypeError, ValueError):
        return "–"
    separator = "" if t.lang.startswith("zh") else " "
    return compact_money(number, t.lang) + separator + t("yuan")


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))
