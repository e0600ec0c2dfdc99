"""Overrides in time (issue 15): a period's re-close applies the overrides in force when it was
first published, not the ones approved or revoked since (unless one approved since starts on
or before the period's end); an override starting in the future waits for its period.

The computed tiers are set by hand: C001 is on the gold floor list, every other customer is
bronze (every score is below the absolute cut-offs). Tiers: gold, silver, bronze.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from corptier import services as sv
from corptier.workspace import PUBLISHED_TIERS, Workspace
from list_standard import list_standard

STANDARD = list_standard("timed", """\
  floors:
    - {id: gold_list, named_list: {name: gold}, tier: gold}
""")
JUNE = datetime(2026, 6, 20, 9, 0, tzinfo=UTC)
"""Before July's first close (which runs now, in real time)."""
UNTIL = date(2027, 12, 31)


def _standard(ws: Workspace, tmp_path: Path) -> Path:
    folder = ws.root / "standards" / "lists"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gold.csv").write_text("customer_id\nC001\n", encoding="utf-8")
    path = tmp_path / "timed.yaml"
    path.write_text(STANDARD, encoding="utf-8")
    return path


def _approve(ws: Workspace, standard: Path, customer: str, tier: str, *,
             valid_from: str | None = None, when: datetime | None = None) -> int:
    """Request and approve an override, in June or (`when` None) now, after July's close."""
    clock = {} if when is None else {"clock": lambda: when}
    o = sv.request_override(ws, customer, tier, "mandate", UNTIL, "alice",
                            standard_path=standard, valid_from=valid_from, **clock)
    sv.approve_override(ws, o.id, "bob", **clock)
    return o.id


def _tiers(ws: Workspace, period: str) -> dict[str, tuple[str, int | None]]:
    rows = sv.read_published(ws, period, ["customer_id", "applied_tier", "override_id"])
    return {r["customer_id"]: (r["applied_tier"], r["override_id"])
            for r in rows.table.to_pylist()}


def test_re_closing_july_later_gives_julys_published_result(loaded: Workspace,
                                                            tmp_path: Path) -> None:
    ws = loaded
    standard = _standard(ws, tmp_path)
    kept = _approve(ws, standard, "C004", "gold", when=JUNE)
    future = _approve(ws, standard, "C003", "silver", valid_from="2026-08-01", when=JUNE)
    first = sv.close_period(ws, "2026-07", standard_path=standard)
    july = {"C001": ("gold", None), "C002": ("bronze", None),
            "C003": ("bronze", None),  # starts on 1 August: not July's
            "C004": ("gold", kept), "C005": ("bronze", None)}
    assert _tiers(ws, "2026-07") == july
    published = ws.partition_file(PUBLISHED_TIERS, "2026-07").read_bytes()

    # after July's publication: C004's override is revoked, C005 gets one from today
    sv.revoke_override(ws, kept, "bob", note="mandate lost")
    later = _approve(ws, standard, "C005", "gold")
    again = sv.close_period(ws, "2026-07", standard_path=standard)

    assert (again.run_id, again.unchanged) == (first.run_id, True)
    assert _tiers(ws, "2026-07") == july
    assert ws.partition_file(PUBLISHED_TIERS, "2026-07").read_bytes() == published

    # August's first close: what stands now, from the day each override starts
    sv.close_period(ws, "2026-08", standard_path=standard)
    assert _tiers(ws, "2026-08") == {
        "C001": ("gold", None), "C002": ("bronze", None),
        "C003": ("silver", future),  # started on 1 August
        "C004": ("bronze", None),  # revoked: the rule's bronze (July's gold was the override's)
        "C005": ("gold", later),
    }


def test_an_override_approved_after_julys_close_applies_to_its_re_close_only_when_it_starts_by_july(
        loaded: Workspace, tmp_path: Path) -> None:
    ws = loaded
    standard = _standard(ws, tmp_path)
    first = sv.close_period(ws, "2026-07", standard_path=standard)
    backdated = _approve(ws, standard, "C002", "silver", valid_from="2026-07-01")
    _approve(ws, standard, "C005", "gold", valid_from="2026-08-01")
    again = sv.close_period(ws, "2026-07", standard_path=standard)
    assert again.run_id != first.run_id
    assert _tiers(ws, "2026-07") == {
        "C001": ("gold", None),
        "C002": ("silver", backdated),  # a correction of July, asked for explicitly
        "C003": ("bronze", None), "C004": ("bronze", None),
        "C005": ("bronze", None),  # starts on 1 August
    }


def test_a_start_date_is_checked_on_the_command_line(loaded: Workspace) -> None:
    from typer.testing import CliRunner

    from corptier.cli import app

    args = ["override", "request", "C002", "--tier", "core", "--reason", "mandate", "--until",
            "2099-12-31", "--by", "alice", "--workspace", str(loaded.root)]
    runner = CliRunner(env={"CORPTIER_LANG": None})
    bad = runner.invoke(app, [*args, "--valid-from", "2026-13-01"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert "the start date must be a date YYYY-MM-DD; got '2026-13-01'" in bad.output
    late = runner.invoke(app, [*args, "--valid-from", "2100-01-01"])
    assert "must start on or before its end date" in late.output
    made = runner.invoke(app, [*args, "--valid-from", "2026-07-01"])
    assert made.exit_code == 0, made.output
    assert sv.get_override(loaded, int(made.output)).requested_from == date(2026, 7, 1)
