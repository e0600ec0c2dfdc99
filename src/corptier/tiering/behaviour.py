"""Behaviour state per customer (new, dormant, declining, growing, active) and silent-attrition
risk from the BG/NBD model.

The rules are data (`BehaviourRules`, which a standard can carry); the first state whose rule
holds wins, in this order:

1. **new** — tenure_months <= `new_max_tenure_months` (too young for trends);
2. **dormant** — no transaction for `dormant_days_without_txn` days or more (or none at all) and
   average daily deposits of the period (dep_avg) at most `dormant_max_dep_avg` yuan;
3. **declining** — dep_trend_rel_12 <= `declining_dep_trend_rel`, or txn_count_mom <=
   `declining_txn_count_mom`, or P(alive) < `declining_p_alive`;
4. **growing** — dep_trend_rel_12 >= `growing_dep_trend_rel`, or dep_avg_yoy >=
   `growing_dep_avg_yoy`;
5. **active** — everything else.

A missing indicator never makes a rule hold (except a missing days_since_last_txn, which means
no transaction and a missing dep_avg, which means no deposits).

Silent attrition: a BG/NBD model is fitted (numpy, maximum likelihood) on the period's customers
from the bgnbd_x, bgnbd_t_x, bgnbd_T indicators (repeat active weeks, weeks); each customer's
attrition risk is 1 − P(alive). A fit that did not converge, whose mean dropout chance per
active week a / (a + b) is below `bgnbd_min_dropout` (it says nobody leaves) or whose a or b
(the Beta distribution of the dropout probability) ran off beyond `bgnbd_max_a` /
`bgnbd_max_b` is kept but marked not informative: P(alive) stays null and the
`declining_p_alive` rule is not used. The fit
runs in Python on the three columns (capped by a seeded sample); P(alive) itself is then an
Ibis expression of the fitted parameters, so the engine (DuckDB or Spark) labels every
customer without shipping arrays back.

    >>> model = fit_attrition(x, t_x, T, rules)            # BgNbdFit or None
    >>> table = add_behaviour_state(indicators, rules, model)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir
import numpy as np
from numpy.typing import ArrayLike, NDArray

from corptier.errors import StandardError
from corptier.tiering import bgnbd
from corptier.tiering.behaviour_rules import BehaviourRules
from corptier.tiering.bgnbd import BgNbdFit

STATES = ("new", "dormant", "declining", "growing", "active")
STATE = "behaviour_state"
REASON = "behaviour_reason"
P_ALIVE = "p_alive"
RISK = "attrition_risk"
BGNBD_COLUMNS = ("bgnbd_x", "bgnbd_t_x", "bgnbd_T")
NEEDED = ("customer_id", "tenure_months", "days_since_last_txn", "dep_avg", "dep_trend_rel_12",
          "txn_count_mom", "dep_avg_yoy", *BGNBD_COLUMNS)
MAX_LOG_ODDS = 700.0  # exp() stays finite on every engine


# --- silent attrition in numpy --------------------------------------------------------------------
@dataclass(frozen=True)
class Attrition:
    """Per customer P(alive) and risk (NaN where the inputs are missing or there is no model)."""

    p_alive: NDArray[np.float64]
    risk: NDArray[np.float64]
    fit: BgNbdFit | None


def _usable(x: ArrayLike, t_x: ArrayLike,
            big_t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                       NDArray[np.float64], NDArray[np.bool_]]:
    """Float arrays and the mask of customers with all three inputs; the others get harmless
    placeholders (0, 0, 1) so that input errors name the customer's own index."""
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (x, t_x, big_t)]
    if len({arr.shape for arr in arrays}) != 1:
        raise bgnbd.InvalidParameterError(
            "bgnbd_x, bgnbd_t_x and bgnbd_T must have one value per customer; got lengths "
            + ", ".join(str(arr.size) for arr in arrays))
    ok = np.isfinite(arrays[0]) & np.isfinite(arrays[1]) & np.isfinite(arrays[2])
    fills = (0.0, 0.0, 1.0)
    filled = [np.where(ok, arr, fill) for arr, fill in zip(arrays, fills, strict=True)]
    if filled[0].size:
        bgnbd.check_customers(filled[0], filled[1], filled[2], func="fit")
    return filled[0], filled[1], filled[2], ok


def fit_attrition(x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike,
                  rules: BehaviourRules | None = None) -> BgNbdFit | None:
    """Fit BG/NBD on the customers with BG/NBD inputs (a seeded sample when there are more
    than `bgnbd_max_fit_customers`); None when fewer than `bgnbd_min_repeaters` customers
    have repeat activity."""
    rules = rules or BehaviourRules()
    fx, ftx, fT, ok = _usable(x, t_x, big_t)
    idx = np.flatnonzero(ok)
    if idx.size > rules.bgnbd_max_fit_customers:
        rng = np.random.default_rng(rules.bgnbd_seed)
        idx = np.sort(rng.choice(idx, rules.bgnbd_max_fit_customers, replace=False))
    if np.count_nonzero(fx[idx] > 0) < rules.bgnbd_min_repeaters:
        return None
    return judge_fit(bgnbd.fit(fx[idx], ftx[idx], fT[idx]), rules)


