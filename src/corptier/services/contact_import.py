"""Import a customer contacts file (CSV UTF-8/GBK or xlsx; Chinese or English headers) with a
reconciliation read = accepted + rejected: valid rows are added in one transaction (one audit
entry for the import), every other row is rejected naming its row and field and written to
`quarantine/contacts/`. A contact already kept (same customer, role and name) is not added
twice, and a customer keeps at most one primary contact per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from corptier.crm import contacts as rules
from corptier.crm.interactions import header_key
from corptier.errors import ContractError, CorptierError
from corptier.services._archive_access import bulk_editor, customers_rm
from corptier.services.book import in_scope
from corptier.services.interactions import Rejection, quarantine_rejections, read_sheet_rows
from corptier.services.overrides import Clock, utc_now
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

IMPORT_ENTITY = "contact_import"


@dataclass(frozen=True)
class ContactImport:
    """A contacts import's reconciliation: rows read = accepted + rejected."""

    file: str
    read: int
    accepted: int
    rejected: int
    rejections: tuple[Rejection, ...]
    ids: tuple[int, ...]
    quarantine: Path | None


def import_contacts(ws: Workspace, path: Path | str, by: str | None, *,
                    clock: Clock = utc_now) -> ContactImport:
    """Import contacts of customers of the latest loaded period (see the module's note); a
    file without the customer, role and name columns is refused."""
    from corptier.services._lock import workspace_lock

    source = Path(path)
    now = _naive(clock())
    rows = read_sheet_rows(source)
    headers, body = rows[0][1], rows[1:]
    columns = _map_headers(headers)
    missing = [f for f in rules.REQUIRED_HEADERS if f not in columns.values()]
    if missing:
        raise ContractError("{name}: row 1: the header has no column for {missing} (e.g. "
                            "客户编号, 角色, 姓名)", name=source.name, missing=", ".join(missing))
    actor, who = bulk_editor(ws, by)
    checked, rejections = _checked_rows(source.name, columns, body, now)
    rms = customers_rm(ws, sorted({f["customer_id"] for _, f in checked}))
    visible = set(rms) if who is None else in_scope(ws, who, sorted(rms))
    with workspace_lock(ws, "archive import"), UnitOfWork(ws.db) as uow:
        known = uow.contacts.known(sorted(rms))
        accepted = _new_only(source.name, checked, rms, visible, actor, known, rejections)
        ids = uow.contacts.insert_many([
            {**_columns(f), "version": 1, "created_by": actor, "created_at": now,
             "updated_by": actor, "updated_at": now} for _, f in accepted])
        rejections.sort(key=lambda r: r.row)
        uow.audit.record(now, actor, "import", IMPORT_ENTITY, source.name[:80], after={
            "file": source.name, "read": len(body), "accepted": len(ids),
            "rejected": len(rejections), "ids": [ids[0], ids[-1]] if ids else []})
    quarantine = (quarantine_rejections(ws, "contacts", source, rejections, now)
                  if rejections else None)
    return ContactImport(source.name, len(body), len(ids), len(rejections), tuple(rejections),
                         tuple(ids), quarantine)


def _map_headers(headers: list[object]) -> dict[int, str]:
    known = {header_key(h): field for field, names in rules.HEADERS.items() for h in names}
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        field = known.get(header_key(h))
        if field is not None and field not in out.values():
            out[i] = field
    return out


def _checked_rows(file: str, columns: dict[int, str], body: list[tuple[int, list[Any]]],
                  now: datetime) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejection]]:
    today = now.date()
    checked: list[tuple[int, dict[str, Any]]] = []
    rejections: list[Rejection] = []
    for number, row in body:
        values = {field: row[i] if i < len(row) else None for i, field in columns.items()}
        customer = str(values.get("customer_id") or "").strip()
        if not customer:
            rejections.append(Rejection(file, number, "customer_id", "the customer id is "
                                        "required"))
            continue
        values["primary"] = rules.parse_flag(values.get("primary"))
        try:
            fields = rules.check_contact(values, today)
        except CorptierError as exc:
            field, _, reason = str(exc).partition(": ")
            rejections.append(Rejection(file, number, field if reason else "row",
                                        reason or str(exc)))
            continue
        checked.append((number, {"customer_id": customer, **fields}))
    return checked, rejections


def _new_only(file: str, checked: list[tuple[int, dict[str, Any]]], rms: dict[str, Any],
              visible: set[str], actor: str, known: dict[tuple[str, str, str], tuple[int, bool]],
              rejections: list[Rejection]) -> list[tuple[int, dict[str, Any]]]:
    """The rows of customers in the latest period and the actor's book that add a contact
    not kept yet, without a second primary of a role."""
    primaries = {(c, r): f"contact {i}" for (c, r, _n), (i, p) in known.items() if p}
    seen = {k: f"contact {i}" for k, (i, _p) in known.items()}
    kept = []
    for number, f in checked:
        customer, key = f["customer_id"], (f["customer_id"], f["role"], f["name"])
        problem = (
            f"customer {customer} is not among the customers of the latest loaded period"
            if customer not in rms else
            f"customer {customer} is not in the book of {actor}" if customer not in visible else
            f"already recorded ({seen[key]}): same customer, role and name" if key in seen else
            f"customer {customer} already has a primary {f['role']} ({primaries[key[:2]]})"
            if f["primary"] and key[:2] in primaries else None)
        if problem is not None:
            rejections.append(Rejection(file, number, "customer_id" if "primary" not in problem
                                        else "primary", problem))
            continue
        seen[key] = f"row {number}"
        if f["primary"]:
            primaries[key[:2]] = f"row {number}"
        kept.append((number, f))
    return kept


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["is_primary"] = out.pop("primary")
    return out


def _naive(moment: datetime) -> datetime:
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
