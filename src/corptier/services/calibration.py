"""Calibrate, compare and backtest a standard on a workspace (`standard suggest|compare|
backtest` on the CLI).

Each reads the customer indicator snapshots (computing a missing one), runs the standard in the
workspace's engine with the close's own pipeline, and hands the tiers to the pure metrics of
`corptier.evaluation`. None of them publishes tiers or writes to the app database (only a
snapshot computed on the way registers its indicator run, as `corptier indicators` does).

    >>> suggest_standard(ws, "2026-09", "pyramid", shares=parse_shares("2,8,20,30,40"))
    >>> compare_standards(ws, "standards/default.yaml", "standards/new.yaml", "2026-09")
    >>> backtest_standard(ws, "standards/new.yaml", "2025-10", "2026-09")
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corptier.csv_safety import CSV_ENCODING, neutralise_frame
from corptier.engine import connect
from corptier.errors import ParameterError, StandardError
from corptier.evaluation.backtest import Backtest, backtest
from corptier.evaluation.calibration import MAX_SAMPLE, CutoffSuggestion, suggest_cutoffs
from corptier.evaluation.compare import Comparison, compare_assignments
from corptier.evaluation.movers import indicator_score_points
from corptier.evaluation.psi import PSIResult, psi
from corptier.evaluation.stability import Flapping, flapping
from corptier.periods import Period, period_range
from corptier.private_files import make_private
from corptier.services._scoring import CONTRIBUTION, ensure_indicators, scored_frame, tiered_history
from corptier.services.outputs import writing_file
from corptier.services.progress import stage, step
from corptier.services.standards import active_standard, run_standard, workspace_standard
from corptier.tiering import Standard
from corptier.tiering.gates import GATES_FIRED
from corptier.tiering.ladders import LADDER
from corptier.tiering.score_columns import SCORE
from corptier.tiering.standard_cutoffs import PyramidCutoffs, QuantileCutoffs, cutoff_values
from corptier.workspace import Workspace

SHARE_METHODS = ("quantile", "pyramid")


# --- suggest ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SuggestResult:
    period: str
    standard: str
    """"<id> <version>" of the standard whose scores were calibrated."""
    suggestion: CutoffSuggestion
    """Over every customer ranked (the suggestion for a standard of one ladder)."""
    computed_snapshots: tuple[str, ...]
    ladders: dict[str, CutoffSuggestion] = field(default_factory=dict)
    """With `cutoffs.by`: one suggestion per ladder, from the scores of its customers."""
    by: Any = None
    """The standard's `cutoffs.by` (None: one ladder)."""

    def cutoffs_block(self) -> dict | None:
        """The suggestion as a standard's `cutoffs:` block (with `by` and each ladder's own
        points when the standard has ladders; a ladder whose points are not strictly descending
        at two decimals is left out), or None when the overall cut-offs are not."""
        try:
            block = self.suggestion.as_absolute_cutoffs()
        except ValueError:
            return None
        if not self.ladders:
            return block
        ladders = {}
        for code, own in self.ladders.items():
            try:
                ladders[code] = {"points": own.as_absolute_cutoffs()["points"]}
            except ValueError:
                continue  # too few or too concentrated scores: the standard's points apply
        return {**block, "by": self.by, "ladders": ladders}

    def to_dict(self) -> dict[str, Any]:
        s = self.suggestion
        return jsonable({
            "period": self.period, "standard": self.standard, "method": s.method,
            "customers": s.n, "sample_size": s.sample_size, "target_shares": s.target_shares,
            "cutoffs": list(s.cutoffs), "tiers": s.table().to_dict("records"),
            "ladders": {code: {"customers": ls.n, "target_shares": ls.target_shares,
                               "cutoffs": list(ls.cutoffs), "tiers": ls.table().to_dict("records")}
                        for code, ls in self.ladders.items()},
            "cutoffs_block": self.cutoffs_block(),
            "computed_snapshots": list(self.computed_snapshots),
        })


