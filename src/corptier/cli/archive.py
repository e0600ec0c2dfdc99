"""`corptier archive ...`: the customer archive (客户档案): profile and master-data timeline,
contacts (masked unless asked in full by an allowed role) and interactions (走访与沟通)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corptier.cli.base import CorptierGroup, WorkspaceOpt, app, console, grid, group, say
from corptier.cli.language import _
from corptier.cli.users import acting

if TYPE_CHECKING:
    from corptier.services import ContactView, InteractionView
    from corptier.workspace import Workspace

archive_app = group("Customer archive: profile and master-data history, contacts, "
                    "interactions (visits, calls, meetings).")
app.add_typer(archive_app, name="archive")
contact_app = typer.Typer(cls=CorptierGroup, no_args_is_help=True, add_completion=False,
                          rich_markup_mode=None, help="Add, edit, remove or import contacts.")
archive_app.add_typer(contact_app, name="contact")
interaction_app = typer.Typer(cls=CorptierGroup, no_args_is_help=True, add_completion=False,
                              rich_markup_mode=None, help="Log an interaction.")
archive_app.add_typer(interaction_app, name="interaction")
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="Who does this (user name); with users, the user of CORPTIER_TOKEN.")]
CustomerArg = Annotated[str, typer.Argument(metavar="CUSTOMER", help="Customer id.")]
IdArg = Annotated[int, typer.Argument(metavar="ID")]
VersionOpt = Annotated[int, typer.Option(
    "--version", help="The contact's version as you listed it (a stale edit is refused).")]


def _field(code: str) -> str:
    labels = {"name": _("name"), "uscc": _("USCC"), "industry_code": _("industry"),
              "enterprise_size": _("size class"), "rating": _("rating"), "rm_id": _("RM"),
              "sub_branch": _("sub-branch"), "group_id": _("corporate group"),
              "status": _("status"), "onboarded_on": _("onboarded on"),
              "region_code": _("region")}
    return labels.get(code, code)


def _value(field: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if field == "enterprise_size":
        sizes = {"large": _("Large"), "medium": _("Medium-sized"), "small": _("Small"),
                 "micro": _("Micro"), "unclassified": _("Not classified")}
        return sizes.get(str(value), str(value))
    if field == "status":
        states = {"active": _("Active"), "dormant": _("Dormant"), "closed": _("Closed")}
        return states.get(str(value), str(value))
    return str(value)


def _completeness_line(ws: Workspace, customer: str) -> str:
    """`Archive completeness: 85.7 (missing: Finance head contact)`, or why there is none."""
    from corptier.errors import CorptierError
    from corptier.services import customer_completeness

    try:
        found = customer_completeness(ws, customer)
    except CorptierError as exc:
        return _("Archive completeness: not available ({reason})").format(reason=exc)
    score = "–" if found.score is None else f"{found.score:.1f}"
    if not found.missing:
        return _("Archive completeness: {score}").format(score=score)
    return _("Archive completeness: {score} (missing: {missing})").format(
        score=score, missing=", ".join(_missing_label(m) for m in found.missing))


def _missing_label(item: str) -> str:
    kind, _sep, code = item.partition(":")
    if kind == "field":
        return _field(code)
    if kind == "contact":
        return _("{role} contact").format(role=role_label(code))
    return {"visit": _("visit within the tier's cadence"),
            "survey": _("survey answered within the period")}.get(item, item)


def role_label(code: str) -> str:
    labels = {"legal_representative": _("Legal representative"),
              "actual_controller": _("Actual controller"), "finance_head": _("Finance head"),
              "treasurer": _("Treasurer / cashier"), "operator": _("Operator"),
              "other": _("Other")}
    return labels.get(code, code)


def type_label(code: str) -> str:
    labels = {"visit": _("Visit"), "call": _("Call"), "meeting": _("Meeting"),
              "event": _("Event"), "email": _("E-mail")}
    return labels.get(code, code)


def need_label(code: str) -> str:
    labels = {"settlement": _("Settlement"), "financing": _("Financing"),
              "trade": _("Trade finance"), "cash_management": _("Cash management"),
              "investment_banking": _("Investment banking"), "payroll": _("Payroll"),
              "wealth": _("Wealth management"), "ebanking": _("E-banking")}
    return labels.get(code, code)


def _reader(ws: Workspace, by: str | None) -> str | None:
    """Who reads: the token's user once the workspace has users, else `by` (may be None)."""
    from corptier.services import list_users

    return acting(ws, by) if by is not None or list_users(ws) else None


