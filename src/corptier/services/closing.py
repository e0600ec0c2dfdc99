"""The period close: indicators → scores → computed tier → gates → group rule → hysteresis →
overrides → applied tier, published as one run.

One read of the app database (the last closes, the overrides in force) before the work, one
engine connection for the work (indicator snapshot and tiering alike), one transaction after it
(the run, its indicator snapshot record, the period's published pointer). Every per-customer
result, the facts of each explanation included, is a column the engine computes and writes to
the export; explanations are rendered on demand (`explain_customer`). Which closes are allowed
(in order, not before the standard applies) is `close_rules`; re-closing the later published
periods stages each of them in turn and publishes them all in that one transaction."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corptier.engine import EngineConnection, shared_connection
from corptier.engine import compute_indicators as compute_snapshot
from corptier.engine.snapshot import ROW_GROUP, write_snapshot
from corptier.errors import ContractError, StandardError
from corptier.periods import Period
from corptier.provenance import code_version, hash_json
from corptier.services.alerts import evaluate_alerts
from corptier.services.audit import attested_overrides
from corptier.services.close_rules import periods_to_close, refuse_before_effective
from corptier.services.indicators import indicator_run
from corptier.services.progress import stage, step
from corptier.services.publication import (
    Publication,
    publish_all,
    run_id_for,
    staging_path,
)
from corptier.services.published import EXPORT_METADATA, history_files
from corptier.services.recovery import writing
from corptier.services.service_plans import plan_services
from corptier.services.standards import active_standard, named_lists
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.tiering import Standard
from corptier.tiering.behaviour import add_behaviour_state, fit_attrition
from corptier.tiering.bgnbd import BgNbdFit
from corptier.tiering.pipeline import tier_with_hysteresis
from corptier.tiering.results import (
    add_results,
    hysteresis_state,
    overrides_table,
    published_history,
    published_table,
)
from corptier.workspace import CUSTOMER_INDICATORS, Workspace

BEHAVIOUR_COLUMNS = ("p_alive", "attrition_risk", "behaviour_state", "behaviour_reason")


@dataclass(frozen=True)
class CloseResult:
    """What a close published: the run, its standard, the tier counts and migrations."""

    period: str
    run_id: str
    standard_id: str
    standard_version: str
    customers: int
    tier_counts: dict[str, int]
    migrations: dict[str, int]
    unchanged: bool
    seconds: float
    overrides_not_applied: tuple[str, ...] = ()
    """Approved overrides the close left out, each with why (e.g. its approval is not in
    the audit log)."""
    overrides_refused: tuple[int, ...] = ()
    """Overrides not applied because an immediate risk cap fired for the customer and the
    override, better than the cap's tier, has no risk exception."""
    follow_up_problems: tuple[str, ...] = ()
    """Steps after the publication that could not run (alerts, service plans: a rules or
    catalogue file to mend), each saying what to correct; the published tiers stand."""
    reclosed: tuple[CloseResult, ...] = ()
    """The later periods re-closed after this one (`reclose_following`), in order."""


@stage("close {period}", rows=lambda result: result.customers)
def close_period(
    ws: Workspace,
    period: str,
    *,
    engine: str | None = None,
    standard_path: Path | str | None = None,
    spark_session: Any = None,
    by: str | None = None,
    reclose_following: bool = False,
) -> CloseResult:
    """Close `period` and publish the result atomically; same inputs and standard, same run.

    The close holds the workspace lock (a load of the same workspace waits, and an interrupted
    load or publication is repaired before anything is read). `by` is who closes it (audited
    with the run; "system" when not given and the workspace has no users). Only overrides
    whose approval is in the verified audit log apply, and only those in force for the period
    (a re-close applies what stood at its first publication, plus overrides approved since
    that start by its end: `services.audit.attested_overrides`); an override above an
    immediate cap that fires needs a risk exception (`CloseResult.overrides_refused`).

    Periods are closed in order (`close_rules`): an earlier loaded period left unclosed, or a
    period ending before the standard's `effective_from`, is refused; so are later published
    periods, unless `reclose_following`, which re-closes them after `period` in order (each
    chained from the one before) and publishes them all in one atomic step (`reclosed`)."""
    clock = time.perf_counter()
    p = Period(period)
    actor = acting_name(ws, by or "system", "closed by")
    with writing(ws, f"close {p}"):
        periods = periods_to_close(ws, p, reclose_following)
        return _close_in_order(ws, periods, engine, standard_path, spark_session, clock, actor)


