"""The synthetic branch looks like a corporate book: concentration, groups, attrition, risk."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from corptier.reference import classify_enterprise_size_frame
from corptier.synth import SynthSummary


@pytest.fixture(scope="module")
def db(year_bank: SynthSummary) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    for table in ("customers", "accounts", "balances", "transactions", "loans", "facilities",
                  "fee_income"):
        con.execute(
            f"CREATE VIEW {table} AS SELECT *, parse_dirpath(filename)[-7:] AS period "
            f"FROM read_parquet('{year_bank.out}/*/{table}.parquet', filename = true)"
        )
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return rows(con, sql)[0]


def test_top_decile_holds_most_deposits(db) -> None:
    (share,) = one(db, """
        WITH d AS (SELECT substr(account_id, 2, 10) AS c, sum(avg_daily_balance) AS dep
                   FROM balances WHERE period = '2025-06' GROUP BY 1),
             r AS (SELECT dep, row_number() OVER (ORDER BY dep DESC) AS rk,
                          count(*) OVER () AS n FROM d)
        SELECT sum(dep) FILTER (WHERE rk <= n / 10) / sum(dep) FROM r""")
    assert share > 0.5


def test_industry_mix_is_weighted_to_industry_and_public_services(db) -> None:
    mix = dict(rows(db, "SELECT industry_code[1], count(*) FROM customers "
                      "WHERE period = '2025-06' GROUP BY 1"))
    assert max(mix, key=mix.get) == "C"
    assert {"D", "E", "F", "G", "N", "S", "P", "Q"} <= set(mix)
    assert mix["C"] + mix["D"] + mix["E"] + mix["F"] + mix["G"] > 0.5 * sum(mix.values())


def test_sizes_span_the_sme_classes(db) -> None:
    frame = db.execute("""SELECT industry_code, CAST(employees AS DOUBLE) AS employees,
                             CAST(annual_revenue AS DOUBLE) / 1e4 AS revenue_wan,
                             CAST(total_assets AS DOUBLE) / 1e4 AS assets_wan
                      FROM customers WHERE period = '2025-06'""").df()
    sizes = classify_enterprise_size_frame(frame)["size"].value_counts()
    assert {"large", "medium", "small", "micro", "unclassified"} <= set(sizes.index)
    assert sizes["micro"] + sizes["small"] > sizes["medium"] + sizes["large"]


def test_groups_have_parents_and_subsidiaries_on_several_levels(db) -> None:
    members, groups = one(db, "SELECT count(*), count(DISTINCT group_id) FROM customers "
                              "WHERE period = '2025-06' AND group_id IS NOT NULL")
    (customers,) = one(db, "SELECT count(*) FROM customers WHERE period = '2025-06'")
    assert groups >= 5 and 0.01 < members / customers < 0.1
    (deep,) = one(db, """SELECT count(*) FROM customers x JOIN customers y
                         ON x.parent_id = y.customer_id AND x.period = y.period
                         WHERE y.parent_id IS NOT NULL AND x.period = '2025-06'""")
    assert deep > 0


def test_silent_leavers_drain_their_deposits_while_still_active(db) -> None:
    """A customer closed in month e held less than half its deposits of month e - 5 (before
    its drain of at most four months) in month e - 1, when it was still listed as active."""
    leavers, drained = one(db, """
        WITH m AS (SELECT substr(account_id, 2, 10) AS c, period, sum(avg_daily_balance) AS dep
                   FROM balances GROUP BY 1, 2),
             e AS (SELECT substr(customer_id, 2, 10) AS c, period,
                          strftime(CAST(period || '-01' AS DATE) - INTERVAL 1 MONTH, '%Y-%m')
                              AS before,
                          strftime(CAST(period || '-01' AS DATE) - INTERVAL 5 MONTH, '%Y-%m')
                              AS early
                   FROM customers WHERE status = 'closed' AND period >= '2025-05')
        SELECT count(*), count(*) FILTER (WHERE b.dep < 0.5 * x.dep)
        FROM e JOIN m b ON b.c = e.c AND b.period = e.before
               JOIN m x ON x.c = e.c AND x.period = e.early
               JOIN customers k ON k.customer_id = 'C' || e.c AND k.period = e.before
        WHERE k.status = 'active'""")
    assert leavers >= 10 and drained >= 0.9 * leavers


def test_customers_arrive_and_exit(db) -> None:
    counts = rows(db, "SELECT period, count(*) FROM customers GROUP BY 1 ORDER BY 1")
    assert counts[-1][1] > counts[0][1]
    (reappear,) = one(db, """SELECT count(*) FROM customers a JOIN customers b
                             ON a.customer_id = b.customer_id AND b.period > a.period
                             WHERE a.status = 'closed'""")
    (closed,) = one(db, "SELECT count(*) FROM customers WHERE status = 'closed'")
    assert closed > 0 and reappear == 0
    (late,) = one(db, "SELECT count(*) FROM customers WHERE onboarded_on >= DATE '2025-01-01'")
    assert late > 0


def test_seasonality_of_balances_and_transactions(db) -> None:
    ends = dict(rows(db, "SELECT period, sum(month_end_balance) / sum(avg_daily_balance) "
                       "FROM balances GROUP BY 1"))
    assert ends["2025-12"] > ends["2025-11"] and ends["2025-06"] > ends["2025-05"]
    per = dict(rows(db, "SELECT period, count(*) / count(DISTINCT customer_id) "
                      "FROM transactions GROUP BY 1"))
    assert per["2025-01"] < per["2025-03"]  # Chinese New Year fell on 29 January 2025
    assert 70 < sum(per.values()) / len(per) < 130


def test_transaction_volume_is_heavy_tailed(db) -> None:
    median, p99 = one(db, """SELECT median(n), quantile_cont(n, 0.99) FROM
                             (SELECT customer_id, count(*) AS n FROM transactions
                              WHERE period = '2025-06' GROUP BY 1)""")
    assert 10 <= median <= 80 and p99 > 500


def test_e_banking_share_rises_with_size(db) -> None:
    frame = db.execute("""
        WITH s AS (SELECT customer_id, avg((channel IN ('online', 'mobile', 'host_to_host'))::INT)
                          AS e, count(*) AS n FROM transactions WHERE period = '2025-06' GROUP BY 1)
        SELECT s.e, CAST(k.annual_revenue AS DOUBLE) AS revenue FROM s JOIN customers k
        ON k.customer_id = s.customer_id AND k.period = '2025-06'
        WHERE k.annual_revenue IS NOT NULL AND s.n >= 5""").df()
    top = frame[frame.revenue >= frame.revenue.quantile(0.9)].e.mean()
    bottom = frame[frame.revenue <= frame.revenue.median()].e.mean()
    assert top > bottom + 0.05


def test_counterparties_at_this_and_other_banks(db) -> None:
    banks = dict(rows(db, "SELECT counterparty_bank, count(*) FROM transactions "
                        "WHERE txn_type = 'trade_settlement' GROUP BY 1"))
    assert banks["XB"] > 0 and len(banks) > 5
    (ours,) = one(db, """SELECT count(*) FROM transactions t JOIN customers k
                         ON k.customer_id = t.counterparty AND k.period = t.period""")
    assert ours > 0


def test_loans_classification_follows_days_overdue(db) -> None:
    found = rows(db, "SELECT classification, min(days_overdue), max(days_overdue) FROM loans "
                     "GROUP BY 1")
    bounds = {k: (lo, hi) for k, lo, hi in found}
    assert bounds["正常"] == (0, 0)
    assert bounds["关注"][1] <= 90
    assert {"次级", "可疑", "损失"} & set(bounds)
    for klass, low in (("次级", 91), ("可疑", 181), ("损失", 361)):
        if klass in bounds:
            assert bounds[klass][0] >= low


def test_loan_rates_sit_around_the_lpr_by_rating(db) -> None:
    frame: pd.DataFrame = db.execute("""
        SELECT k.rating, avg(CAST(l.client_rate AS DOUBLE)) AS r FROM loans l
        JOIN customers k ON k.customer_id = l.customer_id AND k.period = l.period
        WHERE l.product_code = 'WCL' AND k.rating IN ('AA', 'BBB', 'BB') GROUP BY 1""").df()
    rate = dict(zip(frame.rating, frame.r, strict=True))
    assert 0.02 < rate["AA"] < rate["BBB"] < rate["BB"] < 0.06


def test_fee_income_by_category(db) -> None:
    categories = {r[0] for r in rows(db, "SELECT DISTINCT category FROM fee_income")}
    assert {"settlement", "trade", "payroll", "ebanking", "cash_management"} <= categories
    (refunds,) = one(db, "SELECT count(*) FROM fee_income WHERE amount < 0")
    assert refunds > 0


def test_trade_finance_clients_have_off_balance_facilities(db) -> None:
    kinds = dict(rows(db, "SELECT kind, count(*) FROM facilities GROUP BY 1"))
    assert set(kinds) == {"bank_acceptance", "letter_of_credit", "letter_of_guarantee",
                          "undrawn_commitment"}
    # every BA / LC / LG belongs to a holder of the matching trade product that month
    (orphans,) = one(db, """
        SELECT count(*) FROM facilities f WHERE f.kind <> 'undrawn_commitment' AND NOT EXISTS (
          SELECT 1 FROM accounts a WHERE a.customer_id = f.customer_id AND a.period = f.period
          AND a.product_code = CASE f.kind WHEN 'bank_acceptance' THEN 'BA'
                                           WHEN 'letter_of_credit' THEN 'LC' ELSE 'LG' END)""")
    assert orphans == 0
    # margins never exceed the amount; acceptances carry 30-100 % margin, commitments none
    (bad,) = one(db, "SELECT count(*) FROM facilities WHERE margin_deposit > amount")
    assert bad == 0
    lo, hi = one(db, "SELECT min(margin_deposit / amount), max(margin_deposit / amount) "
                     "FROM facilities WHERE kind = 'bank_acceptance'")
    assert lo > 0.29 and hi <= 1.0
    (with_margin,) = one(db, "SELECT count(margin_deposit) FROM facilities "
                             "WHERE kind = 'undrawn_commitment'")
    assert with_margin == 0
    (late,) = one(db, "SELECT count(*) FROM facilities WHERE maturity_date <= "
                      "last_day(CAST(period || '-01' AS DATE))")
    assert late == 0
