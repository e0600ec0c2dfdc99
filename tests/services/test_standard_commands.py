"""`corptier standard suggest|compare|backtest` on a synthetic branch: 300 customers, 4 months."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from corptier.cli import app
from corptier.engine import connect, read_snapshot
from corptier.errors import NotFoundError, ParameterError, PeriodError, StandardError
from corptier.evaluation.movers import indicator_score_points
from corptier.periods import Period
from corptier.services import (
    backtest_standard,
    close_period,
    compare_standards,
    load_period,
    suggest_standard,
)
from corptier.services._scoring import scored_frame
from corptier.services.calibration import parse_shares
from corptier.store.models import PublishedPeriod, TierRun
from corptier.synth import synthesize
from corptier.tiering import load_standard
from corptier.workspace import Workspace

PERIODS = ("2025-01", "2025-02", "2025-03", "2025-04")
LAST = PERIODS[-1]
runner = CliRunner()


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("standard_commands")
    summary = synthesize(root / "incoming", customers=300, months=4, seed=3)
    assert tuple(summary.periods) == PERIODS
    ws = Workspace.init(root / "ws", language="en")
    for period in PERIODS:
        load_period(ws, period, root / "incoming" / period)
    return ws


@pytest.fixture(scope="module")
def default_path(branch: Workspace) -> Path:
    return branch.standards_dir / "default.yaml"


@pytest.fixture(scope="module")
def value_heavy(branch: Workspace, default_path: Path) -> Path:
    """The default standard with value weighted 0.7 instead of 0.5."""
    doc = yaml.safe_load(default_path.read_text(encoding="utf-8"))
    for code, weight in {"value": 0.7, "needs": 0.1, "behaviour": 0.1, "risk": 0.1}.items():
        doc["dimensions"][code]["weight"] = weight
    doc["version"] = "2026.1-value"
    path = branch.root / "value_heavy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _invoke(ws: Workspace, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["standard", *args, "--workspace", str(ws.root)])
    return result.exit_code, result.output


def _customers(ws: Workspace, period: str) -> int:
    return read_snapshot(ws, period).num_rows


def _ranked(ws: Workspace, period: str) -> int:
    """The customers a close ranks: the snapshot's, less those whose status is closed."""
    return sum(s != "closed" for s in read_snapshot(ws, period).column("status").to_pylist())


# --- suggest ---------------------------------------------------------------------------------
def test_pyramid_gives_the_requested_shares_within_one_customer(branch: Workspace) -> None:
    shares = parse_shares("2,8,20,30,40")
    result = suggest_standard(branch, LAST, "pyramid", shares=shares)
    s = result.suggestion
    n = _ranked(branch, LAST)  # closed customers are not ranked
    assert s.n == s.sample_size == n and int(s.counts.sum()) == n
    cumulative, target = 0, 0.0
    for count, share in zip(s.counts, shares, strict=True):
        cumulative, target = cumulative + int(count), target + share
        assert abs(cumulative - target * n) <= 1
    assert s.contribution_share is not None
    assert s.contribution_share.sum() == pytest.approx(1.0)
    assert list(s.cutoffs) == sorted(s.cutoffs, reverse=True)
    block = result.cutoffs_block()
    assert block is not None and list(block["points"]) == ["strategic", "core", "key", "growth"]


