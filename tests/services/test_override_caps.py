"""An override above an immediate risk cap that fired applies only with a risk exception
(issue 15): without one the cap wins and the close, the CLI and the explanation say the
override was not applied; with one the explanation names the exception.

The tiers are set by hand through two named lists: a floor list (gold) and an immediate cap
list (at most silver); every score is below the absolute cut-offs, so a customer on no list is
bronze. Tiers: gold (rank 0), silver (rank 1), bronze (rank 2).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from typer.testing import CliRunner

from corptier import services as sv
from corptier.cli import app
from corptier.workspace import Workspace
from list_standard import list_standard

STANDARD = list_standard("capped", """\
  floors:
    - {id: gold_list, named_list: {name: gold}, tier: gold}
  caps:
    - {id: risk_list, named_list: {name: risk}, tier: silver, immediate: true}
""")
LISTS = {"gold": ["C001", "C002", "C003", "C004"], "risk": ["C001", "C002", "C003"]}
APPROVED = datetime(2026, 6, 20, 9, 0, tzinfo=UTC)
UNTIL = date(2026, 12, 31)
runner = CliRunner(env={"COLUMNS": "300", "CORPTIER_LANG": None})


def _prepare(ws: Workspace, tmp_path: Path) -> Path:
    folder = ws.root / "standards" / "lists"
    folder.mkdir(parents=True, exist_ok=True)
    for name, ids in LISTS.items():
        (folder / f"{name}.csv").write_text("customer_id\n" + "".join(f"{c}\n" for c in ids),
                                            encoding="utf-8")
    standard = tmp_path / "capped.yaml"
    standard.write_text(STANDARD, encoding="utf-8")
    return standard


def _approved(ws: Workspace, standard: Path, customer: str, tier: str,
              risk_exception: str | None = None) -> int:
    o = sv.request_override(ws, customer, tier, "board mandate", UNTIL, "alice",
                            standard_path=standard, risk_exception=risk_exception,
                            clock=lambda: APPROVED)
    sv.approve_override(ws, o.id, "bob", clock=lambda: APPROVED)
    return o.id


def test_a_fired_cap_wins_over_an_override_without_a_risk_exception(loaded: Workspace,
                                                                   tmp_path: Path) -> None:
    ws = loaded
    standard = _prepare(ws, tmp_path)
    plain = _approved(ws, standard, "C001", "gold")
    signed = _approved(ws, standard, "C002", "gold", "  CRO memo 12: parent guarantee  ")
    below = _approved(ws, standard, "C003", "bronze")
    uncapped = _approved(ws, standard, "C005", "gold")

    closed = runner.invoke(app, ["close", "--period", "2026-07", "--standard", str(standard),
                                 "--workspace", str(ws.root)])
    assert closed.exit_code == 0, closed.output
    # the close result carries the refusal (`overrides_refused`) and the CLI says it
    assert (f"override {plain} not applied: a risk cap fired and it has no risk exception"
            in closed.output)

    rows = {r["customer_id"]: r for r in sv.read_published(ws, "2026-07", [
        "customer_id", "applied_tier", "cap_tier", "override_id", "override_refused",
        "override_risk_exception"]).table.to_pylist()}
    got = {c: (r["applied_tier"], r["cap_tier"], r["override_id"], r["override_refused"],
               r["override_risk_exception"]) for c, r in rows.items()}
    assert got == {
        # gold floor, capped at silver; gold override without exception: the cap wins
        "C001": ("silver", "silver", None, plain, None),
        # the same with a risk exception: the override applies, naming it
        "C002": ("gold", "silver", signed, None, "CRO memo 12: parent guarantee"),
        # an override below the cap needs no exception
        "C003": ("bronze", "silver", below, None, None),
        "C004": ("gold", None, None, None, None),
        "C005": ("gold", None, uncapped, None, None),
    }

    refused = sv.explain_customer(ws, "C001", "2026-07", lang="en").text
    assert (f"Override: override {plain} not applied: a risk cap fired and it has no risk "
            "exception") in refused
    applied = sv.explain_customer(ws, "C002", "2026-07", lang="en").text
    assert ("applied above a fired risk cap under the risk exception: CRO memo 12: parent "
            "guarantee") in applied
    zh = sv.explain_customer(ws, "C001", "2026-07", lang="zh-CN").text
    assert f"人工调整 {plain} 未生效：已触发风险封顶，且未附风险例外" in zh


def test_the_approver_sees_the_risk_exception_and_the_audit_log_keeps_it(
        loaded: Workspace, tmp_path: Path) -> None:
    ws = loaded
    standard = _prepare(ws, tmp_path)
    o = sv.request_override(ws, "C002", "gold", "board mandate", UNTIL, "alice",
                            standard_path=standard, risk_exception="CRO memo 12",
                            clock=lambda: APPROVED)
    listed = runner.invoke(app, ["override", "list", "--state", "pending",
                                 "--workspace", str(ws.root)])
    assert listed.exit_code == 0 and "CRO memo 12" in listed.output
    shown = runner.invoke(app, ["override", "show", str(o.id), "--workspace", str(ws.root)],
)
    assert shown.exit_code == 0 and "CRO memo 12" in shown.output, shown.output
    sv.approve_override(ws, o.id, "bob", clock=lambda: APPROVED)
    history = sv.override_history(ws, o.id)
    assert [(e.action, (e.after or {}).get("risk_exception")) for e in history] == [
        ("request", "CRO memo 12"), ("approve", "CRO memo 12")]


def test_a_risk_exception_from_the_command_line_is_cleaned_and_limited(
        loaded: Workspace) -> None:
    args = ["override", "request", "C002", "--tier", "core", "--reason", "mandate", "--until",
            "2099-12-31", "--by", "alice", "--workspace", str(loaded.root)]
    made = runner.invoke(app, [*args, "--risk-exception", "  CRO memo 12 "])
    assert made.exit_code == 0, made.output
    assert sv.get_override(loaded, int(made.output)).risk_exception == "CRO memo 12"
    blank = runner.invoke(app, [*args, "--risk-exception", "   "])
    assert sv.get_override(loaded, int(blank.output)).risk_exception is None
    long = runner.invoke(app, [*args, "--risk-exception", "x" * 2001])
    assert long.exit_code != 0
    assert "risk exception is at most 2000 characters" in long.output
    assert "Traceback" not in long.output
