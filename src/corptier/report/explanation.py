"""A published explanation as text a relationship manager reads, in zh-CN or English."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from corptier.engine.labels import indicator_label
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
    "uscc": N_("USCC"),
    "approved_by": N_("Approved by"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "reason": N_("Reason"),
}
BEHAVIOUR_STATES = {
    "new": N_("new"),
    "dormant": N_("dormant"),
    "declining": N_("declining"),
    "growing": N_("growing"),
    "active": N_("active"),
}
BEHAVIOUR_REASONS = {
    "tenure": N_("recently onboarded"),
    "no_txn_low_balance": N_("no transactions and a low balance"),
    "dep_trend": N_("deposit trend"),
    "txn_count_mom": N_("transactions month on month"),
    "p_alive": N_("low P(alive)"),
    "dep_yoy": N_("deposits year on year"),
    "none": N_("none"),
}
MIGRATIONS = {"new": N_("new"), "returned": N_("returned"), "same": N_("same"),
              "up": N_("up"), "down": N_("down")}


def render_explanation(expl: dict[str, Any], lang: str) -> str:
    """Lines of text: identity, points by dimension and indicator, then each step to the tier."""
    _ = translations(lang).gettext
    zh = lang == "zh-CN"
    label = {key: _(text) for key, text in LABELS.items()}
    std = expl["standard"]
    who = " ".join(str(part) for part in (expl["customer_id"], expl.get("name")) if part)
    uscc = f" ({label['uscc']} {expl['uscc']})" if expl.get("uscc") else ""
    lines = [
        f"{label['title']} — {label['customer']} {who}{uscc}, "
        f"{label['period']} {expl.get('period', '')}",
        f"{label['standard']}: {std['id']} v{std['version']}  {label['run']}: "
        f"{expl.get('run_id', '')}",
        f"{label['score']}: {_num(expl['score'])}   {label['rank']}: {expl.get('rank')}",
    ]
    ladder = expl.get("ladder")
    if ladder and ladder.get("code"):
        lines.append(_("ranked {rank} of {size} in ladder {ladder}").format(
            rank=expl.get("rank"), size=ladder.get("size") if ladder.get("size") is not None
            else "–", ladder=ladder["code"]))
    for dim in expl["dimensions"]:
        name = dim["name_zh"] if zh else dim["name_en"]
        lines.append(f"  {label['dimension']} {name} ({_pct(dim['weight'])}): {_num(dim['score'])}")
        for ind in dim["indicators"]:
            points = label["excluded"] if ind["excluded"] else _num(ind["points"])
            lines.append(
                f"    {indicator_label(ind['name'], lang)}: {label['value']} "
                f"{_num(ind.get('value'))}  {label['points']} {points}  "
                f"({label['weight']} {_pct(ind['weight'])})"
            )
    fired = [f"{g.get('description') or g['id']} → {_tier(g['tier'], lang)}"
             for g in expl["gates"] if g["fired"]]
    group = expl.get("group_rule") or {}
    lines += [
        f"{label['raw_tier']}: {_tier(expl['cutoffs']['raw_tier'], lang)}",
        f"{label['gates']}: {', '.join(fired) or label['none']}",
        f"{label['after_gates']}: {_tier(expl['tier_after_gates'], lang)}",
        f"{label['group']}: "
        + (f"{group.get('group_id')} → {_tier(group.get('group_tier'), lang)}, "
           f"{_('lifted by the group rule') if group.get('adjusted') else _('not lifted')}"
           f"{_group_risk(group, lang)}"
           if group.get("group_id") else label["none"]),
        f"{label['computed']}: {_tier((expl['computed_tier'] or {}).get('code'), lang)}",
        f"{label['hysteresis']}: {_hysteresis(expl['hysteresis'], lang)}",
        f"{label['override']}: " + _override(expl.get("override"), label, lang,
                                             expl.get("override_refused")),
        f"{label['applied']}: {_tier(expl['applied_tier'], lang)}",
        f"{label['previous']}: {_tier(expl.get('previous_tier'), lang)} "
        f"({expl.get('previous_period') or '–'})   {label['migration']}: "
        f"{_(MIGRATIONS.get(expl['migration'], expl['migration']))}",
        f"{label['flags']}: "
        + (", ".join(f["name_zh"] if zh else f["name_en"] for f in expl["flags"])
           or label["none"]),
        f"{label['segment']}: {_segment(expl.get('needs_segment'), zh)}",
    ]
    if expl.get("behaviour"):
        lines.append(f"{label['behaviour']}: {_behaviour(expl['behaviour'], label, lang)}")
    return "\n".join(lines)


def _override(override: dict[str, Any] | None, label: dict[str, str], lang: str,
              refused: dict[str, Any] | None = None) -> str:
    _ = translations(lang).gettext
    if refused:
        return _("override {id} not applied: a risk cap fired and it has no risk "
                 "exception").format(id=refused["id"])
    if not override:
        return label["none"]
    text = f"#{override['id']} → {_tier(override['tier'], lang)}"
    details = [(label["reason"], override.get("reason")),
               (label["approved_by"], override.get("approved_by")),
               (label["valid_from"], override.get("valid_from")),
               (label["valid_until"], override.get("valid_until"))]
    parts = [text, *(f"{name} {value}" for name, value in details if value)]
    if override.get("risk_exception"):
        parts.append(_("applied above a fired risk cap under the risk exception: "
                       "{exception}").format(exception=override["risk_exception"]))
    return "; ".join(parts)


def _group_risk(group: dict[str, Any], lang: str) -> str:
    """'; group risk: member M has a fired risk cap (every member at most T)' or ''."""
    if not group.get("risk"):
        return ""
    _ = translations(lang).gettext
    text = "; " + _("group risk: member {member} has a fired risk cap").format(
        member=group.get("risk_member"))
    if group.get("risk_cap_tier"):
        text += _(" (every member at most {tier})").format(
            tier=_tier(group["risk_cap_tier"], lang))
    return text


def _behaviour(behaviour: dict[str, Any], label: dict[str, str], lang: str) -> str:
    _ = translations(lang).gettext
    state = behaviour.get("state")
    text = _(BEHAVIOUR_STATES.get(state, state)) if state else "–"
    reason = behaviour.get("reason")
    if reason and reason != "none":
        text += f" ({label['reason']}: {_(BEHAVIOUR_REASONS.get(reason, reason))})"
    if behaviour.get("p_alive") is not None:
        text += f", P(alive) {float(behaviour['p_alive']):.2f}"
    note = model_note(behaviour.get("model"), lang)
    return f"{text}; {note}" if note else text


def model_note(model: dict[str, Any] | None, lang: str) -> str | None:
    """The sentence that says the period's BG/NBD fit was not informative (so P(alive) is not
    shown nor used), naming a and b; None for an informative fit or none at all."""
    if not model or model.get("informative", True):
        return None
    _ = translations(lang).gettext
    return _("the attrition model was not informative this period (a = {a}, b = {b})").format(
        a=_number(model.get("a")), b=_number(model.get("b")))


def _number(value: Any) -> str:
    """A model parameter in 4 significant digits (5e+05, 0.793); – when missing."""
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return "–"


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
    """A number with thousands separators (decimal amounts arrive as text)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return str(value)
    return f"{value:.6f}" if 0 < abs(number) < 1 else f"{value:,.2f}"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{float(value) * 100:.0f}%"
