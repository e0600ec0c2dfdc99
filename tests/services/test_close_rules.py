"""Which closes are allowed: periods in order (no gap since the first close; later published
periods only with `reclose_following`, re-closed in order and published all or nothing), not
before the standard's `effective_from`, and closed customers take no slot."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import CloseRefusedError, NotFoundError
from corptier.evaluation.migration import migration_matrix
from corptier.services import close_period, explain_customer, load_period, published_tiers
from corptier.services import closing as closing_module
from corptier.services import publication as publication_module
from corptier.store import UnitOfWork
from corptier.tiering import default_standard_path
from corptier.workspace import PUBLISHED_TIERS, Workspace
from sample_data import sample_rows, write_tables

ALL_BASIC = """  shares:
    strategic: 0
    core: 0
    key: 0
    growth: 0
    basic: 1
"""
TIERS = ("strategic", "core", "key", "growth", "basic")


@pytest.fixture(scope="module")
def closed_template(loaded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three sample periods, closed once in order per module."""
    target = tmp_path_factory.mktemp("closed") / "ws"
    shutil.copytree(loaded_template, target)
    ws = Workspace.open(target)
    for period in ("2026-07", "2026-08", "2026-09"):
        close_period(ws, period)
    return target


@pytest.fixture
def closed(closed_template: Path, tmp_path: Path) -> Workspace:
    """A copy of the three closed periods for one test."""
    shutil.copytree(closed_template, tmp_path / "closed")
    return Workspace.open(tmp_path / "closed")


def _published(ws: Workspace) -> dict[str, str]:
    with UnitOfWork(ws.db) as uow:
        return uow.runs.published_periods()


def _exports(ws: Workspace) -> dict[str, str]:
    """Each published export's sha256, by period."""
    return {p: hashlib.sha256(ws.partition_file(PUBLISHED_TIERS, p).read_bytes()).hexdigest()
            for p in _published(ws)}


def _leftovers(ws: Workspace) -> list[str]:
    return sorted(p.name for p in ws.table_dir(PUBLISHED_TIERS).glob("period=*/.*"))


def _standard(tmp_path: Path, replace: dict[str, str]) -> Path:
    """The default standard with some of its text replaced."""
    text = default_standard_path().read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "variant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _all_basic(tmp_path: Path) -> Path:
    """A standard that puts every customer in basic (pyramid share 1 for basic)."""
    text = default_standard_path().read_text(encoding="utf-8")
    start = text.index("  shares:\n")
    end = text.index("\n\n", start) + 1
    return _standard(tmp_path, {text[start:end]: ALL_BASIC})


# --- the order of closes -----------------------------------------------------------------------
def test_a_gap_since_the_first_close_is_refused_naming_the_missing_period(
        loaded: Workspace) -> None:
    close_period(loaded, "2026-07")
    before = _exports(loaded)
    with pytest.raises(CloseRefusedError) as refused:
        close_period(loaded, "2026-09")
    assert str(refused.value) == "2026-08 is not closed; close it first"
    assert _exports(loaded) == before and _leftovers(loaded) == []


def test_later_published_periods_are_named_and_refused_without_reclose_following(
        closed: Workspace) -> None:
    before = _exports(closed)
    with pytest.raises(CloseRefusedError) as refused:
        close_period(closed, "2026-07")
    assert str(refused.value).startswith("2026-08, 2026-09 after 2026-07 are already published")
    assert "--reclose-following" in str(refused.value)
    with pytest.raises(CloseRefusedError) as only_september:
        close_period(closed, "2026-08")
    assert str(only_september.value).startswith("2026-09 after 2026-08 are already published")
    assert _exports(closed) == before


def test_a_refusal_is_said_in_the_workspace_language(closed: Workspace) -> None:
    config = closed.root / "corptier.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace('language = "en"', 'language = "zh-CN"'), encoding="utf-8")
    ws = Workspace.open(closed.root)
    assert ws.config.workspace.language == "zh-CN"
    with pytest.raises(CloseRefusedError) as refused:
        close_period(ws, "2026-08")
    assert str(refused.value).startswith(
        "2026-08 之后的 2026-09 已经发布：请用 --reclose-following 关账 2026-08")


def test_reclose_following_recloses_the_later_periods_in_order_chained(
        closed: Workspace, tmp_path: Path) -> None:
    old = _published(closed)
    # the default standard put 1 customer in key and 1 in growth in 2026-07 (⌊0.2·5⌋ = 1,
    # ⌊0.5·5⌋ = 2): had 2026-08 started from that close, the downgrade buffer would hold them
    july = published_tiers(closed, "2026-07")
    assert sorted(july["applied_tier"]) == ["basic", "basic", "basic", "growth", "key"]
    result = close_period(closed, "2026-07", standard_path=_all_basic(tmp_path),
                          reclose_following=True)
    assert [r.period for r in (result, *result.reclosed)] == ["2026-07", "2026-08", "2026-09"]
    for each in (result, *result.reclosed):
        assert each.tier_counts == {"strategic": 0, "core": 0, "key": 0, "growth": 0,
                                    "basic": 5}
        assert not each.unchanged
    assert result.migrations == {"new": 5}
    assert result.reclosed[0].migrations == {"same": 5}
    assert result.reclosed[1].migrations == {"same": 5}
    new = _published(closed)
    assert new == {r.period: r.run_id for r in (result, *result.reclosed)}
    assert all(new[p] != old[p] for p in old)
    august = published_tiers(closed, "2026-08")
    assert set(august["previous_tier"]) == {"basic"}
    assert set(august["previous_period"]) == {"2026-07"}
    assert set(august["hysteresis_reason"]) == {"same"}
    assert _leftovers(closed) == []