def judge_fit(fit: BgNbdFit, rules: BehaviourRules) -> BgNbdFit:
    """`fit` marked not informative, with the reason, when it did not converge, its mean
    dropout chance a / (a + b) is below `bgnbd_min_dropout` or a or b lies beyond the plausible
    range of the rules; unchanged otherwise."""
    reasons = []
    if not fit.converged:
        reasons.append("the optimiser did not converge")
    dropout = fit.a / (fit.a + fit.b) if fit.a + fit.b > 0 else 0.0
    if not dropout >= rules.bgnbd_min_dropout:
        reasons.append(f"a / (a + b) = {dropout:.3g} < bgnbd_min_dropout = "
                       f"{rules.bgnbd_min_dropout:g}")
    if not fit.a <= rules.bgnbd_max_a:
        reasons.append(f"a = {fit.a:.4g} > bgnbd_max_a = {rules.bgnbd_max_a:g}")
    if not fit.b <= rules.bgnbd_max_b:
        reasons.append(f"b = {fit.b:.4g} > bgnbd_max_b = {rules.bgnbd_max_b:g}")
    if not reasons:
        return fit
    return replace(fit, informative=False, reason="; ".join(reasons))


def silent_attrition(x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike,
                     rules: BehaviourRules | None = None,
                     fit: BgNbdFit | None = None) -> Attrition:
    """P(alive) and attrition risk (1 − P(alive)) per customer, fitting the model unless `fit`
    is given. Customers without BG/NBD inputs, and everyone when there is no converged model,
    get NaN, as does everyone when the model is not informative."""
    fx, ftx, fT, ok = _usable(x, t_x, big_t)
    model = fit if fit is not None else fit_attrition(fx[ok], ftx[ok], fT[ok], rules)
    alive = np.full(fx.shape, np.nan)
    if model is not None and model.usable and ok.any():
        alive[ok] = bgnbd.p_alive(model, fx[ok], ftx[ok], fT[ok])
    return Attrition(alive, 1.0 - alive, model)


# --- the same P(alive) and the states as Ibis expressions ---------------------------------------
def p_alive_expr(table: ir.Table, fit: BgNbdFit | None) -> ir.FloatingValue:
    """P(alive) of each row from the fitted parameters (null without inputs (null or NaN) or
    without a converged, informative model)."""
    if fit is None or not fit.usable:
        return ibis.null("float64")
    r, alpha, a, b = fit.params
    x = table.bgnbd_x.cast("float64")
    t_x = table.bgnbd_t_x.cast("float64")
    age = table.bgnbd_T.cast("float64")
    log_odds = (ibis.literal(float(np.log(a))) - (ibis.greatest(x, 1.0) - 1.0 + b).ln()
                + (x + r) * ((age + alpha).ln() - (t_x + alpha).ln()))
    repeat = 1.0 / (ibis.least(log_odds, MAX_LOG_ODDS).exp() + 1.0)
    missing = ibis.literal(False)
    for value in (x, t_x, age):
        missing = missing | value.isnull() | value.isnan()
    return ibis.cases((missing, ibis.null("float64")), (x > 0, repeat),
                      else_=ibis.literal(1.0)).cast("float64")


def add_behaviour_state(indicators: ir.Table, rules: BehaviourRules | None = None,
                        fit: BgNbdFit | None = None) -> ir.Table:
    """`indicators` with `p_alive`, `attrition_risk`, `behaviour_state` and `behaviour_reason`
    (the rule that decided: tenure, no_txn_low_balance, dep_trend, txn_count_mom, p_alive,
    dep_yoy or none). Nothing runs until the caller executes the result."""
    rules = rules or BehaviourRules()
    missing = [c for c in NEEDED if c not in indicators.columns]
    if missing:
        raise StandardError("behaviour states need indicator(s) the table lacks: {missing}",
                            missing=", ".join(missing))
    t = indicators.mutate(**{P_ALIVE: p_alive_expr(indicators, fit)})
    t = t.mutate(**{RISK: 1.0 - t[P_ALIVE]})
    reasons = _reasons(t, rules)
    state = ibis.cases(*[(cond, st) for cond, st, _ in reasons], else_="active")
    reason = ibis.cases(*[(cond, why) for cond, _, why in reasons], else_="none")
    return t.mutate(**{STATE: state.cast("string"), REASON: reason.cast("string")})


def _reasons(t: ir.Table, rules: BehaviourRules) -> list[tuple[ir.BooleanValue, str, str]]:
    """(condition, state, reason) in the order they are tried; nulls never fire."""
    def holds(cond: ir.BooleanValue) -> ir.BooleanValue:
        return cond.fill_null(False)

    no_txn = (t.days_since_last_txn.isnull()
              | (t.days_since_last_txn >= rules.dormant_days_without_txn))
    low_balance = t.dep_avg.cast("float64").fill_null(0.0) <= rules.dormant_max_dep_avg
    trend = t.dep_trend_rel_12.cast("float64")
    return [
        (holds(t.tenure_months <= rules.new_max_tenure_months), "new", "tenure"),
        (holds(no_txn & low_balance), "dormant", "no_txn_low_balance"),
        (holds(trend <= rules.declining_dep_trend_rel), "declining", "dep_trend"),
        (holds(t.txn_count_mom.cast("float64") <= rules.declining_txn_count_mom), "declining",
         "txn_count_mom"),
        (holds(t[P_ALIVE] < rules.declining_p_alive), "declining", "p_alive"),
        (holds(trend >= rules.growing_dep_trend_rel), "growing", "dep_trend"),
        (holds(t.dep_avg_yoy.cast("float64") >= rules.growing_dep_avg_yoy), "growing",
         "dep_yoy"),
    ]