def test_suggest_gives_each_size_ladder_its_own_cut_offs(branch: Workspace,
                                                         default_path: Path) -> None:
    doc = yaml.safe_load(default_path.read_text(encoding="utf-8"))
    micro = {"strategic": 0.1, "core": 0.1, "key": 0.2, "growth": 0.3, "basic": 0.3}
    doc["cutoffs"].update(by="enterprise_size", ladders={"micro": {"shares": micro}})
    path = branch.root / "ladders.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = suggest_standard(branch, LAST, "pyramid", standard_path=path)
    sizes = read_snapshot(branch, LAST).select(["enterprise_size", "status"]).to_pylist()
    expected: dict[str, int] = {}
    for row in sizes:
        if row["status"] != "closed":
            ladder = row["enterprise_size"] or "other"
            expected[ladder] = expected.get(ladder, 0) + 1
    assert {code: s.n for code, s in result.ladders.items()} == expected, expected
    assert "micro" in result.ladders
    own = result.ladders["micro"]
    assert own.target_shares == pytest.approx(list(micro.values()))
    n, cumulative, target = own.n, 0, 0.0
    for count, share in zip(own.counts, micro.values(), strict=True):
        cumulative, target = cumulative + int(count), target + share
        assert abs(cumulative - target * n) <= 1  # ties may pull one customer up
    block = result.cutoffs_block()
    assert block is not None and block["by"] == "enterprise_size"
    assert "micro" in block["ladders"] and set(block["ladders"]) <= set(expected)
    assert list(block["ladders"]["micro"]["points"]) == ["strategic", "core", "key", "growth"]
    doc = result.to_dict()
    assert sum(ladder["customers"] for ladder in doc["ladders"].values()) == doc["customers"]
    code, out = _invoke(branch, "suggest", "-p", LAST, "--method", "pyramid", "--standard",
                        str(path))
    assert code == 0, out
    assert f"Cut-offs in ladder micro ({own.n:,} customers)" in out


@pytest.mark.parametrize("method", ["quantile", "jenks", "kmeans"])
def test_suggest_cli_json_counts_every_customer(branch: Workspace, method: str) -> None:
    code, out = _invoke(branch, "suggest", "--period", LAST, "--method", method, "--json")
    assert code == 0, out
    doc = json.loads(out)
    n = _ranked(branch, LAST)  # closed customers are not ranked
    assert doc["customers"] == n and doc["sample_size"] == n  # 300 < 20,000: no sampling
    assert sum(t["customers"] for t in doc["tiers"]) == n
    assert [t["tier"] for t in doc["tiers"]] == ["strategic", "core", "key", "growth", "basic"]
    assert doc["cutoffs"] == sorted(doc["cutoffs"], reverse=True)
    if method == "quantile":  # the default standard's own pyramid shares
        assert doc["target_shares"] == pytest.approx([0.01, 0.04, 0.15, 0.30, 0.50])


def test_suggest_prints_a_table_and_a_cutoffs_block(branch: Workspace) -> None:
    code, out = _invoke(branch, "suggest", "-p", LAST, "--method", "pyramid",
                        "--shares", "2,8,20,30,40")
    assert code == 0, out
    assert "contribution share" in out and "strategic" in out
    assert "method: absolute" in out


@pytest.mark.parametrize(("args", "exit_code", "words"), [
    (["--method", "pyramid", "--shares", "50,50"], ParameterError.exit_code, "one share per tier"),
    (["--method", "jenks", "--shares", "2,8,20,30,40"], ParameterError.exit_code,
     "apply to the quantile"),
    (["--method", "pyramid", "--shares", "2,8,20,30"], ParameterError.exit_code, "add up to 100"),
    (["--method", "median"], ParameterError.exit_code, "must be one of"),
])
def test_suggest_rejects_bad_parameters(branch: Workspace, args: list[str], exit_code: int,
                                        words: str) -> None:
    code, out = _invoke(branch, "suggest", "-p", LAST, *args)
    assert code == exit_code
    assert words in " ".join(out.split())


def test_suggest_names_a_period_that_is_not_loaded(branch: Workspace) -> None:
    code, out = _invoke(branch, "suggest", "-p", "2030-01")
    assert code == NotFoundError.exit_code and "not loaded" in out


