"""Interactions with customers (走访与沟通): log one, list a customer's, import a visit log
(CSV or xlsx, Chinese or English headers) with a reconciliation read = accepted + rejected.

An interaction with a next step and its due date makes a follow-up task for the customer's
RM (`corptier.services.follow_ups`). A logged visit completes the customer's due visit task
of the service plan: the open task of
kind `visit` or `welcome_visit` with the earliest due date, when the visit is on or after the
first day of the period whose close made the task; it is marked done on the visit's date by
the person who logged it, with the note "interaction N" (audited like a task done by hand).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from corptier.crm import interactions as rules
from corptier.csv_safety import CSV_ENCODING, neutralise
from corptier.errors import ContractError, NotFoundError, RequestError
from corptier.periods import Period
from corptier.private_files import private_mkdir, write_private_text
from corptier.services._archive_access import bulk_editor, customers_rm, editor, reader
from corptier.services.book import in_scope
from corptier.services.follow_ups import FollowUp, add_follow_ups
from corptier.services.overrides import Clock, utc_now
from corptier.store import UnitOfWork
from corptier.store.models import Interaction
from corptier.workspace import Workspace

TYPES = rules.TYPES
NEEDS = rules.NEEDS
VISIT_TASKS = ("visit", "welcome_visit")
MAX_LISTED = 500
MAX_ROWS = 100_000
IMPORT_ENTITY = "interaction_import"


@dataclass(frozen=True)
class InteractionView:
    id: int
    customer_id: str
    occurred_on: date
    type: str
    bank_participants: str | None
    customer_participants: str | None
    purpose: str | None
    summary: str | None
    needs: tuple[str, ...]
    needs_note: str | None
    outcome: str | None
    next_step: str | None
    next_step_due: date | None
    rm_id: str | None
    task_id: int | None
    """The service-plan visit task this interaction completed."""
    source: str
    created_by: str


@dataclass(frozen=True)
class Rejection:
    """A row of an import file not taken: the file, its row number (the header is row 1),
    the field and why."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class InteractionImport:
    """An import's reconciliation: rows read = accepted + rejected."""

    file: str
    read: int
    accepted: int
    rejected: int
    rejections: tuple[Rejection, ...]
    ids: tuple[int, ...]
    completed_tasks: tuple[int, ...]
    quarantine: Path | None
    follow_ups: tuple[int, ...] = ()
    """The follow-up tasks made from the rows' next steps."""


def log_interaction(ws: Workspace, by: str | None, *, customer_id: str,
                    on: date | str, type: str, bank_participants: str | None = None,
                    customer_participants: str | None = None, purpose: str | None = None,
                    summary: str | None = None, needs: list[str] | str | None = None,
                    needs_note: str | None = None, outcome: str | None = None,
                    next_step: str | None = None, next_step_due: date | str | None = None,
                    clock: Clock = utc_now) -> InteractionView:
    """Record one interaction with a customer of the latest loaded period (audited); a visit
    completes the customer's due visit task (see the module's note)."""
    now = _naive(clock())
    values = {"customer_id": customer_id, "date": on, "type": type,
              "bank_participants": bank_participants,
              "customer_participants": customer_participants, "purpose": purpose,
              "summary": summary, "needs": needs, "needs_note": needs_note,
              "outcome": outcome, "next_step": next_step, "next_step_due": next_step_due}
    try:
        fields = rules.check_interaction(values, _latest_day(now))
    except rules.InteractionProblem as exc:
        raise RequestError(str(exc)) from None
    by = editor(ws, by, fields["customer_id"])
    rms = customers_rm(ws, [fields["customer_id"]])
    if fields["customer_id"] not in rms:
        raise NotFoundError("customer {customer} is not among the customers of the latest loaded "
                            "period", customer=fields['customer_id'])
    with UnitOfWork(ws.db) as uow:
        added = uow.interactions.add(Interaction(
            **_columns(fields), rm_id=rms[fields["customer_id"]], source="cli",
            created_by=by, created_at=now))
        uow.audit.record(now, by, "add", rules.ENTITY, str(added.id),
                         after=rules.snapshot(added))
        if added.type in rules.VISIT_TYPES:
            added.task_id = _complete_visit_task(uow, added, by, now)
        add_follow_ups(uow, [FollowUp(added.id, added.customer_id, added.occurred_on,
                                      added.rm_id, added.next_step, added.next_step_due)],
                       by, now)
        view = _view(added)
    _archive_edited(ws, [view.customer_id], by, clock)
    return view


