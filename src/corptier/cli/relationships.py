"""The relationships part of `corptier archive show`: group, guarantees given and received,
main counterparties in and out with the part through our bank."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corptier.cli.base import console, grid, say
from corptier.cli.language import _, translator

if TYPE_CHECKING:
    from corptier.services import Relationships


def guarantee_type_label(code: str) -> str:
    labels = {"guarantee": _("Guarantee (保证)"), "mortgage": _("Mortgage (抵押)"),
              "pledge": _("Pledge (质押)")}
    return labels.get(code, code)


def show_relationships(found: Relationships) -> None:
    """Print the relationships of one customer (user data as plain text, never markup)."""
    tr = translator()
    members = ", ".join(f"{m.customer_id} {m.name}" for m in found.group)
    say(_("Corporate group: {group} ({n} customers with us): {members}").format(
        group=found.group_id or "–", n=len(found.group), members=members or "–"))
    for title, rows in ((_("Guarantees given ({n})"), found.guarantees_given),
                        (_("Guarantees received ({n})"), found.guarantees_received)):
        if not rows:
            say(title.format(n=0))
            continue
        console.print(grid(title.format(n=len(rows)), [
            _("guarantee"), _("party"), _("type"), tr.money_header(_("amount")), _("from"),
            _("to")], [[g.guarantee_id, _party(g.party_id, g.party_name),
                        guarantee_type_label(g.type), tr.money(g.amount),
                        g.start_date.isoformat(), g.end_date.isoformat()] for g in rows]))
    for flow, title in ((found.inflow, _("Main payers (money in), last 12 months")),
                        (found.outflow, _("Main payees (money out), last 12 months"))):
        _flow(flow, title, tr)


def _flow(flow: Any, title: str, tr: Any) -> None:
    say(_("{title}: {amount} with named counterparties, {share} through our bank").format(
        title=title, amount=tr.money(flow.amount), share=_share(tr, flow.own_bank_share)))
    if not flow.counterparties:
        return
    console.print(grid(title, [
        "#", _("counterparty"), tr.money_header(_("amount")), _("share"), _("transactions"),
        _("through our bank")], [
        [str(c.rank), _party(c.counterparty, c.customer_name), tr.money(c.amount),
         _share(tr, c.share), tr.count(c.transactions), _share(tr, c.own_bank_share)]
        for c in flow.counterparties]))


def _party(party_id: str | None, name: str | None) -> str:
    return " ".join(p for p in (party_id, name) if p) or "–"


def _share(tr: Any, value: Any) -> str:
    return "–" if value is None else str(tr.share(value))