@archive_app.command("show")
def archive_show(customer: CustomerArg, by: ByOpt = None,
                 workspace: WorkspaceOpt = Path(".")) -> None:
    """Show a customer's profile, the timeline of its master data over the loaded periods and
    its relationships (group, guarantees, main counterparties)."""
    from corptier.cli.relationships import show_relationships
    from corptier.services import customer_archive, customer_relationships, open_workspace

    ws = open_workspace(workspace)
    viewer = _reader(ws, by)
    found = customer_archive(ws, customer, viewer=viewer)
    profile = found.profile
    say(_("Customer {customer}: {name}").format(customer=found.customer_id,
                                               name=_value("name", profile.get("name"))))
    for field in ("uscc", "industry_code", "enterprise_size", "rating", "rm_id", "sub_branch",
                  "group_id", "status"):
        say(f"  {_field(field)}: {_value(field, profile.get(field))}")
    say(_("Loaded periods: {first} to {last} ({n})").format(
        first=found.periods[0], last=found.periods[-1], n=len(found.periods)))
    if not found.in_latest_period:
        say(_("Not among the customers of the latest loaded period (last seen {period})")
            .format(period=found.versions[-1].last_period))
    say(_("Contacts: {n} ({verified} verified); primary: {primary}").format(
        n=found.contacts, verified=found.verified_contacts,
        primary=found.primary_contact or "–"))
    say(_("Last visit: {date}; visits in the last 12 months: {visits}; upcoming next steps: "
          "{steps}").format(date=found.last_visit.isoformat() if found.last_visit else "–",
                            visits=found.visits_12m, steps=found.upcoming_next_steps))
    say(_completeness_line(ws, found.customer_id))
    say(_("Timeline:"))
    say("  " + _("{period}: first loaded").format(period=found.versions[0].valid_from))
    for change in found.changes:
        say("  " + _change_line(change))
    if len(found.versions) > 1:
        console.print(grid(
            _("Master-data versions ({n})").format(n=len(found.versions)),
            [_("valid from"), _("valid to"), _("rating"), _("RM"), _("sub-branch"),
             _("status"), _("name")],
            [[v.valid_from, v.valid_to or _("current"), _value("rating", v.values["rating"]),
              _value("rm_id", v.values["rm_id"]), _value("sub_branch", v.values["sub_branch"]),
              _value("status", v.values["status"]), _value("name", v.values["name"])]
             for v in found.versions]))
    if found.in_latest_period:
        show_relationships(customer_relationships(ws, customer, viewer=viewer))


def _change_line(change: Any) -> str:
    field, before = _field(change.field), _value(change.field, change.before)
    after = _value(change.field, change.after)
    if change.field == "rating" and change.before is not None and change.after is not None:
        return _("{period}: rating {before} → {after}").format(
            period=change.period, before=before, after=after)
    if change.before is None:
        return _("{period}: {field} set to {after}").format(period=change.period,
                                                            field=field, after=after)
    if change.after is None:
        return _("{period}: {field} cleared (was {before})").format(
            period=change.period, field=field, before=before)
    return _("{period}: {field} changed from {before} to {after}").format(
        period=change.period, field=field, before=before, after=after)