def _close_in_order(ws: Workspace, periods: list[Period], engine: str | None,
                    standard_path: Path | str | None, spark_session: Any, clock: float,
                    actor: str) -> CloseResult:
    """Stage the closes of `periods` one after the other (each starting from the staged close
    before it), publish them together, then run each one's follow-up steps."""
    standard = active_standard(ws, standard_path)
    for p in periods:
        refuse_without_customers(ws, p)
        refuse_before_effective(ws, standard, p)
    staged: list[_Staged] = []
    try:
        for p in periods:
            staged.append(_close(ws, p, standard, engine, spark_session, actor,
                                 {s.pub.period: s.pub for s in staged}))
        step("publish", rows=sum(s.pub.customers for s in staged))
        unchanged = publish_all(ws, [s.pub for s in staged])
    except BaseException:
        for s in staged:
            s.pub.staged.unlink(missing_ok=True)
        raise
    results = [_result(ws, s, same, clock) for s, same in zip(staged, unchanged, strict=True)]
    return replace(results[0], reclosed=tuple(results[1:]))


@dataclass(frozen=True)
class _Staged:
    """A close written to its staging file, ready to publish."""

    pub: Publication
    counts: pa.Table
    not_applied: tuple[str, ...]


def _close(ws: Workspace, p: Period, standard: Standard, engine: str | None,
           spark_session: Any, actor: str, restaged: dict[str, Publication]) -> _Staged:
    lists = named_lists(ws, standard)
    with UnitOfWork(ws.db) as uow:  # what the close starts from: the last closes, the overrides
        earlier = uow.runs.published_latest_before(
            p, standard.hysteresis.keep_state_absent_periods + 1)
        approved, not_applied = attested_overrides(uow, p, p.month_end)
    kept = [r for r in earlier if r.period not in restaged]
    history = _chained(list(zip(history_files(ws, kept), [r.run_id for r in kept], strict=True)),
                       restaged, p, standard.hysteresis.keep_state_absent_periods + 1)
    previous_run = history[0][2] if history else None
    overrides = {c: (o.id, o.tier, o.risk_exception) for c, o in sorted(approved.items())
                 if o.tier in standard.tier_codes}
    with shared_connection(ws, engine, spark_session=spark_session) as con:
        step("indicators")
        indicators = compute_snapshot(ws, p, engine, spark_session=spark_session)
        run_id = run_id_for(
            period=p,
            standard_hash=standard.content_hash,
            input_fingerprint=indicators.input_fingerprint,
            config_hash=indicators.config_hash,
            previous_run=previous_run,
            overrides=hash_json(sorted((c, o if o[2] else o[:2]) for c, o in overrides.items())),
            code=code_version(),
            named_lists=hash_json(lists),
        )
        step("tiering", rows=indicators.customers)
        staged = staging_path(ws, p, run_id)
        try:
            customers = _write_results(con, ws, p, standard, lists,
                                       [(q, path) for q, path, _ in history], overrides,
                                       run_id, staged)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
    counts = pq.read_table(staged, columns=["applied_tier", "migration", "override_refused"])
    pub = Publication(p, run_id, standard, indicators.input_fingerprint, indicators.engine,
                      staged, customers, indicator_run(ws, indicators), actor)
    return _Staged(pub, counts, tuple(not_applied))


def _chained(published: list[tuple[tuple[str, Path], str]], restaged: dict[str, Publication],
             p: Period, count: int) -> list[tuple[str, Path, str]]:
    """The `count` latest closes before `p` (period, export, run id), latest first: the
    published ones ((period, export), run id), and the closes staged earlier in this re-close
    in place of the published ones of their periods."""
    runs = {q: (path, run_id) for (q, path), run_id in published}
    runs.update({q: (pub.staged, pub.run_id) for q, pub in restaged.items() if q < p})
    latest = sorted(runs, reverse=True)[:count]
    return [(q, runs[q][0], runs[q][1]) for q in latest]


