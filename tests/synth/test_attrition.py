"""Silent attrition in the synthetic bank: leavers stop transacting, drain their balances and
close, the truth is written beside the period folders, and the behaviour model finds them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corptier.contract.output import output_schema
from corptier.contract.schema import TABLES
from corptier.engine.snapshot import compute_indicators
from corptier.periods import Period
from corptier.services import load_period
from corptier.synth import SynthSummary, synthesize
from corptier.synth.bank import TRUTH_FILE, SynthError, check_parameters
from corptier.synth.customers import monthly_hazard
from corptier.tiering.behaviour import NEEDED, BehaviourRules, add_behaviour_state, fit_attrition
from corptier.workspace import Workspace

START = "2024-12"


@pytest.fixture(scope="module")
def leaving(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """400 customers over 10 months with a high attrition, so that many leave."""
    return synthesize(tmp_path_factory.mktemp("leaving") / "out", 400, 10, seed=3, start=START,
                      attrition=0.4, txn_per_customer=30)


@pytest.fixture(scope="module")
def db(leaving: SynthSummary) -> duckdb.DuckDBPyConnection:
    """DuckDB views over every table of every month (with `period`) and the truth."""
    con = duckdb.connect()
    for name in ("customers", "balances", "transactions", "loans", "facilities", "accounts"):
        con.execute(f"CREATE VIEW {name} AS SELECT *, regexp_extract(filename, "
                    f"'(\\d{{4}}-\\d{{2}})', 1) AS period FROM read_parquet("
                    f"'{leaving.out}/*/{name}.parquet', filename = true)")
    con.execute(f"CREATE VIEW truth AS SELECT * FROM '{leaving.out / TRUTH_FILE}'")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_the_truth_lists_every_customer_and_the_leavers_drain_two_to_four_months(db) -> None:
    customers, leavers, in_range, short, long = _one(db, """
        SELECT count(*), count(*) FILTER (WHERE leaves),
               count(*) FILTER (WHERE leaves AND drain_start BETWEEN '2024-12' AND '2025-09'),
               min(date_diff('month', CAST(drain_start || '-01' AS DATE),
                              CAST(closed || '-01' AS DATE))),
               max(date_diff('month', CAST(drain_start || '-01' AS DATE),
                              CAST(closed || '-01' AS DATE)))
        FROM truth""")
    assert customers == 400
    assert leavers == in_range > 40  # 0.4 a year over 10 months: about a quarter of 400
    assert (short, long) == (2, 4)
    (odd,) = _one(db, "SELECT count(*) FROM truth WHERE NOT leaves AND "
                      "(drain_start IS NOT NULL OR closed IS NOT NULL)")
    assert odd == 0


def test_leavers_close_in_their_month_and_nobody_else_closes(db) -> None:
    (mismatch,) = _one(db, """
        SELECT count(*) FROM customers c JOIN truth t USING (customer_id)
        WHERE (c.status = 'closed') <> coalesce(t.leaves AND c.period = t.closed, false)""")
    assert mismatch == 0
    (after,) = _one(db, """SELECT count(*) FROM customers c JOIN truth t USING (customer_id)
                           WHERE t.leaves AND c.period > t.closed""")
    assert after == 0
    (closed,) = _one(db, "SELECT count(*) FROM truth WHERE leaves AND closed <= '2025-09'")
    (listed,) = _one(db, "SELECT count(*) FROM customers WHERE status = 'closed'")
    assert listed == closed > 20


def test_transactions_stop_half_way_and_balances_drain_to_zero(db) -> None:
    # a drain of L months: transactions in drain month m at 1 - 2(m + 1/2)/L of the usual rate,
    # so none from month ceil(L/2) on, in particular none in the month before the close and
    # none in the closing month itself
    (late,) = _one(db, """
        SELECT count(*) FROM transactions x JOIN truth t USING (customer_id)
        WHERE t.leaves AND x.period >= strftime(CAST(t.closed || '-01' AS DATE)
                                                - INTERVAL 1 MONTH, '%Y-%m')""")
    assert late == 0
    before, last = _one(db, """
        WITH d AS (SELECT 'C' || substr(account_id, 2, 10) AS customer_id, period,
                          sum(avg_daily_balance) AS dep, sum(month_end_balance) AS month_end
                   FROM balances GROUP BY 1, 2)
        SELECT sum(b.dep), sum(e.dep) FROM truth t
        JOIN d b ON b.customer_id = t.customer_id AND b.period = strftime(
            CAST(t.drain_start || '-01' AS DATE) - INTERVAL 1 MONTH, '%Y-%m')
        JOIN d e ON e.customer_id = t.customer_id AND e.period = strftime(
            CAST(t.closed || '-01' AS DATE) - INTERVAL 1 MONTH, '%Y-%m')
        WHERE t.leaves""")
    # the month before the close holds 1/(L+1) of the level: a third to a fifth, and noise
    assert float(last) < 0.4 * float(before)
    (left,) = _one(db, """SELECT coalesce(sum(month_end_balance), 0) FROM balances b
                          JOIN truth t ON t.customer_id = 'C' || substr(b.account_id, 2, 10)
                          WHERE t.leaves AND b.period = t.closed""")
    assert float(left) == 0.0
    (still_open,) = _one(db, """SELECT count(*) FROM accounts a JOIN truth t USING (customer_id)
                                WHERE t.leaves AND a.period = t.closed AND a.closed_on IS NULL""")
    assert still_open == 0


def test_leavers_repay_their_loans_early_and_their_facilities_end(db) -> None:
    # loans: repaid on the 15th of the first drain month, so nothing outstanding at that month
    # end and no loan listed afterwards; facilities are not renewed once the drain starts
    (outstanding,) = _one(db, """SELECT count(*) FROM loans l JOIN truth t USING (customer_id)
                                 WHERE t.leaves AND l.period >= t.drain_start
                                   AND (l.balance > 0 OR l.period > t.drain_start)""")
    assert outstanding == 0
    (borrowers,) = _one(db, """SELECT count(DISTINCT customer_id) FROM loans l
                               JOIN truth t USING (customer_id)
                               WHERE t.leaves AND l.period = t.drain_start""")
    assert borrowers > 0  # leavers with loans exist, and they are repaid
    (payoffs,) = _one(db, """
        SELECT count(*) FROM transactions x JOIN truth t USING (customer_id)
        WHERE t.leaves AND x.period = t.drain_start AND x.txn_type = 'loan_repayment'
          AND day(x.txn_date) = 14""")
    assert payoffs > 0
    (facilities,) = _one(db, """
        SELECT count(*) FROM facilities f JOIN truth t USING (customer_id)
        WHERE t.leaves AND (f.period >= t.drain_start
                            OR f.maturity_date >= CAST(t.closed || '-01' AS DATE)
                               + INTERVAL 1 MONTH)""")
    assert facilities == 0


def test_the_annual_share_sets_the_monthly_hazard() -> None:
    # 1 - (1 - 0.03)^(1/12) = 0.0025350...; twelve months of it leave 3 %
    assert monthly_hazard(0.03) == pytest.approx(0.0025350, abs=1e-7)
    assert 1 - (1 - monthly_hazard(0.03)) ** 12 == pytest.approx(0.03)
    assert monthly_hazard(0.0) == 0.0


@pytest.mark.parametrize("attrition", [-0.01, 1.0, 1.5, True, "0.03"])
def test_an_attrition_outside_0_to_1_is_refused(attrition: object) -> None:
    with pytest.raises(SynthError, match="attrition"):
        check_parameters(10, 2, 1, "parquet", START, 100.0, attrition)  # type: ignore[arg-type]


def test_no_attrition_means_no_leaver(tmp_path: Path) -> None:
    synthesize(tmp_path / "out", 300, 6, seed=3, attrition=0.0)
    truth = pq.read_table(tmp_path / "out" / TRUTH_FILE)
    assert truth.num_rows == 300
    assert not any(truth.column("leaves").to_pylist())


def test_load_ignores_the_truth(tmp_path: Path) -> None:
    synthesize(tmp_path / "out", 40, 1, seed=3, start="2025-01")
    assert "_truth" not in TABLES
    folder = tmp_path / "out" / "2025-01"
    shutil.copyfile(tmp_path / "out" / TRUTH_FILE, folder / TRUTH_FILE)  # even beside tables
    ws = Workspace.init(tmp_path / "ws", language="en")
    report = load_period(ws, "2025-01", folder)
    assert f"file {TRUTH_FILE} is not a contract table; ignored" in report.warnings
    assert report.tables["customers"].accepted == 40
    assert not list((tmp_path / "ws").rglob("*truth*"))


# --- the behaviour model against the truth ---------------------------------------------------


def _stage(summary: SynthSummary, ws: Workspace) -> None:
    """Write the synthetic files straight into the workspace's partitions (the loader's
    layout; the derived customer columns are not needed by the behaviour indicators)."""
    for period in summary.periods:
        for name, spec in TABLES.items():
            table = pq.read_table(summary.out / period / f"{name}.parquet")
            schema = output_schema(spec)
            for field in schema:
                if field.name not in table.column_names:
                    fill = (pa.nulls(table.num_rows, field.type) if field.nullable
                            else pa.array(["unclassified"] * table.num_rows, field.type))
                    table = table.append_column(field, fill)
            folder = ws.partition_dir(name, period)
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(table.select(schema.names).cast(schema), folder / "part-0.parquet")


def roc_auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann-Whitney: the chance that a positive scores above a negative (ties count half)."""
    scores = np.concatenate([positive, negative])
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tie = scores == value
        ranks[tie] = ranks[tie].mean()
    n, m = len(positive), len(negative)
    return float((ranks[:n].sum() - n * (n + 1) / 2) / (n * m))


