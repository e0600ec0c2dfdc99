"""Who may read, edit and see in full a customer's archive, and the customer's RM in the latest
loaded period. Without users every named actor may (a one-person workspace); once the
workspace has users, the role's permission and the data scope decide."""

from __future__ import annotations

from corptier.errors import ForbiddenError, NotFoundError, RequestError
from corptier.services.access import Principal, principal, require
from corptier.services.users import acting_name
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

CUSTOMERS = "customers"


def customer_rm(ws: Workspace, customer_id: str) -> str | None:
    """The customer's RM in the latest loaded period; NotFoundError when the customer is not
    among that period's customers (or nothing is loaded)."""
    found = customers_rm(ws, [customer_id])
    if customer_id not in found:
        _missing(ws, customer_id)
    return found[customer_id]


def customers_rm(ws: Workspace, customer_ids: list[str]) -> dict[str, str | None]:
    """RM of each of `customer_ids` found in the latest loaded customers (one Parquet read)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    periods = ws.periods(CUSTOMERS)
    if not periods or not customer_ids:
        return {}
    found = pq.read_table(ws.partition_file(CUSTOMERS, str(periods[-1])),
                          columns=["customer_id", "rm_id"],
                          filters=pc.field("customer_id").isin(sorted(set(customer_ids))))
    from corptier.services.rm_assignments import assigned_rms

    assigned = assigned_rms(ws, periods[-1], sorted(set(customer_ids)))
    moved = dict(zip(assigned.column("customer_id").to_pylist(),
                     assigned.column("rm_id").to_pylist(), strict=True))
    return {c: moved.get(c) or r or None for c, r in zip(
        found.column("customer_id").to_pylist(), found.column("rm_id").to_pylist(), strict=True)}


def _missing(ws: Workspace, customer_id: str) -> None:
    periods = ws.periods(CUSTOMERS)
    if not periods:
        raise NotFoundError("customer {customer} is not among any loaded period",
                            customer=customer_id)
    raise NotFoundError("customer {customer} is not among the customers loaded for {period}",
                        customer=customer_id, period=periods[-1])


def has_users(ws: Workspace) -> bool:
    with UnitOfWork(ws.db) as uow:
        return uow.users.any()


def reader(ws: Workspace, viewer: str | None, customer_id: str) -> str | None:
    """The reader's name (None without users and without `viewer`), once they may read the
    customer's archive (role with `read_book`, customer in their book)."""
    if not has_users(ws):
        return None if viewer is None else acting_name(ws, viewer, "viewer")
    return _checked(ws, viewer, customer_id, "read_book", "viewer")


def editor(ws: Workspace, by: str | None, customer_id: str) -> str:
    """The editor's name, once they may edit the customer's archive."""
    if not has_users(ws):
        return acting_name(ws, by, "by")
    return _checked(ws, by, customer_id, "edit_archive", "by")


def bulk_editor(ws: Workspace, by: str | None) -> tuple[str, Principal | None]:
    """Who edits many customers at once (an import, a campaign), and with users, as whom (their
    role must edit archives; each customer's scope is checked by the caller)."""
    name = acting_name(ws, by, "by")
    if not has_users(ws):
        return name, None
    who = principal(ws, name)
    require(who, "edit_archive")
    return who.name, who


def full_viewer(ws: Workspace, viewer: str | None, customer_id: str) -> str:
    """The name of a user allowed to see the customer's contacts unmasked."""
    if not has_users(ws):
        return acting_name(ws, viewer, "viewer")
    return _checked(ws, viewer, customer_id, "view_contacts", "viewer")


def _checked(ws: Workspace, name: str | None, customer_id: str, action: str,
             field: str) -> str:
    from corptier.services.book import in_scope

    if name is None:
        raise RequestError("{field}: this workspace has users: say who acts (CORPTIER_TOKEN)",
                           field=field)
    who = principal(ws, acting_name(ws, name, field))
    require(who, action)
    if customer_id not in in_scope(ws, who, [customer_id]):
        raise ForbiddenError("customer {customer} is not in the book of {name}",
                             customer=customer_id, name=who.name)
    return who.name