def suggest_standard(
    ws: Workspace,
    period: str,
    method: str = "quantile",
    *,
    standard_path: Path | str | None = None,
    shares: Sequence[float] | str | None = None,
    engine: str | None = None,
    max_sample: int = MAX_SAMPLE,
) -> SuggestResult:
    """Cut-offs for the standard's tiers from `period`'s score distribution by `method`.

    `shares` (best first, fractions summing to 1, or text such as "2,8,20,30,40" in per cent)
    apply to quantile and pyramid; without them those
    methods take the standard's own target shares (pyramid or quantile cut-offs), quantile
    falling back to equal shares. Contribution shares use the period's `contribution`.
    With `cutoffs.by`, each ladder also gets its own suggestion from its customers' scores
    (with its own target shares where the standard gives them).
    """
    standard = active_standard(ws, standard_path)
    if isinstance(shares, str):
        shares = parse_shares(shares)
    targets = _target_shares(method, shares, standard)
    p = Period(period)
    computed = ensure_indicators(ws, [p], engine)
    with connect(ws, engine) as con:
        frame = scored_frame(con, ws, p, standard, columns=[SCORE, LADDER])
    ladders: dict[str, CutoffSuggestion] = {}
    try:
        suggestion = _suggest(frame, standard, method, targets, max_sample)
        if standard.cutoffs.by is not None:
            for code in sorted(frame[LADDER].dropna().unique()):
                own = targets if shares is not None else _target_shares(
                    method, None, standard, str(code))
                ladders[str(code)] = _suggest(frame[frame[LADDER] == code], standard, method,
                                              own, max_sample)
    except ValueError as exc:
        raise ParameterError(f"cannot suggest cut-offs for {period}: {exc}") from None
    return SuggestResult(period, _label(standard), suggestion, tuple(computed), ladders,
                         standard.cutoffs.by)


def _suggest(frame: pd.DataFrame, standard: Standard, method: str,
             targets: Sequence[float] | None, max_sample: int) -> CutoffSuggestion:
    """The suggestion from the scores (and contributions) of `frame`'s customers."""
    contribution = frame[CONTRIBUTION] if CONTRIBUTION in frame.columns else None
    return suggest_cutoffs(frame[SCORE], standard.tier_codes, method,
                           contributions=contribution, target_shares=targets,
                           max_sample=max_sample)


def parse_shares(text: str) -> list[float]:
    """"2,8,20,30,40" (per cent) or "0.02,0.08,..." (fractions) → fractions, best first."""
    try:
        values = [float(part) for part in text.replace("%", "").split(",") if part.strip()]
    except ValueError:
        raise ParameterError(
            f"target shares must be numbers separated by commas, best tier first, e.g. "
            f"2,8,20,30,40; got {text!r}") from None
    total = sum(values)
    if values and math.isclose(total, 100, abs_tol=1e-6):
        return [v / 100 for v in values]
    if values and math.isclose(total, 1, abs_tol=1e-6):
        return values
    raise ParameterError(
        f"target shares must add up to 100 (per cent) or 1; {text!r} adds up to {total:g}")


def standard_shares(standard: Standard, ladder: str | None = None) -> list[float] | None:
    """The target share of each tier written in the standard (pyramid or quantile cut-offs),
    of one ladder if given."""
    codes = standard.tier_codes
    cutoffs = standard.cutoffs
    if isinstance(cutoffs, PyramidCutoffs):
        shares = cutoff_values(cutoffs, ladder)
        return [float(shares[c]) for c in codes]
    if isinstance(cutoffs, QuantileCutoffs):
        quantiles = cutoff_values(cutoffs, ladder)
        above = [1 - quantiles[c] for c in codes[:-1]] + [1.0]
        return [b - a for a, b in zip([0.0, *above[:-1]], above, strict=True)]
    return None


def _target_shares(method: str, shares: Sequence[float] | None,
                   standard: Standard, ladder: str | None = None) -> list[float] | None:
    if shares is not None and method not in SHARE_METHODS:
        raise ParameterError(f"target shares apply to the quantile and pyramid methods, "
                                       f"not to {method}")
    if shares is not None:
        if len(shares) != len(standard.tier_codes):
            raise ParameterError(
                f"target shares need one share per tier ({', '.join(standard.tier_codes)}); "
                f"got {len(shares)}")
        return list(shares)
    if method not in SHARE_METHODS:
        return None
    own = standard_shares(standard, ladder)
    if own is None and method == "pyramid":
        raise ParameterError(
            f"standard {standard.id} has absolute cut-offs, so it has no target shares; give "
            "the pyramid's target shares, e.g. 2,8,20,30,40")
    return own