def test_roc_auc_by_hand() -> None:
    # pairs (pos, neg): (3,1) (3,2) (3,2) win, (2,1) wins, (2,2) (2,2) tie: (4 + 1) / 6
    assert roc_auc(np.array([3.0, 2.0]), np.array([1.0, 2.0, 2.0])) == pytest.approx(5 / 6)
    assert roc_auc(np.array([1.0]), np.array([2.0])) == 0.0


EVALUATED = ("2025-10", "2025-11", "2025-12")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, np.ndarray]]:
    """A 2,000-customer bank over 13 months (Dec 2024 .. Dec 2025, attrition 10 % a year so
    that enough leavers are caught in their last months); for each of the last three months
    the engine's indicators, the BG/NBD fit, P(alive) and the behaviour state of every
    customer listed as not closed, with the truth beside it."""
    root = tmp_path_factory.mktemp("truth")
    summary = synthesize(root / "in", 2000, 13, seed=5, start=START, attrition=0.1)
    ws = Workspace.init(root / "ws", language="en")
    _stage(summary, ws)
    truth = pq.read_table(root / "in" / TRUTH_FILE).to_pandas().set_index("customer_id")
    # the fits have a in the hundreds and b in the millions (one dropout chance of about 1e-4
    # per active week for all), which the default rules accept
    rules = BehaviourRules()
    out = []
    for period in EVALUATED:
        path = compute_indicators(ws, period).customer_path
        indicators = pq.read_table(path, columns=[*NEEDED, "status"])
        x, t_x, big_t = (indicators[c].to_numpy(zero_copy_only=False).astype(float)
                         for c in ("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
        fit = fit_attrition(x, t_x, big_t, rules)
        assert fit is not None and fit.usable
        states = add_behaviour_state(ibis.memtable(indicators), rules, fit).to_pyarrow()
        alive = states.column("p_alive").to_numpy(zero_copy_only=False).astype(float)
        t = truth.loc[states.column("customer_id").to_pylist()]
        before_close = np.array([str(Period(c).shift(-1)) if isinstance(c, str) else ""
                                 for c in t.closed])
        out.append({
            "listed": states.column("status").to_numpy(zero_copy_only=False) != "closed",
            "alive": alive,
            "state": states.column("behaviour_state").to_numpy(zero_copy_only=False),
            "draining": (t.leaves & (t.drain_start.fillna("9999-12") <= period)).to_numpy(),
            "last_month": before_close == period,
        })
    return out


def test_p_alive_separates_leavers_from_the_rest(scored) -> None:
    """1 − P(alive) ranks leavers in their last month before the close above the customers
    who are not leaving (measured: 1.00), and leavers in any month of their drain too
    (measured: 0.79)."""
    leavers, rest = [], []
    for s in scored:
        risk = 1.0 - s["alive"]
        known = s["listed"] & np.isfinite(risk)
        leavers.append(risk[known & s["last_month"]])
        rest.append(risk[known & ~s["draining"]])
    pos, neg = np.concatenate(leavers), np.concatenate(rest)
    drain = [1.0 - s["alive"][s["listed"] & s["draining"] & np.isfinite(s["alive"])]
             for s in scored]
    assert len(pos) >= 20
    assert roc_auc(pos, neg) >= 0.95
    assert roc_auc(np.concatenate(drain), neg) >= 0.75


def test_behaviour_states_catch_most_leavers_before_they_close(scored) -> None:
    """In their last month before the close most leavers are dormant or declining (measured:
    43 of 54, against 7 % of the customer-months of the others)."""
    caught = total = 0
    for s in scored:
        last = s["listed"] & s["last_month"]
        total += int(last.sum())
        caught += int(np.isin(s["state"][last], ("dormant", "declining")).sum())
    assert total >= 20 and caught > 0.5 * total