def test_a_later_period_that_fails_leaves_every_published_period_as_it_was(
        closed: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs, exports = _published(closed), _exports(closed)
    write = closing_module._write_results

    def failing_august(con, ws, period, *args):
        if period == "2026-08":
            raise OSError("disk full while writing 2026-08")
        return write(con, ws, period, *args)

    monkeypatch.setattr(closing_module, "_write_results", failing_august)
    with pytest.raises(OSError, match="disk full"):
        close_period(closed, "2026-07", standard_path=_all_basic(tmp_path),
                     reclose_following=True)
    assert _published(closed) == runs and _exports(closed) == exports
    assert _leftovers(closed) == []


def test_a_publish_failing_at_the_last_period_undoes_the_swaps_before_it(
        closed: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs, exports = _published(closed), _exports(closed)
    swap = publication_module._swap
    swapped: list[str] = []

    def failing_september(staged: Path, target: Path, backup: Path) -> None:
        if target.parent.name == "period=2026-09":
            raise OSError("disk full while swapping 2026-09")
        swapped.append(target.parent.name)
        swap(staged, target, backup)

    monkeypatch.setattr(publication_module, "_swap", failing_september)
    with pytest.raises(OSError, match="disk full"):
        close_period(closed, "2026-07", standard_path=_all_basic(tmp_path),
                     reclose_following=True)
    assert swapped == ["period=2026-07", "period=2026-08"]  # two swaps were undone
    assert _published(closed) == runs and _exports(closed) == exports
    assert _leftovers(closed) == []


def test_the_command_line_refuses_in_one_line_and_recloses_following(
        closed: Workspace) -> None:
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [*args, "--workspace", str(closed.root)])

    refused = run("close", "--period", "2026-08")
    assert refused.exit_code == CloseRefusedError.exit_code == 19
    assert refused.output.strip().splitlines() == [
        "error: 2026-09 after 2026-08 are already published: close 2026-08 with "
        "--reclose-following to close them again in order"]
    again = run("close", "--period", "2026-08", "--reclose-following")
    assert again.exit_code == 0, again.output
    assert [line.split(":")[0] for line in again.output.splitlines()
            if line.startswith("Closed")] == ["Closed 2026-08", "Closed 2026-09"]
    said = " ".join(again.output.split())  # the console wraps long lines
    assert said.count("identical to the run already published") == 2


# --- the standard's effective date -------------------------------------------------------------
def test_a_close_before_the_standard_is_effective_is_refused_naming_both_dates(
        loaded: Workspace, tmp_path: Path) -> None:
    later = _standard(tmp_path, {"effective_from: 2024-01-01": "effective_from: 2026-08-01"})
    with pytest.raises(CloseRefusedError) as refused:
        close_period(loaded, "2026-07", standard_path=later)
    assert str(refused.value).startswith(
        "standard branch-default 2026.1 is effective from 2026-08-01; period 2026-07 ends on "
        "2026-07-31, before it")
    assert _published(loaded) == {}
    # the first close of a workspace may be any loaded period: here the second one
    assert close_period(loaded, "2026-08", standard_path=later).customers == 5
    assert list(_published(loaded)) == ["2026-08"]


# --- closed and dormant customers ------------------------------------------------------------
@pytest.fixture
def c005_closed_in_august(tmp_path: Path) -> Workspace:
    """The sample bank over two periods; C005 (dormant in July) is closed in August."""
    ws = Workspace.init(tmp_path / "ws", language="en")
    for period in ("2026-07", "2026-08"):
        rows = sample_rows(period)
        if period == "2026-08":
            c005 = next(r for r in rows["customers"] if r["customer_id"] == "C005")
            c005["status"] = "closed"
        write_tables(tmp_path / "in" / period, rows)
        load_period(ws, period, tmp_path / "in" / period)
    return ws


def test_a_closed_customer_is_not_ranked_and_shows_as_exited(
        c005_closed_in_august: Workspace) -> None:
    ws = c005_closed_in_august
    july = close_period(ws, "2026-07")
    august = close_period(ws, "2026-08")
    assert july.customers == 5 and august.customers == 4
    assert sum(august.tier_counts.values()) == 4
    tiers = published_tiers(ws, "2026-08")
    assert list(tiers["customer_id"]) == ["C001", "C002", "C003", "C004"]
    assert sorted(tiers["rank"]) == [1, 2, 3, 4]  # ranked among four
    before = published_tiers(ws, "2026-07")
    c005_tier = before.loc[before["customer_id"] == "C005", "applied_tier"].item()
    matrix = migration_matrix(before, tiers, list(TIERS))
    assert matrix.exited_count == 1
    assert int(matrix.counts.loc[c005_tier, "exited"]) == 1
    with pytest.raises(NotFoundError, match="not in the close of 2026-08"):
        explain_customer(ws, "C005", "2026-08")


def test_dormant_customers_are_left_out_when_the_standard_lists_them(
        loaded: Workspace, tmp_path: Path) -> None:
    dormant = _standard(tmp_path, {"hysteresis:": "ranking:\n  exclude_status: [closed, "
                                                  "dormant]\n\nhysteresis:"})
    result = close_period(loaded, "2026-07", standard_path=dormant)
    assert result.customers == 4  # C005, the dormant restaurant, is left out
    assert "C005" not in set(published_tiers(loaded, "2026-07")["customer_id"])
