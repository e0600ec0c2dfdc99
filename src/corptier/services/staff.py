"""Relationship managers (客户经理): the roster with each RM's book, weighted load against
capacity, grade, certifications and training (`staff_roster`), and the coverage that breaks the
eligibility rules of `standards/staff.yaml` with the training plan that closes it
(`training_gaps`).

Both read the period's published tiers and customers through the engine (the only per-customer
step is a group-by per RM and tier, `corptier.staff.workload`); the roster, its certifications
and training records are small tables read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import TABLES
from corptier.errors import NotFoundError, StandardError
from corptier.periods import Period
from corptier.staff import StaffRules, eligibility, load_staff_rules, workload
from corptier.staff import tables as rule_tables
from corptier.workspace import PUBLISHED_TIERS, Workspace

RULES_FILE = "staff.yaml"
RMS, CERTS, TRAINING = "relationship_managers", "rm_certifications", "training_records"
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class CertificationState:
    """A certification an RM holds and its state on the month end."""

    code: str
    status: str
    """valid, expiring (within the rules' expiring_days), expired or not_yet (issued later)."""
    expires: date | None


@dataclass(frozen=True)
class RosterRow:
    """One RM: who, where, the book by tier, weighted load against capacity, certifications
    and the training of the last twelve months."""

    rm_id: str
    name: str
    grade: str
    team: str | None
    team_head: str | None
    sub_branch: str
    start_date: date | None
    capacity: int | None
    capacity_source: str | None
    """`roster` (the roster's capacity column), `grade` (the grade's default) or None."""
    customers: int
    load: float
    utilisation: float | None
    over_capacity: bool
    book: tuple[tuple[str, int], ...]
    """(tier, customers) in the standard's order, tiers without customers left out."""
    certifications: tuple[CertificationState, ...]
    training_hours: int
    training_courses: int
    average_score: float | None


@dataclass(frozen=True)
class StaffRoster:
    """The roster of a published period and the customers no roster RM covers."""

    period: str
    rules_id: str
    rules_version: str
    tiers: tuple[str, ...]
    rows: tuple[RosterRow, ...]
    unassigned: tuple[tuple[str, int], ...]
    """(tier, customers) whose RM is empty or not on the roster."""
    names: dict[str, tuple[str, str]]
    """Certification and course code → (Chinese name, English name), from the rules."""


@dataclass(frozen=True)
class CoverageGap:
    """RM × tier coverage that breaks the eligibility rules (or customers with no RM)."""

    rm_id: str | None
    rm_name: str | None
    tier: str
    customers: int
    example: str
    """The first of the customers concerned (by id)."""
    grade: str | None
    min_grade: str
    grade_short: bool
    missing: tuple[str, ...]
    expiring: tuple[str, ...]
    action: str
    """assign (no RM), reassign (grade below the tier's), train (certifications missing) or
    renew (required certifications expiring)."""


@dataclass(frozen=True)
class TrainingStep:
    """One course for one RM: the certification it grants, for the tiers of their book."""

    rm_id: str
    rm_name: str
    certification: str
    action: str
    """train (missing) or renew (expiring)."""
    course: str
    hours: int
    tiers: tuple[str, ...]
    customers: int
    """Customers of those tiers the RM covers."""


@dataclass(frozen=True)
class TrainingGaps:
    """The coverage gaps of a published period and the training plan that closes them."""

    period: str
    rules_id: str
    rules_version: str
    customers: int
    eligible: int
    """Customers covered by an RM eligible for their tier (expiring certifications included)."""
    ineligible: int
    unassigned: int
    expiring: int
    """Of the eligible, customers whose RM's required certification expires soon."""
    gaps: tuple[CoverageGap, ...]
    plan: tuple[TrainingStep, ...]
    reassign: int
    """Customers whose RM's grade is below their tier's: training does not close the gap."""
    names: dict[str, tuple[str, str]]
    """Certification and course code → (Chinese name, English name), from the rules."""


@dataclass(frozen=True)
class StaffRulesSummary:
    """Valid staff rules: who they are and what they define."""

    path: Path
    id: str
    version: str
    content_hash: str
    tiers: tuple[str, ...]
    grades: tuple[str, ...]
    certifications: tuple[str, ...]
    courses: tuple[str, ...]


def check_staff_rules(ws: Workspace, path: Path | str | None = None) -> StaffRulesSummary:
    """Check staff rules (default: the workspace's standards/staff.yaml) against the active
    standard's tiers; StaffRulesError lists each problem as file:line: field: message."""
    target = Path(path) if path is not None else staff_rules_path(ws)
    rules = staff_rules(ws, target)
    return StaffRulesSummary(target, rules.id, rules.version, rules.content_hash,
                             tuple(rules.tiers), tuple(g.name for g in rules.grades),
                             tuple(c.code for c in rules.certifications),
                             tuple(c.code for c in rules.courses))


def staff_rules_path(ws: Workspace) -> Path:
    return ws.standards_dir / RULES_FILE


def staff_rules(ws: Workspace, path: Path | str | None = None) -> StaffRules:
    """The workspace's staff rules (or those at `path`), checked against the active standard's
    tiers; StaffRulesError names file, line and field."""
    from corptier.services.standards import active_standard

    target = Path(path) if path is not None else staff_rules_path(ws)
    if not target.is_file():
        raise StandardError("no staff rules at {target}; copy the shipped standards/{file} (see "
                            "docs/staff.md) and adapt it", target=target, file=RULES_FILE)
    return load_staff_rules(target, active_standard(ws).tier_codes)


def staff_roster(ws: Workspace, period: str | None = None,
                 rules_path: Path | str | None = None) -> StaffRoster:
    """Each RM of the period's roster with their book by tier, weighted load against capacity,
    certifications on the month end and training of the last year."""
    inputs = StaffInputs.read(ws, period, rules_path)
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        pairs = _rows(con, inputs.pairs(con))
        load = {r["rm_id"]: r for r in _rows(con, workload.weighted_load(
            ibis.memtable(pa.Table.from_pylist(pairs, schema=PAIR_SCHEMA)),
            ibis.memtable(inputs.tier_rows)))}
        status = _rows(con, inputs.status())
        trained = {r["rm_id"]: r for r in _rows(con, workload.recent_training(
            ibis.memtable(inputs.training), inputs.month_end))}
    order = {t: i for i, t in enumerate(inputs.tier_order)}
    books: dict[str | None, dict[str, int]] = {}
    for r in pairs:
        books.setdefault(r["rm_id"], {})[r["tier"]] = r["customers"]
    certs: dict[str, list[CertificationState]] = {}
    for r in sorted(status, key=lambda r: (r["rm_id"], r["certification"])):
        certs.setdefault(r["rm_id"], []).append(CertificationState(
            r["certification"], r["status"], r["expires"]))
    defaults = {g.name: g.capacity for g in inputs.rules.grades}
    rows = []
    for m in inputs.managers.to_pylist():
        rm = m["rm_id"]
        capacity, source = ((m["capacity"], "roster") if m["capacity"] is not None else
                            (defaults.get(m["grade"]), "grade" if m["grade"] in defaults
                             else None))
        mine = load.get(rm, {})
        weighted = float(mine.get("load") or 0.0)
        t = trained.get(rm, {})
        rows.append(RosterRow(
            rm, m["name"], m["grade"], m["team"], m["team_head"], m["sub_branch"],
            m["start_date"], capacity, source, int(mine.get("customers") or 0), weighted,
            weighted / capacity if capacity else None,
            capacity is not None and weighted > capacity,
            _ordered(books.get(rm, {}), order), tuple(certs.get(rm, ())),
            int(t.get("hours") or 0), int(t.get("courses") or 0), t.get("avg_score")))
    return StaffRoster(str(inputs.period), inputs.rules.id, inputs.rules.version,
                       tuple(inputs.tier_order), tuple(rows),
                       _ordered(books.get(None, {}), order), _names(inputs.rules))


def training_gaps(ws: Workspace, period: str | None = None,
                  rules_path: Path | str | None = None) -> TrainingGaps:
    """Customers covered by an RM not eligible for their applied tier (grade below the tier's,
    a required certification not valid on the month end) or by no RM, per RM and tier, and
    the training plan — which course for which RM — that closes the certification gaps."""
    inputs = StaffInputs.read(ws, period, rules_path)
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        pairs = con.batches(inputs.pairs(con), BATCH_ROWS).read_all()
        gaps_expr = eligibility.pair_gaps(
            ibis.memtable(pairs), ibis.memtable(inputs.managers),
            ibis.memtable(rule_tables.grade_table(inputs.rules)),
            ibis.memtable(inputs.tier_rows), ibis.memtable(rule_tables.required_table(
                inputs.rules)), inputs.status())
        gap_table = con.batches(gaps_expr, BATCH_ROWS).read_all()
        trainable = ibis.memtable(gap_table).filter(lambda t: ~t.grade_short)
        plan = _rows(con, eligibility.training_plan(
            trainable, ibis.memtable(rule_tables.catalogue_table(inputs.rules))))
    order = {t: i for i, t in enumerate(inputs.tier_order)}
    names = {m["rm_id"]: m["name"] for m in inputs.managers.select(["rm_id", "name"]).to_pylist()}
    min_grades = {code: t.min_grade for code, t in inputs.rules.tiers.items()}
    gaps = [CoverageGap(
        g["rm_id"], names.get(g["rm_id"]) if g["rm_id"] else None, g["tier"], g["customers"],
        g["example"], g["grade"], g["min_grade"] or min_grades.get(g["tier"], ""),
        bool(g["grade_short"]), tuple(g["missing"] or ()), tuple(g["expiring"] or ()),
        _action(g)) for g in gap_table.to_pylist()]
    gaps.sort(key=lambda g: (order.get(g.tier, len(order)), g.rm_id or "", g.action))
    steps = tuple(TrainingStep(
        s["rm_id"], names.get(s["rm_id"], ""), s["certification"], s["action"], s["course"],
        int(s["hours"]),
        tuple(sorted(s["tiers"], key=lambda t: order.get(t, len(order)))), int(s["customers"]))
        for s in plan)
    total = sum(r["customers"] for r in pairs.to_pylist())
    count = {a: sum(g.customers for g in gaps if g.action == a)
             for a in ("assign", "reassign", "train", "renew")}
    return TrainingGaps(
        str(inputs.period), inputs.rules.id, inputs.rules.version, total,
        total - count["assign"] - count["reassign"] - count["train"],
        count["reassign"] + count["train"], count["assign"], count["renew"], tuple(gaps),
        steps, count["reassign"], _names(inputs.rules))


def _names(rules: StaffRules) -> dict[str, tuple[str, str]]:
    named = [(c.code, c.name_zh, c.name_en) for c in rules.certifications]
    named += [(c.code, c.name_zh, c.name_en) for c in rules.courses]
    return {code: (zh, en) for code, zh, en in named}


PAIR_SCHEMA = pa.schema([("rm_id", pa.string()), ("tier", pa.string()),
                         ("customers", pa.int64()), ("example", pa.string())])


def _action(gap: dict[str, Any]) -> str:
    if gap["rm_id"] is None:
        return "assign"
    if gap["grade_short"]:
        return "reassign"
    return "train" if gap["missing"] else "renew"


def _ordered(counts: dict[str, int], order: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _rows(con: Any, expr: Any) -> list[dict[str, Any]]:
    return list(con.batches(expr, BATCH_ROWS).read_all().to_pylist())


@dataclass(frozen=True)
class StaffInputs:
    """What both reports read: the period, the rules, the roster and its small side tables."""

    ws: Workspace
    period: Period
    rules: StaffRules
    tier_order: list[str]
    managers: pa.Table
    certs: pa.Table
    training: pa.Table

    @classmethod
    def read(cls, ws: Workspace, period: str | None,
             rules_path: Path | str | None) -> StaffInputs:
        from corptier.services.standards import active_standard

        p = _period(ws, period)
        rules = staff_rules(ws, rules_path)
        roster_period = _latest_up_to(ws, RMS, p)
        if roster_period is None:
            raise NotFoundError("no roster of relationship managers is loaded for {period} or "
                                "before; load the period's relationship_managers table", period=p)
        side = {t: _latest_up_to(ws, t, p) for t in (CERTS, TRAINING)}
        return cls(ws, p, rules, list(active_standard(ws).tier_codes),
                   _small(ws, RMS, roster_period), _small(ws, CERTS, side[CERTS]),
                   _small(ws, TRAINING, side[TRAINING]))

    @property
    def month_end(self) -> date:
        return self.period.month_end

    @property
    def tier_rows(self) -> pa.Table:
        return rule_tables.tier_table(self.rules, self.tier_order)

    def pairs(self, con: Any) -> Any:
        published = con.read_parquet(self.ws.partition_file(PUBLISHED_TIERS, self.period))
        from corptier.services.rm_assignments import assigned_rms

        customers = workload.with_assigned_rm(
            con.read_parquet(self.ws.partition_file("customers", self.period)),
            ibis.memtable(assigned_rms(self.ws, self.period)))
        book = workload.book_table(published, customers)
        return workload.rm_tiers(book, ibis.memtable(self.managers)).order_by(
            ["rm_id", "tier"])

    def status(self) -> Any:
        return workload.certification_status(ibis.memtable(self.certs), self.month_end,
                                             self.rules.expiring_days)


def _period(ws: Workspace, period: str | None) -> Period:
    published = ws.periods(PUBLISHED_TIERS)
    if period is None:
        if not published:
            raise NotFoundError("no period has been closed yet; load and close one first")
        return published[-1]
    p = Period.parse(period)
    if p not in published or not ws.partition_file("customers", p).is_file():
        raise NotFoundError("period {period} has not been closed; close it first", period=p)
    return p


def _latest_up_to(ws: Workspace, table: str, period: Period) -> Period | None:
    found = [p for p in ws.periods(table) if p <= period
             and ws.partition_file(table, p).is_file()]
    return found[-1] if found else None


def _small(ws: Workspace, table: str, period: Period | None) -> pa.Table:
    """A small contract table of `period` in its contract columns (columns a file predates
    come out empty; no period: no rows)."""
    schema = TABLES[table].arrow_schema
    if period is None:
        return schema.empty_table()
    read = pq.read_table(ws.partition_file(table, period))
    columns = [read.column(f.name).cast(f.type) if f.name in read.column_names
               else pa.nulls(read.num_rows, f.type) for f in schema]
    return pa.table(columns, schema=pa.schema([f.with_nullable(True) for f in schema]))
