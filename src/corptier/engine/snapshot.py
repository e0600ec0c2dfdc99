"""The customer indicator snapshot of a period as one Ibis expression, and the writer of the
customer and group snapshots (the indicators service registers them in the app database).

    con = connect(ws)                                   # or connect(ws, "spark")
    expr = customer_snapshot_expr(con, "2026-09", ws.config.assumptions)
    result = compute_indicators(ws, "2026-09")          # writes data/indicators_*/period=P/
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.config import Assumptions
from corptier.engine.behaviour import behaviour_derived, behaviour_metrics
from corptier.engine.columns import CUSTOMER_SCHEMA, GROUP_SCHEMA
from corptier.engine.connection import EngineConnection, Stage
from corptier.engine.engines import connect
from corptier.engine.facts import counterparty_facts
from corptier.engine.groups import group_columns, group_snapshot, resolve_groups
from corptier.engine.inclusive import inclusive_derived, inclusive_metrics
from corptier.engine.lookups import WINDOW
from corptier.engine.needs import needs_derived, needs_metrics
from corptier.engine.plans import (
    load_plan,
    plan_digest,
    plan_key,
    save_plan,
    workspace_secret,
)
from corptier.engine.risk import risk_derived, risk_metrics
from corptier.engine.stability import stability_derived, stability_metrics
from corptier.engine.tables import OPTIONAL, REQUIRED, Inputs, read_inputs
from corptier.engine.value import (
    customer_months,
    left_join,
    value_derived,
    value_metrics,
    with_tenure,
)
from corptier.errors import WorkspaceError
from corptier.periods import Period
from corptier.private_files import make_private, private_mkdir
from corptier.provenance import code_version, hash_json
from corptier.workspace import CUSTOMER_INDICATORS, GROUP_INDICATORS, Workspace

CUSTOMER_TABLE = CUSTOMER_INDICATORS
GROUP_TABLE = GROUP_INDICATORS
ROW_GROUP = 1 << 20
ATTRIBUTES = ("customer_id", "period", "name", "group_id", "parent_id", "industry_section",
              "enterprise_size", "sub_branch", "rm_id", "status", "onboarded_on", "rating")


def customer_snapshot_expr(
    con: EngineConnection,
    period: str,
    assumptions: Assumptions | None = None,
    *,
    own_bank_code: str = "XB",
    inputs: Inputs | None = None,
    stage: Stage | None = None,
) -> ir.Table:
    """Every customer indicator of `period`, one row per customer of that period's customers
    table, sorted by customer_id, with the columns of `INDICATOR_COLUMNS` in that order.
    With `stage`, the customer-months, the per-customer aggregates and the joined row are stored
    one after another (engines without stored plans: Spark plans the whole chain at once)."""
    a = assumptions or Assumptions()
    inp = inputs or read_inputs(con, Period.parse(period), a, own_bank_code)
    keep = stage or (lambda table: table)
    months = keep(customer_months(inp))
    metrics = (value_metrics(months) | stability_metrics(months) | behaviour_metrics(months)
               | needs_metrics(months) | risk_metrics(months) | inclusive_metrics(months))
    per_customer = months.group_by("customer_id").aggregate(**metrics)
    customers = inp.customers_now
    groups = resolve_groups(customers)
    t = customers.select(*ATTRIBUTES).drop("group_id").join(inp.current, "period")
    t = with_tenure(t.join(per_customer, "customer_id"), inp.months)
    t = left_join(t, groups, ["customer_id"])
    t = left_join(t, counterparty_facts(inp), ["customer_id"])
    t = keep(t.mutate(counterparties=t.counterparties.coalesce(0)))
    end = t.period_end
    t = t.mutate(**value_derived(t, a.tax_rate), **behaviour_derived(t, end),
                 **stability_derived(t, end), **needs_derived(t),
                 **risk_derived(t, a.maturity_years))
    t = t.mutate(**inclusive_derived(t, a))
    t = t.mutate(**group_columns(t))
    columns = [t[f.name].cast(_ibis_type(f.type)).name(f.name) for f in CUSTOMER_SCHEMA]
    return t.select(*columns).order_by("customer_id")


def _ibis_type(arrow_type: pa.DataType) -> Any:
    from ibis.formats.pyarrow import PyArrowType

    return PyArrowType.to_ibis(arrow_type)


# --- the service ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    """Where a period's snapshots were written and what they were computed from."""

    period: str
    engine: str
    customer_path: Path
    group_path: Path
    customers: int
    groups: int
    input_fingerprint: str
    config_hash: str
    code_version: str
    seconds: float
    plan_cached: bool = False
    """True when the snapshot ran a stored compiled plan (engine/plans.py)."""
    plan_digest: str | None = None
    """sha256 of the SQL plan executed (None on engines without stored plans)."""