@archive_app.command("contacts")
def archive_contacts(
    customer: CustomerArg,
    full: Annotated[bool, typer.Option(
        "--full", help="Show phone and e-mail in full (allowed roles only; logged).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Also write them to this CSV file (masked unless --full).")] = None,
    by: ByOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List a customer's contacts; phone and e-mail are masked unless --full."""
    from corptier.services import export_contacts, list_contacts, open_workspace

    ws = open_workspace(workspace)
    viewer = acting(ws, by) if full else _reader(ws, by)
    rows = list_contacts(ws, customer, full=full, viewer=viewer)
    console.print(_contacts_grid(customer, rows))
    if out is not None:
        n = export_contacts(ws, customer, out, full=full, viewer=viewer)
        say(_("{n} contacts written to {file}").format(n=n, file=out))


def _contacts_grid(customer: str, rows: list[ContactView]) -> Any:
    return grid(_("Contacts of {customer} ({n})").format(customer=customer, n=len(rows)),
                [_("id"), _("role"), _("person"), _("phone"), _("e-mail"), _("position"),
                 _("verified on"), _("primary"), _("version")],
                [[str(c.id), role_label(c.role), c.name, c.phone or "", c.email or "",
                  c.position or "", c.verified_on.isoformat() if c.verified_on else "",
                  _("yes") if c.primary else "", str(c.version)] for c in rows])


RoleOpt = Annotated[str | None, typer.Option(
    "--role", help="legal_representative, actual_controller, finance_head, treasurer, "
                   "operator or other (or 法定代表人, 实际控制人, 财务负责人, 资金主管/出纳, "
                   "经办人, 其他).")]
NameOpt = Annotated[str | None, typer.Option("--name", help="The person's name.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
PositionOpt = Annotated[str | None, typer.Option("--position", help="Position (职务).")]
VerifiedOpt = Annotated[str | None, typer.Option(
    "--verified-on", help="Date the details were last verified, YYYY-MM-DD.")]


@contact_app.command("add")
def contact_add(
    customer: CustomerArg, role: RoleOpt = None, name: NameOpt = None, phone: PhoneOpt = None,
    email: EmailOpt = None, position: PositionOpt = None, verified_on: VerifiedOpt = None,
    primary: Annotated[bool, typer.Option(
        "--primary", help="The main contact of this role.")] = False,
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a contact to a customer (audited); prints the new contact's id."""
    from corptier.services import add_contact, open_workspace

    ws = open_workspace(workspace)
    who = acting(ws, by)
    c = add_contact(ws, customer, who, role=role or "", name=name or "", phone=phone,
                    email=email, position=position, verified_on=verified_on, primary=primary)
    say(_("contact {id} ({customer}: {role}) added by {by}").format(
        id=c.id, customer=c.customer_id, role=role_label(c.role), by=who))


@contact_app.command("import")
def contact_import(
    file: Annotated[Path, typer.Argument(help="Contacts file, .csv (UTF-8 or GBK) or .xlsx.")],
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import contacts (Chinese or English headers: 客户编号, 角色, 姓名, 电话, ...); rows that
    do not fit are rejected with their row and field and written to quarantine/contacts/."""
    from corptier.services import import_contacts, open_workspace

    ws = open_workspace(workspace)
    done = import_contacts(ws, file, acting(ws, by))
    say(_("{file}: read {read} = accepted {accepted} + rejected {rejected}").format(
        file=done.file, read=done.read, accepted=done.accepted, rejected=done.rejected))
    for r in done.rejections[:20]:
        say(f"  {r}")
    if done.quarantine is not None:
        say(_("rejected rows: {file}").format(file=done.quarantine))


@contact_app.command("edit")
def contact_edit(
    contact_id: IdArg, version: VersionOpt, role: RoleOpt = None, name: NameOpt = None,
    phone: PhoneOpt = None, email: EmailOpt = None, position: PositionOpt = None,
    verified_on: VerifiedOpt = None,
    primary: Annotated[bool | None, typer.Option(
        "--primary/--not-primary", help="Make it the role's main contact, or not.")] = None,
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Change a contact's fields (only those given); refused when someone changed it since."""
    from corptier.services import edit_contact, open_workspace

    ws = open_workspace(workspace)
    who = acting(ws, by)
    given = {"role": role, "name": name, "phone": phone, "email": email,
             "position": position, "verified_on": verified_on, "primary": primary}
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    c = edit_contact(ws, contact_id, version, who, **changes)
    say(_("contact {id} ({customer}) changed by {by}; now version {version}").format(
        id=c.id, customer=c.customer_id, by=who, version=c.version))


@contact_app.command("remove")
def contact_remove(contact_id: IdArg, version: VersionOpt, by: ByOpt = None,
                   workspace: WorkspaceOpt = Path(".")) -> None:
    """Remove a contact (audited); refused when someone changed it since you listed it."""
    from corptier.services import open_workspace, remove_contact

    ws = open_workspace(workspace)
    who = acting(ws, by)
    c = remove_contact(ws, contact_id, version, who)
    say(_("contact {id} ({customer}) removed by {by}").format(id=c.id, customer=c.customer_id,
                                                              by=who))


@interaction_app.command("add")
def interaction_add(
    customer: CustomerArg,
    on: Annotated[str | None, typer.Option(
        "--date", help="Date of the interaction, YYYY-MM-DD (default: today).")] = None,
    kind: Annotated[str, typer.Option(
        "--type", help="visit, call, meeting, event or email (or 走访, 电话, 会议, 活动, "
                       "邮件).")] = "visit",
    bank: Annotated[str | None, typer.Option(
        "--bank-participants", help="Who took part for the bank.")] = None,
    customer_side: Annotated[str | None, typer.Option(
        "--customer-participants", help="Who took part for the customer.")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="Purpose.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="Summary (纪要).")] = None,
    needs: Annotated[str | None, typer.Option(
        "--needs", help="Product categories the customer raised, comma-separated: "
                        "settlement, financing, trade, cash_management, investment_banking, "
                        "payroll, wealth, ebanking.")] = None,
    needs_note: Annotated[str | None, typer.Option(
        "--needs-note", help="Needs in the customer's words.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Outcome.")] = None,
    next_step: Annotated[str | None, typer.Option("--next-step", help="Next step.")] = None,
    due: Annotated[str | None, typer.Option(
        "--due", help="Due date of the next step, YYYY-MM-DD.")] = None,
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Log a visit, call, meeting, event or e-mail (audited); a visit completes the due visit
    task of the customer's service plan."""
    from corptier.services import log_interaction, open_workspace

    ws = open_workspace(workspace)
    who = acting(ws, by)
    i = log_interaction(ws, who, customer_id=customer, on=on or date.today().isoformat(),
                        type=kind, bank_participants=bank, customer_participants=customer_side,
                        purpose=purpose, summary=summary, needs=needs, needs_note=needs_note,
                        outcome=outcome, next_step=next_step, next_step_due=due)
    say(_("interaction {id} ({customer}: {type} on {date}) logged by {by}").format(
        id=i.id, customer=i.customer_id, type=type_label(i.type),
        date=i.occurred_on.isoformat(), by=who))
    if i.task_id is not None:
        say(_("service task {id} (visit) completed by this visit").format(id=i.task_id))


@archive_app.command("interactions")
def archive_interactions(customer: CustomerArg, by: ByOpt = None,
                         workspace: WorkspaceOpt = Path(".")) -> None:
    """List a customer's interactions, latest first."""
    from corptier.services import list_interactions, open_workspace

    ws = open_workspace(workspace)
    rows = list_interactions(ws, customer, viewer=_reader(ws, by))
    console.print(_interactions_grid(customer, rows))


def _interactions_grid(customer: str, rows: list[InteractionView]) -> Any:
    def step(i: InteractionView) -> str:
        if i.next_step is None:
            return ""
        return i.next_step + (f" ({i.next_step_due.isoformat()})" if i.next_step_due else "")

    return grid(_("Interactions with {customer} ({n})").format(customer=customer, n=len(rows)),
                [_("id"), _("date"), _("type"), _("purpose"), _("needs"), _("outcome"),
                 _("next step"), _("bank side"), _("customer side"), _("logged by")],
                [[str(i.id), i.occurred_on.isoformat(), type_label(i.type), i.purpose or "",
                  "、".join(need_label(n) for n in i.needs)
                  + (f" · {i.needs_note}" if i.needs_note else ""), i.outcome or "",
                  step(i), i.bank_participants or "", i.customer_participants or "",
                  i.created_by] for i in rows])


@archive_app.command("import")
def archive_import(
    file: Annotated[Path, typer.Argument(help="Visit log, .csv (UTF-8 or GBK) or .xlsx.")],
    by: ByOpt = None, workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import interactions from a visit log (Chinese or English headers); rows that do not
    fit are rejected with their row and field and written to quarantine/interactions/."""
    from corptier.services import import_interactions, open_workspace

    ws = open_workspace(workspace)
    done = import_interactions(ws, file, acting(ws, by))
    say(_("{file}: read {read} = accepted {accepted} + rejected {rejected}").format(
        file=done.file, read=done.read, accepted=done.accepted, rejected=done.rejected))
    for r in done.rejections:
        say(f"  {r}")
    if done.completed_tasks:
        say(_("{n} due visit tasks completed by the imported visits").format(
            n=len(done.completed_tasks)))
    if done.quarantine is not None:
        say(_("rejected rows: {file}").format(file=done.quarantine))


@archive_app.command("completeness")
def archive_completeness(
    by: Annotated[str, typer.Option(
        "--by", help="tier, rm or sub_branch.")] = "tier",
    period: Annotated[str | None, typer.Option(
        "--period", help="A closed period (default: the latest).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The average archive completeness score per tier, RM or sub-branch."""
    from corptier.cli.labels import label
    from corptier.services import completeness_by, open_workspace

    ws = open_workspace(workspace)
    frame = completeness_by(ws, by, period)
    titles = {"tier": _("Archive completeness by tier"), "rm": _("Archive completeness by RM"),
              "sub_branch": _("Archive completeness by sub-branch")}
    rows = [[label(str(r[by]), "tier") if by == "tier" else str(r[by] or "–"),
             str(r["customers"]), "–" if r["average"] != r["average"] else f"{r['average']:.1f}",
             str(r["complete"])] for r in frame.to_dict("records")]
    console.print(grid(titles[by], [_("group"), _("customers"), _("average score"),
                                    _("complete")], rows))
