"""Gates: floors and caps on the raw tier, evaluated in a fixed, documented order.

1. Every gate's trigger is evaluated on the customer's indicators (or list membership) and kept
   as a boolean column `gate_<id>`; `gates_fired` lists the fired ids in the standard's order.
2. Floors: the customer takes the best of its raw tier and the tiers of all fired floors.
3. Caps: the customer takes the worst of that and the tiers of all fired caps, so a cap always
   wins over a floor (risk wins).
Levels are 0 for the best tier. Caps with `immediate: true` (the default) also bound the applied
tier of the same close (`immediate_cap_level`, used by hysteresis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ibis
import ibis.expr.types as ir

from corptier.errors import StandardError
from corptier.tiering.conditions import compile_condition
from corptier.tiering.cutoffs import RAW_LEVEL
from corptier.tiering.standard import Gate, NamedList, Standard

GATED_LEVEL = "_gated_level"
CAP_LEVEL = "_cap_level"
GATES_FIRED = "gates_fired"

NamedLists = Mapping[str, Iterable[str]]


def gate_column(gate_id: str) -> str:
    return f"gate_{gate_id}"


def add_gates(
    table: ir.Table, standard: Standard, named_lists: NamedLists | None = None
) -> ir.Table:
    """Add `gate_<id>` flags, `gates_fired`, the worst fired cap level and the gated level."""
    gates = standard.gates.all()
    fired = {gate_column(g.id): gate_trigger(table, g, named_lists) for _, g in gates}
    table = table.mutate(**fired) if fired else table
    last = len(standard.tiers) - 1
    floors = [
        ibis.ifelse(table[gate_column(g.id)], standard.tier_level(g.tier), last)
        for g in standard.gates.floors
    ]
    caps = [
        ibis.ifelse(table[gate_column(g.id)], standard.tier_level(g.tier), 0)
        for g in standard.gates.caps
    ]
    after_floors = _least([table[RAW_LEVEL], *floors])
    cap_level = _greatest([ibis.literal(0), *caps])
    return table.mutate(
        **{
            GATES_FIRED: joined_codes([(table[gate_column(g.id)], g.id) for _, g in gates]),
            CAP_LEVEL: cap_level.cast("int64"),
            GATED_LEVEL: _greatest([after_floors, cap_level]).cast("int64"),
        }
    )


def immediate_cap_level(table: ir.Table, standard: Standard) -> ir.IntegerValue:
    """The worst tier level of the fired caps with `immediate: true`, null when none fired;
    read from the `gate_<id>` columns `add_gates` leaves."""
    caps = sorted((g for g in standard.gates.caps if g.immediate),
                  key=lambda g: -standard.tier_level(g.tier))
    if not caps:
        return ibis.null("int64")
    branches = [(table[gate_column(g.id)].fill_null(False), standard.tier_level(g.tier))
                for g in caps]
    return ibis.cases(*branches, else_=ibis.null("int64")).cast("int64")


def gate_trigger(table: ir.Table, gate: Gate, named_lists: NamedLists | None) -> ir.BooleanValue:
    """Whether the gate fires for each customer (never null)."""
    if gate.when is not None:
        return compile_condition(gate.when, table)
    assert gate.named_list is not None
    ids = list_members(gate, gate.named_list, named_lists)
    if not ids:
        return ibis.literal(False)
    return table["customer_id"].isin(ids).fill_null(False)


def list_members(gate: Gate, named: NamedList, named_lists: NamedLists | None) -> list[str]:
    """The ids of a gate's named list: run-time list by name, else the ids in the standard."""
    if named.name is not None:
        if named_lists is not None and named.name in named_lists:
            return sorted({str(i) for i in named_lists[named.name]})
        if not named.ids:
            raise StandardError(
                "gate '{gate}' needs the named list '{name}'; pass it as "
                "named_lists={{'{name}': [...]}} or give the list's ids or file",
                gate=gate.id, name=named.name)
    return sorted(set(named.ids))


def named_list_names(standard: Standard) -> list[str]:
    """Names of the run-time lists the standard's gates need (`named_lists` keys)."""
    names = {g.named_list.name for _, g in standard.gates.all() if g.named_list is not None}
    return sorted(n for n in names if n is not None)


def joined_codes(parts: list[tuple[ir.BooleanValue, str]]) -> ir.StringValue:
    """Comma-joined codes of the true parts, in the given order ('' when none)."""
    text = ibis.literal("")
    for condition, code in parts:
        text = text + ibis.ifelse(condition, ibis.literal("," + code), ibis.literal(""))
    return ibis.ifelse(text == "", ibis.literal(""), text.substr(1))


def _least(values: list[ir.Value]) -> ir.Value:
    return values[0] if len(values) == 1 else ibis.least(*values)


def _greatest(values: list[ir.Value]) -> ir.Value:
    return values[0] if len(values) == 1 else ibis.greatest(*values)