def compute_indicators(
    ws: Workspace, period: str, engine: str | None = None, *, spark_session: Any = None
) -> IndicatorResult:
    """Compute and write the customer and group snapshots of `period` (same inputs, same
    bytes); `corptier.services.compute_indicators` also registers the run."""
    clock = time.perf_counter()
    period = Period.parse(period)
    fingerprint = input_fingerprint(ws, period)
    with connect(ws, engine, spark_session=spark_session) as con:
        a, own_bank_code = ws.config.assumptions, ws.config.bank.own_bank_code
        inp = read_inputs(con, period, a, own_bank_code, ws.config.bank.currency)
        customer_path = ws.partition_file(CUSTOMER_TABLE, period)
        batches, cached, digest = _customer_batches(ws, con, inp)
        n_customers = write_snapshot(batches, CUSTOMER_SCHEMA, customer_path)
        written = con.read_parquet(customer_path)
        groups = group_snapshot(written, a.tax_rate, period.days)
        group_path = ws.partition_file(GROUP_TABLE, period)
        n_groups = write_snapshot(con.batches(groups, ROW_GROUP), GROUP_SCHEMA, group_path)
    if input_fingerprint(ws, period) != fingerprint:
        raise WorkspaceError(
            "the input files of {period} changed while its indicators were computed "
            "(another load?); the snapshot does not describe them, compute it again",
            period=period)
    result = IndicatorResult(
        period, con.name, customer_path, group_path, n_customers, n_groups,
        fingerprint, config_hash(ws), code_version(),
        round(time.perf_counter() - clock, 3), cached, digest,
    )
    return result


COMPILED: dict[str, str] = {}
"""Plans compiled in this process by key: another workspace of the same code, configuration
and input schemas (a service closing several workspaces, a test suite) compiles once."""


def _customer_batches(
    ws: Workspace, con: EngineConnection, inp: Inputs
) -> tuple[pa.RecordBatchReader, bool, str | None]:
    """The customer snapshot as record batches, whether a stored plan gave them and the
    digest of the SQL executed: where the engine supports it, the compiled SQL is kept per
    plan key (MAC-verified under the workspace secret) and re-used by every later run."""
    a = inp.assumptions
    if not con.supports_stored_plans:
        expr = customer_snapshot_expr(con, inp.period, a, inputs=inp, stage=con.stage)
        return con.batches(expr, ROW_GROUP), False, None
    folder = ws.temp_dir / "plans"
    secret = workspace_secret(ws.root)
    key = plan_key(con, inp.period, a, inp.own_bank_code)
    con.register(*inp.lookups, inp.facilities)  # facilities: an empty table when not loaded
    stored = load_plan(folder, key, secret)
    if stored is not None:
        return con.sql_batches(stored, ROW_GROUP), True, plan_digest(stored)
    sql = COMPILED.get(key) or con.compile(customer_snapshot_expr(con, inp.period, a, inputs=inp))
    COMPILED[key] = sql
    save_plan(folder, key, sql, secret)
    return con.sql_batches(sql, ROW_GROUP), False, plan_digest(sql)


def write_snapshot(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> int:
    """Stream `batches` into `path` with the exact schema and fixed row groups (same rows, same
    bytes), through a temporary file renamed into place."""
    private_mkdir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    rows: int = 0
    pending_rows: int = 0
    pending: list[pa.Table] = []
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for batch in batches:
            pending.append(pa.Table.from_batches([batch]).cast(schema))
            pending_rows += batch.num_rows
            while pending_rows >= ROW_GROUP:
                table = pa.concat_tables(pending)
                writer.write_table(table.slice(0, ROW_GROUP), ROW_GROUP)
                pending, pending_rows = [table.slice(ROW_GROUP)], pending_rows - ROW_GROUP
                rows += ROW_GROUP
        table = pa.concat_tables(pending) if pending else schema.empty_table()
        if table.num_rows or rows == 0:
            writer.write_table(table, ROW_GROUP)
        rows += table.num_rows
    make_private(tmp).replace(path)
    return rows


def read_snapshot(ws: Workspace, period: str, table: str = CUSTOMER_TABLE) -> pa.Table:
    """A written snapshot as an Arrow table."""
    return pq.read_table(ws.partition_file(table, period))


def input_fingerprint(ws: Workspace, period: str) -> str:
    """sha256 over the relative paths and bytes of every input file of the 24-month window."""
    digest = hashlib.sha256()
    for table in sorted((*REQUIRED, *OPTIONAL)):
        for p in sorted(Period(period).window(WINDOW)):
            path = ws.partition_file(table, p)
            if not path.is_file():
                continue
            digest.update(str(path.relative_to(ws.data_dir)).encode())
            with path.open("rb") as handle:
                for block in iter(partial(handle.read, 1 << 22), b""):
                    digest.update(block)
    return digest.hexdigest()


def config_hash(ws: Workspace) -> str:
    return hash_json({"assumptions": ws.config.assumptions.model_dump(),
                      "own_bank_code": ws.config.bank.own_bank_code})