def list_interactions(ws: Workspace, customer_id: str, *, viewer: str | None = None,
                      limit: int = MAX_LISTED) -> list[InteractionView]:
    """A customer's interactions, latest first."""
    reader(ws, viewer, customer_id)
    with UnitOfWork(ws.db) as uow:
        found = uow.interactions.of_customer(customer_id, limit=max(1, min(limit, MAX_LISTED)))
        return [_view(i) for i in found]


def import_interactions(ws: Workspace, path: Path | str, by: str | None, *,
                        clock: Clock = utc_now) -> InteractionImport:
    """Import a visit log (CSV UTF-8/GBK or xlsx; headers in Chinese or English, see
    `docs/archive.md`): valid rows are recorded in one transaction, each other row is
    rejected naming its row and field and written to `quarantine/interactions/`; visits
    complete due visit tasks. A file without the customer, date and type columns is refused."""
    from corptier.services._lock import workspace_lock

    source = Path(path)
    now = _naive(clock())
    rows = read_sheet_rows(source)
    headers, body = rows[0][1], rows[1:]
    columns = rules.map_headers(headers)
    missing = [f for f in rules.REQUIRED if f not in columns.values()]
    if missing:
        raise ContractError("{name}: row 1: the header has no column for {missing} (e.g. "
                            "客户编号, 日期, 类型)", name=source.name, missing=", ".join(missing))
    actor, who = bulk_editor(ws, by)
    today = _latest_day(now)
    checked: list[tuple[int, dict[str, Any]]] = []
    rejections: list[Rejection] = []
    for number, row in body:
        values = {field: row[i] if i < len(row) else None for i, field in columns.items()}
        try:
            checked.append((number, rules.check_interaction(values, today)))
        except rules.InteractionProblem as exc:
            rejections.append(Rejection(source.name, number, exc.field, exc.message))
    rms = customers_rm(ws, sorted({f["customer_id"] for _, f in checked}))
    visible = set(rms) if who is None else in_scope(ws, who, sorted(rms))
    accepted: list[tuple[int, dict[str, Any]]] = []
    for number, fields in checked:
        customer = fields["customer_id"]
        if customer not in rms:
            rejections.append(Rejection(source.name, number, "customer_id",
                                        f"customer {customer} is not among the customers of "
                                        "the latest loaded period"))
        elif customer not in visible:
            rejections.append(Rejection(source.name, number, "customer_id",
                                        f"customer {customer} is not in the book of {actor}"))
        else:
            accepted.append((number, fields))
    with workspace_lock(ws, "archive import"):   # two imports of one log add it once
        accepted = _new_only(ws, source.name, accepted, rejections)
        rejections.sort(key=lambda r: r.row)
        with UnitOfWork(ws.db) as uow:
            ids = uow.interactions.insert_many([
                {**_columns(f), "rm_id": rms[f["customer_id"]],
                 "source": f"{source.name}:{n}"[:200], "created_by": actor, "created_at": now}
                for n, f in accepted])
            completed: list[int] = []
            visits = sorted((f["date"], i) for (_, f), i in zip(accepted, ids, strict=True)
                            if f["type"] in rules.VISIT_TYPES)
            for _, interaction_id in visits:
                found = uow.session.get(Interaction, interaction_id)
                if found is not None:
                    task = _complete_visit_task(uow, found, actor, now)
                    if task is not None:
                        found.task_id = task
                        completed.append(task)
            follow_ups = add_follow_ups(uow, [
                FollowUp(i, f["customer_id"], f["date"], rms[f["customer_id"]], f["next_step"],
                         f["next_step_due"])
                for (_, f), i in zip(accepted, ids, strict=True)], actor, now,
                audit_each=False)
            uow.audit.record(now, actor, "import", IMPORT_ENTITY, source.name[:80], after={
                "file": source.name, "read": len(body), "accepted": len(ids),
                "rejected": len(rejections), "ids": [ids[0], ids[-1]] if ids else [],
                "completed_tasks": completed, "follow_ups": len(follow_ups)})
        quarantine = (quarantine_rejections(ws, "interactions", source, rejections, now)
                      if rejections else None)
        _archive_edited(ws, [f["customer_id"] for _, f in accepted], actor, clock)
    return InteractionImport(source.name, len(body), len(ids), len(rejections),
                             tuple(rejections), tuple(ids), tuple(completed), quarantine,
                             tuple(follow_ups))


def _archive_edited(ws: Workspace, customer_ids: list[str], by: str, clock: Clock) -> None:
    """Logged interactions move the archive's alert facts: evaluate those customers' archive
    alerts again (`corptier.services.archive_alerts`)."""
    from corptier.services.archive_alerts import reevaluate_archive_alerts

    reevaluate_archive_alerts(ws, customer_ids, by, clock=clock)


