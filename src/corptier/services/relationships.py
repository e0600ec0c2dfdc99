"""A customer's relationships in the archive: its corporate group (from the loaded customers),
the guarantees it gives and receives (the optional `guarantees` table of the latest loaded
period) and its main counterparties up- and downstream (from the last 12 months of
transactions, one engine query, see `engine/counterparties.py`). Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from corptier.errors import NotFoundError
from corptier.services._archive_access import CUSTOMERS, reader
from corptier.workspace import Workspace

GUARANTEES = "guarantees"
TOP = 5
MAX_TOP = 50


@dataclass(frozen=True)
class GroupMember:
    customer_id: str
    name: str
    parent_id: str | None


@dataclass(frozen=True)
class GuaranteeView:
    """One guarantee contract seen from the customer: `given` when the customer is the
    guarantor, else received; `party_id` is the other side when a customer of ours."""

    guarantee_id: str
    given: bool
    party_id: str | None
    party_name: str | None
    type: str
    amount: Decimal
    start_date: date
    end_date: date


@dataclass(frozen=True)
class CounterpartyView:
    """One of the main counterparties in a direction, over the last 12 months (yuan):
    `own_bank_share` = the part of `amount` through accounts at our bank (None when 0 yuan)."""

    rank: int
    counterparty: str
    customer_name: str | None
    """The counterparty's name when it is one of our customers."""
    amount: Decimal
    own_bank_amount: Decimal
    transactions: int
    share: Decimal | None
    """Its part of the direction's amount with named counterparties."""

    @property
    def own_bank_share(self) -> Decimal | None:
        return _ratio(self.own_bank_amount, self.amount)


@dataclass(frozen=True)
class FlowView:
    """A direction's main counterparties and its totals (named counterparties only)."""

    direction: str
    counterparties: tuple[CounterpartyView, ...]
    amount: Decimal
    own_bank_amount: Decimal

    @property
    def own_bank_share(self) -> Decimal | None:
        return _ratio(self.own_bank_amount, self.amount)


@dataclass(frozen=True)
class Relationships:
    customer_id: str
    period: str
    """The latest loaded period the relationships are read from."""
    group_id: str | None
    group: tuple[GroupMember, ...]
    guarantees_given: tuple[GuaranteeView, ...]
    guarantees_received: tuple[GuaranteeView, ...]
    inflow: FlowView
    outflow: FlowView


def customer_relationships(ws: Workspace, customer_id: str, *, viewer: str | None = None,
                           top: int = TOP) -> Relationships:
    """The customer's group, guarantees and top `top` counterparties in and out; NotFoundError
    when the customer is not in the latest loaded period. With users, `viewer` must see it."""
    reader(ws, viewer, customer_id)
    periods = ws.periods(CUSTOMERS)
    if not periods:
        raise NotFoundError("customer {customer} is not among any loaded period",
                            customer=customer_id)
    period = str(periods[-1])
    me = _customers(ws, period, "customer_id", [customer_id])
    if not me:
        raise NotFoundError("customer {customer} is not among the customers loaded for {period}",
                            customer=customer_id, period=period)
    group_id = me[0]["group_id"]
    members = _customers(ws, period, "group_id", [group_id]) if group_id else []
    guarantees = _guarantees(ws, period, customer_id)
    flows = _flows(ws, period, customer_id, max(1, min(top, MAX_TOP)))
    named = {r["customer_id"]: r["name"] for r in _customers(ws, period, "customer_id", sorted(
        {g.party_id for g in guarantees if g.party_id}
        | {c for rows in flows.values() for c in (r["counterparty"] for r in rows)}))}
    guarantees = [g if g.party_id is None else _named(g, named.get(g.party_id))
                  for g in guarantees]
    return Relationships(
        customer_id, period, group_id,
        tuple(GroupMember(m["customer_id"], m["name"], m["parent_id"]) for m in members),
        tuple(g for g in guarantees if g.given), tuple(g for g in guarantees if not g.given),
        _flow("in", flows.get("in", []), named), _flow("out", flows.get("out", []), named))


def _customers(ws: Workspace, period: str, column: str, values: list[Any]) -> list[dict[str, Any]]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not values:
        return []
    path = ws.partition_file(CUSTOMERS, period)
    present = set(pq.read_schema(path).names)
    wanted = [c for c in ("customer_id", "name", "group_id", "parent_id") if c in present]
    table = pq.read_table(path, columns=wanted, filters=pc.field(column).isin(values))
    rows = [{"group_id": None, "parent_id": None, **r} for r in table.to_pylist()]
    return sorted(rows, key=lambda r: str(r["customer_id"]))


def _guarantees(ws: Workspace, period: str, customer_id: str) -> list[GuaranteeView]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = ws.partition_file(GUARANTEES, period)
    if not path.is_file():
        return []
    mine = (pc.field("borrower_id") == customer_id) | (pc.field("guarantor_id") == customer_id)
    rows = pq.read_table(path, filters=mine).to_pylist()
    out = []
    for r in sorted(rows, key=lambda r: (r["start_date"], r["guarantee_id"])):
        given = r["guarantor_id"] == customer_id
        party = r["borrower_id"] if given else r["guarantor_id"]
        out.append(GuaranteeView(r["guarantee_id"], given, party,
                                 None if given else r["guarantor_name"], r["type"], r["amount"],
                                 r["start_date"], r["end_date"]))
    return out


def _named(g: GuaranteeView, name: str | None) -> GuaranteeView:
    from dataclasses import replace

    return replace(g, party_name=name or g.party_name)


def _flows(ws: Workspace, period: str, customer_id: str,
           top: int) -> dict[str, list[dict[str, Any]]]:
    """The customer's rows of `top_counterparties`, by direction (one engine query); none
    when the period's tables are not all loaded."""
    from corptier.engine import connect
    from corptier.engine.counterparties import top_counterparties
    from corptier.engine.tables import missing_tables, read_inputs

    with connect(ws, "duckdb") as con:
        if missing_tables(con, period):
            return {}
        inp = read_inputs(con, period, ws.config.assumptions, ws.config.bank.own_bank_code,
                          ws.config.bank.currency)
        mine = inp.transactions.filter(inp.transactions.customer_id == customer_id)
        expr = top_counterparties(mine, inp.months, ws.config.bank.own_bank_code, top)
        con.register(inp.months)
        rows = con.batches(expr.order_by(["direction", "rank"]), 10_000).read_all().to_pylist()
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["direction"], []).append(r)
    return out


def _flow(direction: str, rows: list[dict[str, Any]], named: dict[str, str]) -> FlowView:
    total = rows[0]["direction_amount"] if rows else Decimal("0.00")
    own = rows[0]["direction_own_bank_amount"] if rows else Decimal("0.00")
    return FlowView(direction, tuple(
        CounterpartyView(r["rank"], r["counterparty"], named.get(r["counterparty"]), r["amount"],
                         r["own_bank_amount"], r["transactions"], _ratio(r["amount"], total))
        for r in rows), total, own)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole to four decimals (0.1234 = 12.34 %); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