# --- compare ---------------------------------------------------------------------------------
def test_a_standard_compared_with_itself_changes_nothing(branch: Workspace, default_path: Path,
                                                          tmp_path: Path) -> None:
    out_csv = tmp_path / "changes.csv"
    code, out = _invoke(branch, "compare", str(default_path), str(default_path), "-p", LAST,
                        "--json", "--out", str(out_csv))
    assert code == 0, out
    doc = json.loads(out)
    n = _ranked(branch, LAST)  # closed customers are not ranked
    assert doc["customers"] == n and doc["changed"] == 0 and doc["changes"] == []
    assert [t["a"] for t in doc["tier_counts"]] == [t["b"] for t in doc["tier_counts"]]
    assert sum(t["a"] for t in doc["tier_counts"]) == n
    matrix = doc["migration"]["counts"]
    off_diagonal = sum(v for r, row in matrix.items() for c, v in row.items() if r != c)
    assert off_diagonal == 0 and doc["migration"]["diagonal_share"] == 1.0
    rows = list(csv.reader(out_csv.open(encoding="utf-8-sig")))
    assert rows[0][:5] == ["customer_id", "name", "tier_a", "tier_b", "direction"]
    assert len(rows) == 1


def test_changed_weights_move_customers_with_a_moving_indicator(
    branch: Workspace, default_path: Path, value_heavy: Path, tmp_path: Path
) -> None:
    result = compare_standards(branch, default_path, value_heavy, LAST)
    c, changes = result.comparison, result.changes
    n = _ranked(branch, LAST)  # closed customers are not ranked
    assert int(c.counts["a"].sum()) == int(c.counts["b"].sum()) == n
    tiers = list(c.tier_order)
    moved = c.matrix.counts.loc[tiers, tiers].to_numpy()
    assert len(changes) > 0 and moved.sum() - moved.trace() == len(changes)
    assert (changes["tier_a"] != changes["tier_b"]).all()
    used = set(load_standard(default_path).indicators_used())
    with_mover = changes.dropna(subset=["mover"])
    assert len(with_mover) > 0 and set(with_mover["mover"]) <= used
    sign = with_mover["direction"].map({"up": 1, "down": -1})
    assert (with_mover["mover_delta"] * sign > 0).all()
    assert c.contribution_share["a"].sum() == pytest.approx(1.0)

    out_csv = tmp_path / "changes.csv"
    code, out = _invoke(branch, "compare", str(default_path), str(value_heavy), "-p", LAST,
                        "--out", str(out_csv))
    assert code == 0, out
    assert "Migration A → B" in out and f"Wrote {len(changes)} changed customers" in out
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8-sig")))
    assert {r["customer_id"] for r in rows} == set(changes["customer_id"])


def test_compare_refuses_standards_with_different_tiers(branch: Workspace, default_path: Path,
                                                       tmp_path: Path) -> None:
    four = tmp_path / "renamed.yaml"  # the last tier renamed: another ladder
    four.write_text(default_path.read_text(encoding="utf-8").replace("basic", "entry"),
                    encoding="utf-8")
    code, out = _invoke(branch, "compare", str(default_path), str(four), "-p", LAST)
    assert code == StandardError.exit_code and "same tier ladder" in " ".join(out.split())


def test_indicator_points_add_up_to_the_score(branch: Workspace, default_path: Path) -> None:
    standard = load_standard(default_path)
    with connect(branch) as con:
        frame = scored_frame(con, branch, Period(LAST), standard)
    points = indicator_score_points(frame, standard)
    assert points.sum(axis=1).to_numpy() == pytest.approx(frame["score"].to_numpy(), abs=1e-3)


# --- backtest --------------------------------------------------------------------------------
def _publications(ws: Workspace) -> tuple[int, int]:
    with ws.db.connect() as conn:
        return (conn.scalar(sa.select(sa.func.count()).select_from(PublishedPeriod)),
                conn.scalar(sa.select(sa.func.count()).select_from(TierRun)))