def _new_only(ws: Workspace, file: str, rows: list[tuple[int, dict[str, Any]]],
              rejections: list[Rejection]) -> list[tuple[int, dict[str, Any]]]:
    """The rows not recorded yet (same customer, date, type, purpose and summary as one in
    the database or earlier in the file): importing a log again adds nothing twice."""
    if not rows:
        return rows
    dates = [f["date"] for _, f in rows]
    with UnitOfWork(ws.db) as uow:
        known: dict[tuple[Any, ...], Any] = uow.interactions.keys_between(
            [f["customer_id"] for _, f in rows], min(dates), max(dates))
    kept = []
    for number, f in rows:
        key = (f["customer_id"], f["date"], f["type"], f["purpose"], f["summary"])
        if key in known:
            where = (f"interaction {known[key]}" if isinstance(known[key], int)
                     else str(known[key]))
            rejections.append(Rejection(file, number, "customer_id",
                                        f"already recorded ({where}): same customer, date, "
                                        "type, purpose and summary"))
        else:
            known[key] = f"row {number}"
            kept.append((number, f))
    return kept


def _complete_visit_task(uow: UnitOfWork, visit: Interaction, by: str,
                         now: datetime) -> int | None:
    """Complete the customer's due visit task that `visit` fulfils (audited); its id."""
    from corptier.services.service_tasks import ENTITY, _snapshot

    tasks = [t for t in uow.service_plans.tasks(customer_id=visit.customer_id)
             if t.kind in VISIT_TASKS and Period.parse(t.period).start <= visit.occurred_on]
    if not tasks:
        return None
    task = tasks[0]
    before = _snapshot(task)
    if not uow.service_plans.complete(task.id, done_on=visit.occurred_on, done_at=now,
                                      done_by=by, note=f"interaction {visit.id}"):
        return None
    uow.audit.record(now, by, "complete", ENTITY, str(task.id), before=before,
                     after=_snapshot(task))
    return task.id


def read_sheet_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of every non-blank row; the first is the header."""
    if not path.is_file():
        raise ContractError("{path}: no such file", path=path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path)
    else:
        raise ContractError("{name}: an interaction log is a .csv or .xlsx file", name=path.name)
    kept = [(n, cells) for n, cells in rows
            if any(c is not None and str(c).strip() for c in cells)]
    if not kept:
        raise ContractError("{name}: the file is empty; it needs the header row", name=path.name)
    if len(kept) > MAX_ROWS + 1:
        raise ContractError("{name}: at most {limit:,} rows per import; split it", name=path.name,
                            limit=MAX_ROWS)
    return kept


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from corptier.contract.readers import sniff_encoding

    encoding = sniff_encoding(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise ContractError("{name}: not UTF-8 or GBK text ({reason})", name=path.name,
                            reason=exc.reason) from None
    return [(i + 1, list(r)) for i, r in enumerate(csv.reader(io.StringIO(text)))]


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a bad file
        raise ContractError("{name}: not a readable xlsx workbook ({error})", name=path.name,
                            error=exc) from None
    try:
        sheet = book.worksheets[0]
        return [(i + 1, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True))]
    finally:
        book.close()


def quarantine_rejections(ws: Workspace, kind: str, source: Path,
                          rejections: list[Rejection], now: datetime) -> Path:
    """The rejected rows of an archive import as a private CSV under `quarantine/<kind>/`."""
    folder = private_mkdir(ws.quarantine_dir / kind)
    target = folder / f"{source.stem}-{now:%Y%m%dT%H%M%S}.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(("file", "row", "field", "reason"))
    for r in rejections:
        writer.writerow([neutralise(v) for v in (r.file, r.row, r.field, r.reason)])
    write_private_text(target, buffer.getvalue(), CSV_ENCODING)
    return target


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["occurred_on"] = out.pop("date")
    return out


def _view(i: Interaction) -> InteractionView:
    return InteractionView(
        id=i.id, customer_id=i.customer_id, occurred_on=i.occurred_on, type=i.type,
        bank_participants=i.bank_participants, customer_participants=i.customer_participants,
        purpose=i.purpose, summary=i.summary, needs=tuple(i.needs or ()),
        needs_note=i.needs_note, outcome=i.outcome, next_step=i.next_step,
        next_step_due=i.next_step_due, rm_id=i.rm_id, task_id=i.task_id, source=i.source,
        created_by=i.created_by)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _latest_day(now: datetime) -> date:
    """The latest date a user may give for something that has happened: today in UTC, plus a
    day, since a branch east of UTC (China is UTC+8) is a day ahead for part of each day."""
    return now.date() + timedelta(days=1)