# --- compare ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompareResult:
    period: str
    a: str
    b: str
    customers: int
    comparison: Comparison
    changes: pd.DataFrame
    """customer_id, name, tier_a, tier_b, direction, score_a, score_b, mover, mover_delta
    (points of the total score the mover gained, + or −), gates_a, gates_b. The mover is the
    indicator that added most to an upgraded customer's score (took most from a downgraded
    one's); empty when none moved that way (a gate, or other customers' ranks, moved it)."""
    computed_snapshots: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        c = self.comparison
        return jsonable({
            "period": self.period, "a": self.a, "b": self.b, "customers": self.customers,
            "tier_counts": _by_tier(c.counts), "contribution_share": _by_tier(
                c.contribution_share),
            "migration": {"counts": _matrix(c.matrix.counts),
                          "diagonal_share": c.matrix.diagonal_share,
                          "upgrade_share": c.matrix.upgrade_share,
                          "downgrade_share": c.matrix.downgrade_share},
            "changed": len(self.changes), "changes": self.changes.to_dict("records"),
            "computed_snapshots": list(self.computed_snapshots),
        })


def compare_standards(
    ws: Workspace,
    a_path: Path | str | None,
    b_path: Path | str,
    period: str,
    *,
    engine: str | None = None,
) -> CompareResult:
    """Standards A and B on the same period's indicators (computed tiers, no hysteresis).

    Without `a_path`, A is the standard the published run of `period` applied."""
    a = run_standard(ws, period) if a_path is None else workspace_standard(ws, a_path)
    b = workspace_standard(ws, b_path)
    a_name = f"run of {period}" if a_path is None else Path(a_path).name
    if a.tier_codes != b.tier_codes:
        raise StandardError(
            f"{a_name} and {Path(b_path).name} have different tiers ({', '.join(a.tier_codes)} vs "
            f"{', '.join(b.tier_codes)}); compare needs the same tier ladder")
    p = Period(period)
    computed = ensure_indicators(ws, [p], engine)
    with connect(ws, engine) as con:
        fa, fb = scored_frame(con, ws, p, a), scored_frame(con, ws, p, b)
    contribution = (fa.set_index("customer_id")[CONTRIBUTION]
                    if CONTRIBUTION in fa.columns else None)
    pa_, pb_ = indicator_score_points(fa, a), indicator_score_points(fb, b)
    comparison = compare_assignments(
        fa.set_index("customer_id")["computed_tier"], fb.set_index("customer_id")["computed_tier"],
        a.tier_codes, contribution=contribution, points_a=pa_, points_b=pb_)
    changes = _with_movers(comparison.changes, pa_, pb_)
    return CompareResult(period, f"{a_name} ({_label(a)})",
                         f"{Path(b_path).name} ({_label(b)})", len(fa), comparison,
                         _changes(changes, fa, fb), tuple(computed))


def _with_movers(changes: pd.DataFrame, points_a: pd.DataFrame,
                 points_b: pd.DataFrame) -> pd.DataFrame:
    """The mover in the direction of the move: the indicator that added the most points to an
    upgraded customer's score, or took the most from a downgraded one's; none when no indicator
    moved that way (the customer moved by a gate or by other customers' ranks)."""
    out = changes.copy()
    cols = [c for c in points_a.columns if c in points_b.columns]
    ids = out["customer_id"]
    delta = (points_b.reindex(ids)[cols].fillna(0.0) - points_a.reindex(ids)[cols].fillna(0.0))
    signed = delta.mul(np.where(out["direction"].to_numpy() == "up", 1.0, -1.0), axis=0)
    best = signed.to_numpy().max(axis=1, initial=0.0) if cols else np.zeros(len(out))
    has = best > 1e-9
    mover = signed.idxmax(axis=1) if cols and len(out) else pd.Series(index=delta.index)
    movers = np.array(mover.to_numpy(dtype=object), dtype=object)  # a copy, set in place
    movers[~has] = None
    out["mover"] = movers
    deltas = delta.to_numpy(dtype=float)
    out["mover_delta"] = [round(float(deltas[i, cols.index(m)]), 4) if h else np.nan
                          for i, (m, h) in enumerate(zip(out["mover"], has, strict=True))]
    return out


def _changes(changes: pd.DataFrame, fa: pd.DataFrame, fb: pd.DataFrame) -> pd.DataFrame:
    out = changes.copy()
    ia, ib = fa.set_index("customer_id"), fb.set_index("customer_id")
    ids = out["customer_id"]
    out["name"] = ia["name"].reindex(ids).to_numpy() if "name" in ia.columns else None
    out["score_a"] = ia[SCORE].reindex(ids).to_numpy()
    out["score_b"] = ib[SCORE].reindex(ids).to_numpy()
    out["gates_a"] = ia[GATES_FIRED].reindex(ids).to_numpy()
    out["gates_b"] = ib[GATES_FIRED].reindex(ids).to_numpy()
    return out[["customer_id", "name", "tier_a", "tier_b", "direction", "score_a", "score_b",
                "mover", "mover_delta", "gates_a", "gates_b"]]


