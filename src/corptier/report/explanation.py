"""A published explanation as text a relationship manager reads, in zh-CN or English."""

from __future__ import annotations

from typing import Any

from corptier.i18n import N_, translations

LABELS = {
    "title": N_("Tier explanation"),
    "customer": N_("Customer"),
    "period": N_("Period"),
    "standard": N_("Standard"),
    "run": N_("Run"),
    "score": N_("Total score"),
    "rank": N_("Rank"),
    "dimension": N_("Dimension"),
    "indicator": N_("Indicator"),
    "value": N_("Value"),
    "points": N_("Points"),
    "weight": N_("Weight"),
    "excluded": N_("missing, excluded"),
    "raw_tier": N_("Tier by cut-offs"),
    "gates": N_("Gates fired"),
    "none": N_("none"),
    "after_gates": N_("Tier after gates"),
    "group": N_("Group rule"),
    "computed": N_("Computed tier"),
    "hysteresis": N_("Hysteresis"),
    "override": N_("Override"),
    "applied": N_("Applied tier"),
    "previous": N_("Previous tier"),
    "migration": N_("Migration"),
    "flags": N_("Flags"),
    "segment": N_("Needs segment"),
    "behaviour": N_("Behaviour state"),
}


def render_explanation(expl: dict[str, Any], lang: str) -> str:
    """Lines of text: identity, points by dimension and indicator, then each step to the tier."""
    _ = translations(lang).gettext
    zh = lang == "zh-CN"
    label = {key: _(text) for key, text in LABELS.items()}
    std = expl["standard"]
    lines = [
        f"{label['title']} — {label['customer']} {expl['customer_id']}, "
        f"{label['period']} {expl.get('period', '')}",
        f"{label['standard']}: {std['id']} v{std['version']}  {label['run']}: "
        f"{expl.get('run_id', '')}",
        f"{label['score']}: {_num(expl['score'])}   {label['rank']}: {expl.get('rank')}",
    ]
    for dim in expl["dimensions"]:
        name = dim["name_zh"] if zh else dim["name_en"]
        lines.append(f"  {label['dimension']} {name} ({_pct(dim['weight'])}): {_num(dim['score'])}")
        for ind in dim["indicators"]:
            points = label["excluded"] if ind["excluded"] else _num(ind["points"])
            lines.append(
                f"    {ind['name']:<28} {label['value']} {_num(ind.get('value')):>16}  "
                f"{label['points']} {points}  ({label['weight']} {_pct(ind['weight'])})"
            )
    fired = [g["id"] + f" → {g['tier']}" for g in expl["gates"] if g["fired"]]
    group = expl.get("group_rule") or {}
    lines += [
        f"{label['raw_tier']}: {_tier(expl['cutoffs']['raw_tier'], lang)}",
        f"{label['gates']}: {', '.join(fired) or label['none']}",
        f"{label['after_gates']}: {_tier(expl['tier_after_gates'], lang)}",
        f"{label['group']}: "
        + (f"{group.get('group_id')} → {_tier(group.get('group_tier'), lang)}, "
           f"adjusted={group.get('adjusted')}" if group.get("group_id") else label["none"]),
        f"{label['computed']}: {_tier((expl['computed_tier'] or {}).get('code'), lang)}",
        f"{label['hysteresis']}: {_hysteresis(expl['hysteresis'], lang)}",
        f"{label['override']}: "
        + (f"#{expl['override']['id']} → {_tier(expl['override']['tier'], lang)}"
           if expl.get("override") else label["none"]),
        f"{label['applied']}: {_tier(expl['applied_tier'], lang)}",
        f"{label['previous']}: {_tier(expl.get('previous_tier'), lang)} "
        f"({expl.get('previous_period') or '–'})   {label['migration']}: "
        f"{_(expl['migration'])}",
        f"{label['flags']}: "
        + (", ".join(f["name_zh"] if zh else f["name_en"] for f in expl["flags"])
           or label["none"]),
        f"{label['segment']}: {_segment(expl.get('needs_segment'), zh)}",
    ]
    if expl.get("behaviour"):
        lines.append(f"{label['behaviour']}: {expl['behaviour'].get('state')}")
    return "\n".join(lines)


def _tier(code: str | None, lang: str) -> str:
    if not code:
        return "–"
    return f"{translations(lang).gettext(code.capitalize())} ({code})"


def _hysteresis(h: dict[str, Any], lang: str) -> str:
    _ = translations(lang).gettext
    text = f"{_(h['reason'])}, {h['periods_below']}"
    if h.get("downgrade_buffer") is not None:
        text += f"/{h['downgrade_buffer']}"
    if h.get("pending_tier"):
        text += f" → {_tier(h['pending_tier'], lang)}"
    if h.get("cap_tier"):
        text += f"; {_('capped')} {_tier(h['cap_tier'], lang)}"
    return text


def _segment(seg: dict[str, Any] | None, zh: bool) -> str:
    if not seg:
        return "–"
    return seg.get("name_zh" if zh else "name_en") or seg["code"]


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float):
        return f"{value:.6f}" if 0 < abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{float(value) * 100:.0f}%"
