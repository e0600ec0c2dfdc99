"""What the standards pages show: a standard as readable tables, the comparison of a candidate
with the standard a period's run applied, and a backtest, shaped for their templates from the
services; no business rule lives here."""

from __future__ import annotations

from typing import Any

from corptier.i18n import N_, Translator, tier_labels_from_standard
from corptier.workspace import Workspace

MOVERS = 100
"""Customers that change tier listed on the comparison page (the largest moves first)."""
CUTOFF_KINDS = ("points", "quantiles", "shares", "weights")
CODES = {
    "points": N_("Score points"), "quantiles": N_("Quantile"), "shares": N_("Target share"),
    "weights": N_("Ladder weight"), "absolute": N_("Absolute points"),
    "quantile": N_("Score quantiles"), "pyramid": N_("Pyramid shares"),
    "bands": N_("Bands"), "percentile": N_("Percentile rank"), "minmax": N_("Min-max scale"),
    "log": N_("Logarithmic scale"),
}
"""Labels of the cut-off kinds and methods and of the scoring methods a standard names."""


def code_label(t: Translator, code: str) -> str:
    """A standard's method code as its label in the user's language (the code when unknown)."""
    message = CODES.get(code)
    return t(message) if message else code


def standard_tables(standard: Any, t: Translator) -> dict[str, Any]:
    """Tiers, dimensions with their indicators and weights, cut-offs, gates and the group rule
    of `standard`, each a list of rows in the user's language."""
    from corptier.services.messages import indicator_label

    zh = t.lang.startswith("zh")
    names = tier_labels_from_standard(standard, t.lang)
    dimensions = [{
        "code": code, "label": d.name_zh if zh else d.name_en, "weight": d.weight,
        "description": d.description,
        "indicators": [{"label": indicator_label(name, t.lang), "weight": s.weight,
                        "method": s.method} for name, s in d.indicators.items()],
    } for code, d in standard.dimensions.items()]
    gates = [{"kind": kind, "id": g.id, "description": g.description, "when": g.when or "",
              "list": _list_name(g), "tier": names.get(g.tier, g.tier),
              "immediate": getattr(g, "immediate", None)}
             for kind, found in (("floor", standard.gates.floors), ("cap", standard.gates.caps))
             for g in found]
    return {"standard": standard, "names": names, "dimensions": dimensions, "gates": gates,
            "code_label": lambda code: code_label(t, code),
            "cutoffs": _cutoffs(standard, names), "group": _group(standard, names),
            "tiers": [{"code": x.code, "label": names[x.code], "description": x.description}
                      for x in standard.tiers]}


def _list_name(gate: Any) -> str:
    named = gate.named_list
    if named is None:
        return ""
    return named.name or named.file or f"{len(named.ids)}"


def _cutoffs(standard: Any, names: dict[str, str]) -> dict[str, Any]:
    """The cut-off method and one row per tier and ladder with its value of each kind."""
    cut = standard.cutoffs
    ladders = [("", cut), *sorted((getattr(cut, "ladders", None) or {}).items())]
    kinds = [k for k in CUTOFF_KINDS if any(getattr(x, k, None) for _, x in ladders)]
    rows = [{"ladder": ladder, "tier": names.get(code, code),
             "values": [(getattr(x, k, None) or {}).get(code) for k in kinds]}
            for ladder, x in ladders for code in standard.tier_codes
            if any((getattr(x, k, None) or {}).get(code) is not None for k in kinds)]
    return {"method": cut.method, "kinds": kinds, "rows": rows,
            "by": getattr(cut, "by", None) if isinstance(getattr(cut, "by", None), str) else ""}


def _group(standard: Any, names: dict[str, str]) -> dict[str, Any] | None:
    rule = standard.group_rule
    if rule is None:
        return None
    risk = rule.risk
    return {"max_below_group": rule.max_below_group, "basis": rule.basis,
            "risk_caps": ", ".join(risk.caps) if risk else "",
            "cap_members_at": names.get(risk.cap_members_at or "", risk.cap_members_at or "")
            if risk else ""}


def comparison(ws: Workspace, path: Any, standard: Any, period: str,
               t: Translator) -> dict[str, Any]:
    """The candidate at `path` against the standard the published run of `period` applied:
    tier counts, the A→B migration matrix and the largest movers with what moved them."""
    from corptier.services import compare_standards, run_standard

    result = compare_standards(ws, None, path, period)
    applied = run_standard(ws, period)
    c, names = result.comparison, tier_labels_from_standard(standard, t.lang)
    order = [str(x) for x in c.tier_order]
    tally: dict[Any, Any] = c.counts.to_dict("index")
    counts = [{"tier": names.get(x, x), "a": int(tally[x]["a"]), "b": int(tally[x]["b"])}
              for x in order]
    cells: dict[Any, Any] = c.matrix.counts.to_dict("index")
    changes = result.changes
    top = changes.reindex(changes["mover_delta"].abs().sort_values(ascending=False).index)
    movers = [_mover(r, names, t) for r in top.head(MOVERS).to_dict("records")]
    return {"period": period, "customers": result.customers, "counts": counts,
            "matrix": [(names.get(x, x), [int(cells.get(x, {}).get(y, 0)) for y in order])
                       for x in order],
            "matrix_head": [names.get(x, x) for x in order], "changed": len(changes),
            "movers": movers, "same": c.matrix.diagonal_share, "up": c.matrix.upgrade_share,
            "down": c.matrix.downgrade_share,
            "a": f"{applied.id} {applied.version}"}


def _mover(r: dict[Any, Any], names: dict[str, str], t: Translator) -> dict[str, Any]:
    """One customer that changes tier: tiers A and B, scores, and what moved them."""
    from corptier.services.messages import indicator_label

    mover = r["mover"] if isinstance(r["mover"], str) else None
    return {"customer_id": r["customer_id"], "name": r["name"] or "",
            "a": names.get(r["tier_a"], r["tier_a"]), "b": names.get(r["tier_b"], r["tier_b"]),
            "score_a": r["score_a"], "score_b": r["score_b"],
            "mover": indicator_label(mover, t.lang) if mover else "",
            "delta": r["mover_delta"] if mover else None,
            "gates": ", ".join(_gates(r["gates_b"]))}


def _gates(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    return [str(v) for v in value]


def backtest(ws: Workspace, path: Any, start: str, end: str) -> dict[str, Any]:
    """The candidate replayed over `start`..`end` with hysteresis: stability by step, flapping
    with and without hysteresis, score PSI and next-period exits by tier."""
    from corptier.services import backtest_standard

    result = backtest_standard(ws, path, start, end)
    bt = result.backtest
    return {"start": start, "end": end, "periods": result.periods,
            "steps": bt.stability.steps.to_dict("records"),
            "mean_same": bt.stability.mean_diagonal_share,
            "flapping": bt.stability.flapping, "flapping_raw": result.computed_flapping,
            "psi": result.psi_table().to_dict("records"),
            "exits": bt.stability.exit_rate_by_tier.to_dict("records")}