# --- backtest --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BacktestResult:
    standard: str
    history: pd.DataFrame
    """period, customer_id, score, computed_tier, applied_tier, hysteresis_reason,
    contribution."""
    backtest: Backtest
    """Metrics of the applied tiers (after hysteresis)."""
    psi_first: PSIResult
    """The first period's scores against themselves (0 by construction; gives bins and n)."""
    computed_flapping: Flapping
    """Flapping of the computed tiers, i.e. what it would be without hysteresis."""
    computed_snapshots: tuple[str, ...]

    @property
    def periods(self) -> tuple[str, ...]:
        return self.backtest.periods

    def psi_table(self) -> pd.DataFrame:
        first = pd.DataFrame([{"period": self.periods[0], "psi": self.psi_first.value,
                               "verdict": self.psi_first.verdict, "bins": self.psi_first.bins,
                               "n_ref": self.psi_first.n_ref, "n_cur": self.psi_first.n_cur}])
        return pd.concat([first, self.backtest.psi_table()], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        bt, fl = self.backtest, self.backtest.stability.flapping
        return jsonable({
            "standard": self.standard, "periods": list(self.periods),
            "customers": self.history.groupby("period").size().to_dict(),
            "stability": bt.stability.steps.to_dict("records"),
            "mean_diagonal_share": bt.stability.mean_diagonal_share,
            "flapping": _flapping(fl), "flapping_without_hysteresis":
                _flapping(self.computed_flapping),
            "psi": self.psi_table().to_dict("records"),
            "concentration": bt.concentration_table().to_dict("records"),
            "lorenz": {p: {"x": _thin(c.lorenz_x), "y": _thin(c.lorenz_y)}
                       for p, c in bt.concentration.items()},
            "exit_rate_by_tier": bt.stability.exit_rate_by_tier.to_dict("records"),
            "computed_snapshots": list(self.computed_snapshots),
        })


@stage("backtest {start}..{end}", rows=lambda result: len(result.history))
def backtest_standard(
    ws: Workspace,
    standard_path: Path | str,
    start: str,
    end: str,
    *,
    engine: str | None = None,
) -> BacktestResult:
    """Apply a standard over `start`..`end` with hysteresis chained as the close chains it
    (from an empty state; overrides are left out) and measure the result. Publishes nothing."""
    standard = workspace_standard(ws, standard_path)
    periods = period_range(start, end)
    step("indicators")
    computed = ensure_indicators(ws, periods, engine)
    with connect(ws, engine) as con:
        history = tiered_history(con, ws, periods, standard)
    step("metrics", rows=len(history))
    first = history.loc[history["period"] == periods[0], "score"]
    return BacktestResult(
        standard=_label(standard),
        history=history,
        backtest=backtest(history, standard.tier_codes),
        psi_first=psi(first, first),
        computed_flapping=flapping(history, standard.tier_codes, tier_column="computed_tier"),
        computed_snapshots=tuple(computed),
    )


# --- helpers ---------------------------------------------------------------------------------
def _label(standard: Standard) -> str:
    return f"{standard.id} {standard.version}"


def _by_tier(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = frame.rename_axis("tier").reset_index().to_dict("records")
    return [{str(k): v for k, v in r.items()} for r in records]


def _matrix(counts: pd.DataFrame) -> dict[str, dict[str, int]]:
    return {str(r): {str(c): int(v) for c, v in row.items()} for r, row in counts.iterrows()}


def _flapping(f: Flapping) -> dict[str, Any]:
    return {"customers_flapping": f.customers_flapping, "customers_observed":
            f.customers_observed, "rate": f.rate, "changes": f.changes,
            "reversed_changes": len(f.events), "reversal_rate": f.reversal_rate,
            "window": f.window}


def _thin(values: np.ndarray, points: int = 21) -> list[float]:
    idx = np.unique(np.linspace(0, len(values) - 1, min(points, len(values))).round().astype(int))
    return [float(v) for v in np.asarray(values)[idx]]


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN and missing to None, tuples to lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return None if pd.isna(value) else str(value)


def write_changes_csv(result: CompareResult, path: Path | str) -> Path:
    """Write the customers that change tier (one row each, `CompareResult.changes`) as CSV
    (UTF-8 with the byte order mark; text that a spreadsheet would run as a formula prefixed
    with `'`)."""
    target = Path(path)
    with writing_file(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        neutralise_frame(result.changes).to_csv(target, index=False, encoding=CSV_ENCODING,
                                                lineterminator="\n")
        make_private(target)
    return target