def test_backtest_chains_hysteresis_and_publishes_nothing(branch: Workspace,
                                                          value_heavy: Path) -> None:
    snapshot = branch.partition_dir("indicators_customer", PERIODS[1]) / "part-0.parquet"
    snapshot.unlink(missing_ok=True)
    before = _publications(branch)
    result = backtest_standard(branch, value_heavy, PERIODS[0], LAST)
    assert _publications(branch) == before
    assert PERIODS[1] in result.computed_snapshots and snapshot.is_file()
    assert result.periods == PERIODS
    steps = result.backtest.stability.steps
    assert list(zip(steps["period_from"], steps["period_to"], strict=True)) == list(
        itertools.pairwise(PERIODS))
    assert steps["diagonal_share"].between(0, 1).all()
    psi = result.psi_table()
    assert list(psi["period"]) == list(PERIODS)
    first = psi.iloc[0]
    assert first["psi"] == 0.0 and first["bins"] == 10
    assert first["n_ref"] == first["n_cur"] == _customers(branch, PERIODS[0])
    assert list(result.backtest.concentration) == list(PERIODS)
    exits = result.backtest.stability.exit_rate_by_tier
    assert int(exits["customers"].sum()) == sum(_ranked(branch, p) for p in PERIODS[:-1])
    history = result.history
    codes = load_standard(value_heavy).tier_codes
    rank = {c: i for i, c in enumerate(codes)}
    assert (history["applied_tier"].map(rank) <= history["computed_tier"].map(rank)).all()
    assert set(history.loc[history["period"] == PERIODS[0], "hysteresis_reason"]) == {"new"}
    assert (result.backtest.stability.flapping.changes
            <= result.computed_flapping.changes)


def test_backtest_cli_json(branch: Workspace, default_path: Path) -> None:
    result = runner.invoke(app, ["standard", "backtest", str(default_path), "--from", PERIODS[0],
                                 "--to", LAST, "--json", "--workspace", str(branch.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # progress lines go to stderr, the document alone to stdout
    assert doc["periods"] == list(PERIODS) and len(doc["stability"]) == len(PERIODS) - 1
    assert doc["psi"][0] == {"period": PERIODS[0], "psi": 0.0, "verdict": "stable", "bins": 10,
                             "n_ref": doc["customers"][PERIODS[0]],
                             "n_cur": doc["customers"][PERIODS[0]]}
    assert {"gini", "top_1%", "top_5%", "top_20%"} <= set(doc["concentration"][0])
    assert [r["tier"] for r in doc["exit_rate_by_tier"]] == load_standard(
        default_path).tier_codes
    assert 0 <= doc["flapping"]["rate"] <= 1


def test_backtest_cli_table_and_period_errors(branch: Workspace, default_path: Path) -> None:
    code, out = _invoke(branch, "backtest", str(default_path), "--from", PERIODS[0],
                        "--to", PERIODS[1])
    assert code == 0, out
    assert "Stability of the applied tiers" in out and "Score PSI" in out
    assert "Next-period exit rate by tier" in out
    code, out = _invoke(branch, "backtest", str(default_path), "--from", LAST, "--to",
                        PERIODS[0])
    assert code == PeriodError.exit_code and "after the end period" in out
    code, out = _invoke(branch, "backtest", str(default_path), "--from", LAST, "--to",
                        "2025-06")
    assert code == NotFoundError.exit_code and "2025-05" in out


def test_backtest_tiers_equal_what_the_close_publishes(branch: Workspace,
                                                       default_path: Path) -> None:
    """The backtest applies the close's own rule: closing the same periods gives the same
    tiers (no overrides exist here)."""
    result = backtest_standard(branch, default_path, PERIODS[0], PERIODS[1])
    for period in PERIODS[:2]:
        close_period(branch, period, standard_path=default_path)
        published = read_tiers(branch, period)
        backtested = result.history[result.history["period"] == period]
        assert dict(zip(backtested["customer_id"], backtested["applied_tier"],
                        strict=True)) == published


def read_tiers(ws: Workspace, period: str) -> dict[str, str]:
    import pyarrow.parquet as pq

    table = pq.read_table(ws.partition_dir("tiers", period) / "part-0.parquet")
    rows = table.select(["customer_id", "applied_tier"]).to_pylist()
    return {r["customer_id"]: r["applied_tier"] for r in rows}