def _result(ws: Workspace, s: _Staged, unchanged: bool, clock: float) -> CloseResult:
    """The published close's result, after its follow-up steps (alerts, service plans)."""
    p, standard, run_id = s.pub.period, s.pub.standard, s.pub.run_id
    follow_up = []
    with shared_connection(ws, "duckdb"):  # alerts and service plans read the published run
        for follow in (lambda: evaluate_alerts(ws, p, after_close=True, by=s.pub.actor),
                       lambda: plan_services(ws, p, run_id, standard.tier_codes)):
            try:
                follow()
            except StandardError as exc:  # a rules or catalogue file to mend: tiers stand
                follow_up.append(str(exc))
    applied = _counts(s.counts.column("applied_tier"))
    return CloseResult(
        period=p,
        run_id=run_id,
        standard_id=standard.id,
        standard_version=standard.version,
        customers=s.pub.customers,
        tier_counts={code: applied.get(code, 0) for code in standard.tier_codes},
        migrations=dict(sorted(_counts(s.counts.column("migration")).items())),
        unchanged=unchanged,
        seconds=round(time.perf_counter() - clock, 3),
        overrides_not_applied=s.not_applied,
        overrides_refused=refused_overrides(s.counts.column("override_refused")),
        follow_up_problems=tuple(follow_up),
    )


def refused_overrides(refused: pa.ChunkedArray) -> tuple[int, ...]:
    """The ids of the overrides an immediate cap kept out (no risk exception), in order."""
    return tuple(sorted({int(i) for i in refused.drop_null().to_pylist()}))


def refuse_without_customers(ws: Workspace, p: Period) -> None:
    """A period whose load accepted no customer has nothing to tier: one clear line, no run."""
    import pyarrow.parquet as pq

    path = ws.partition_file("customers", p)
    if path.exists() and pq.ParquetFile(path).metadata.num_rows == 0:
        raise ContractError(
            "period {period} has no accepted customer to tier (every customer row was rejected; "
            "see quarantine/{period}/customers.csv); correct the export and run 'corptier load' "
            "for {period} again", period=p)


def read_customer_indicators(con: EngineConnection, ws: Workspace, period: Period) -> Any:
    """The customer indicator snapshot of `period` as a table of the engine."""
    return con.read_parquet(ws.partition_file(CUSTOMER_INDICATORS, period))


def _write_results(con: EngineConnection, ws: Workspace, period: Period, standard: Standard,
                   lists: dict[str, list[str]], history_paths: list[tuple[str, Path]],
                   overrides: dict[str, tuple[int, str, str | None]], run_id: str,
                   staged: Path) -> int:
    """Score, tier, apply hysteresis and overrides and write the export, all in the engine;
    returns the number of customers."""
    indicators = read_customer_indicators(con, ws, period)
    fit = _attrition_model(con, indicators, standard)
    behaviour = add_behaviour_state(indicators, standard.behaviour, fit).select(
        "customer_id", *BEHAVIOUR_COLUMNS)
    history = published_history([(q, con.read_parquet(path)) for q, path in history_paths])
    tiered = tier_with_hysteresis(indicators, standard, lists,
                                  hysteresis_state(history, standard.tier_codes), stage=con.stage)
    tiered = con.stage(tiered.join(behaviour, "customer_id"))
    chosen = ibis.memtable(overrides_table(overrides, standard.tier_codes))
    last = history_paths[0][0] if history_paths else None
    results = add_results(tiered, history, chosen, standard.tier_codes, last)
    meta = {"run_id": run_id, "period": str(period), "previous_period": last,
            "bgnbd_model": fit.to_dict() if fit is not None else None}
    reader = con.batches(published_table(results, standard, run_id), ROW_GROUP)
    schema = reader.schema.with_metadata({EXPORT_METADATA: json.dumps(meta, sort_keys=True)})
    return write_snapshot(reader, schema, staged)


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    return {str(r["values"]): int(r["counts"]) for r in pc.value_counts(column).to_pylist()}


def _attrition_model(con: EngineConnection, indicators: Any,
                     standard: Standard) -> BgNbdFit | None:
    """Fit the BG/NBD silent-attrition model on the period's customers (numpy, seeded)."""
    inputs = con.execute(indicators.select("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
    arrays = [inputs[c].to_numpy(dtype=float, na_value=np.nan) for c in inputs.columns]
    x, t_x, big_t = arrays
    return fit_attrition(x, t_x, big_t, standard.behaviour)
