"""A synthetic bank for the indicator benchmark, written by DuckDB straight into a workspace.

12 months ending BENCH_PERIOD; `transactions` rows in total (spread evenly over the months,
clustered by customer as the loader stores them); every other table sized by `customers`.
Generated once per scale and cached under bench/.cache/ (gitignored).
"""

# ruff: noqa: E501  (long lines are SQL text)
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from corptier.periods import Period
from corptier.workspace import Workspace

BENCH_PERIOD = "2026-09"
MONTHS = 12
CACHE = Path(__file__).resolve().parent / ".cache" / "indicators"

RATINGS = [("AAA", 1, "0.000300"), ("AA", 2, "0.001000"), ("A", 3, "0.003000"),
           ("BBB", 4, "0.010000"), ("BB", 5, "0.030000"), ("B", 6, "0.080000"),
           ("CCC", 7, "0.200000")]
PRODUCTS = [("DDA", "活期", "settlement", "deposit_demand", "ON"),
            ("TD", "定期", "wealth", "deposit_time", "1Y"),
            ("LN", "流贷", "financing", "loan", "1Y"),
            ("CM", "现金管理", "cash_management", "service", None),
            ("PAY", "代发", "payroll", "service", None)]
FTP = [("deposit_demand", "ON", "0.015000"), ("deposit_time", "1Y", "0.021000"),
       ("loan", "1Y", "0.031000"), ("loan", "3Y", "0.034500"), ("loan", "5Y", "0.039000")]


def bench_workspace(customers: int, transactions: int) -> Workspace:
    """The cached workspace of one scale (generated on first use)."""
    root = CACHE / f"c{customers}_t{transactions}"
    done = root / ".complete"
    if done.is_file():
        return Workspace.open(root)
    if root.exists():
        shutil.rmtree(root)
    ws = Workspace.init(root, language="en")
    con = duckdb.connect(config={"memory_limit": "6GB", "threads": 2,
                                 "temp_directory": str(ws.temp_dir / "gen")})
    for i, period in enumerate(reversed(Period(BENCH_PERIOD).window(MONTHS))):
        _write_month(con, ws, period, i, customers, transactions // MONTHS)
    con.close()
    done.write_text("ok")
    return ws


def _copy(con: duckdb.DuckDBPyConnection, ws: Workspace, table: str, period: str, sql: str) -> None:
    folder = ws.partition_dir(table, period)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "part-0.parquet"
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")


def _values(rows: list[tuple], names: str) -> str:
    def lit(v: object) -> str:
        return "NULL" if v is None else ("'" + str(v) + "'" if isinstance(v, str) else str(v))
    body = ", ".join("(" + ", ".join(lit(v) for v in r) + ")" for r in rows)
    return f"SELECT * FROM (VALUES {body}) AS t({names})"


def _write_month(con, ws: Workspace, period: str, month: int, n: int, txns: int) -> None:
    end = Period(period).month_end
    first = end.replace(day=1)
    seed = f"hash(i, {month})"
    _copy(con, ws, "rating_scale", period,
          "SELECT rating, rank::BIGINT AS rank, pd::DECIMAL(10,6) AS pd, 0.45::DECIMAL(10,6) AS lgd "
          f"FROM ({_values(RATINGS, 'rating, rank, pd')})")
    _copy(con, ws, "relationship_managers", period,
          "SELECT 'RM' || lpad(i::VARCHAR, 4, '0') AS rm_id, '经理' || i AS name, '中级' AS grade, "
          "'SB' || (i % 20) AS sub_branch FROM range(200) t(i)")
    _copy(con, ws, "products", period,
          f"SELECT * FROM ({_values(PRODUCTS, 'product_code, name, category, kind, term_bucket')})")
    _copy(con, ws, "ftp_rates", period,
          f"SELECT '{period}' AS month, product_kind, term_bucket, rate::DECIMAL(10,6) AS rate "
          f"FROM ({_values(FTP, 'product_kind, term_bucket, rate')})")
    ratings = "['AAA','AA','A','BBB','BB','B','CCC']"
    _copy(con, ws, "customers", period, f"""
        SELECT 'C' || lpad(i::VARCHAR, 8, '0') AS customer_id, '企业' || i AS name,
               '91510100MA6CU1A09J' AS uscc, '2614' AS industry_code, '510100' AS region_code,
               'SB' || (i % 20) AS sub_branch, DATE '2005-01-01' + (i % 5000)::INT AS founded_on,
               (i % 900)::BIGINT AS employees, NULL::DECIMAL(18,2) AS annual_revenue,
               NULL::DECIMAL(18,2) AS total_assets, NULL::DECIMAL(18,2) AS registered_capital,
               CASE WHEN i % 50 < 5 THEN 'G' || (i // 50) END AS group_id,
               CASE WHEN i % 50 BETWEEN 1 AND 4
                    THEN 'C' || lpad((i - i % 50 + (i % 50) // 3)::VARCHAR, 8, '0') END AS parent_id,
               DATE '2012-01-01' + (i % 5000)::INT AS onboarded_on,
               CASE WHEN i % 9 = 0 THEN NULL ELSE {ratings}[1 + i % 7] END AS rating,
               'RM' || lpad((i % 200)::VARCHAR, 4, '0') AS rm_id, 'active' AS status,
               'C' AS industry_section, 'medium' AS enterprise_size, 'bench' AS size_reason
        FROM range({n}) t(i) ORDER BY customer_id""")
    _copy(con, ws, "accounts", period, f"""
        SELECT 'A' || lpad(i::VARCHAR, 8, '0') || '-' || k AS account_id,
               'C' || lpad(i::VARCHAR, 8, '0') AS customer_id,
               ['DDA','TD','CM','PAY'][k + 1] AS product_code,
               DATE '2015-01-01' + (i % 3000)::INT AS opened_on,
               CASE WHEN (i + k) % 37 = 0 THEN DATE '{first}' + 3 END AS closed_on,
               'CNY' AS currency
        FROM range({n}) t(i), range(4) s(k)
        WHERE k = 0 OR (k = 1 AND i % 2 = 0) OR (k = 2 AND i % 7 = 0) OR (k = 3 AND i % 5 = 0)
        ORDER BY customer_id, account_id""")
    _copy(con, ws, "balances", period, f"""
        SELECT 'A' || lpad(i::VARCHAR, 8, '0') || '-' || k AS account_id, '{period}' AS month,
               ((hash(i, k, {month}) % 1000000000) / 100.0 + 1000)::DECIMAL(18,2) AS avg_daily_balance,
               ((hash(i, k, {month}, 1) % 1000000000) / 100.0)::DECIMAL(18,2) AS month_end_balance,
               CASE WHEN i % 10 = 0 THEN NULL ELSE (0.002 + k * 0.015)::DECIMAL(10,6) END AS rate
        FROM range({n}) t(i), range(2) s(k) WHERE k = 0 OR i % 2 = 0 ORDER BY account_id""")
    _copy(con, ws, "loans", period, f"""
        SELECT 'L' || lpad(i::VARCHAR, 8, '0') AS loan_id, 'C' || lpad(i::VARCHAR, 8, '0') AS customer_id,
               '{period}' AS month, 'LN' AS product_code,
               DATE '2024-01-01' + (i % 600)::INT AS start_date,
               DATE '2024-01-01' + (i % 600)::INT + [365, 1000, 1800][1 + i % 3] AS maturity_date,
               ((hash(i, {month}) % 10000000000) / 100.0 + 10000)::DECIMAL(18,2) AS avg_daily_balance,
               ((hash(i, {month}, 2) % 10000000000) / 100.0)::DECIMAL(18,2) AS balance,
               (0.035 + (i % 30) / 1000.0)::DECIMAL(10,6) AS client_rate,
               CASE WHEN i % 40 = 0 THEN 45 ELSE 0 END::BIGINT AS days_overdue,
               CASE WHEN i % 40 = 0 THEN '关注' WHEN i % 301 = 0 THEN '次级' ELSE '正常' END
                   AS classification
        FROM range({n}) t(i) WHERE i % 10 < 3 ORDER BY customer_id""")
    _copy(con, ws, "fee_income", period, f"""
        SELECT 'C' || lpad(i::VARCHAR, 8, '0') AS customer_id, '{period}' AS month,
               ['settlement','trade','payroll','other'][k + 1] AS category,
               ((hash(i, k, {month}) % 2000000) / 100.0 - 100)::DECIMAL(18,2) AS amount
        FROM range({n}) t(i), range(4) s(k) WHERE (i + k) % 3 = 0 ORDER BY customer_id, category""")
    days = end.day
    _copy(con, ws, "transactions", period, f"""
        SELECT 'T{period}-' || i AS txn_id, 'A' || lpad(c::VARCHAR, 8, '0') || '-0' AS account_id,
               'C' || lpad(c::VARCHAR, 8, '0') AS customer_id,
               DATE '{first}' + ({seed} % {days})::INTEGER AS txn_date,
               ((hash(i, {month}, 3) % 10000000) / 100.0 + 0.01)::DECIMAL(18,2) AS amount,
               CASE WHEN {seed} % 2 = 0 THEN 'in' ELSE 'out' END AS direction,
               ['counter','online','mobile','host_to_host','atm'][(1 + hash(i, {month}, 4) % 5)::BIGINT] AS channel,
               CASE WHEN i % 11 = 0 THEN NULL ELSE 'CP' || (c * 7 + hash(i, {month}, 5) % 20) END
                   AS counterparty,
               CASE WHEN i % 13 = 0 THEN NULL ELSE ['XB','ICBC','CCB','ABC'][(1 + hash(i, {month}, 6) % 4)::BIGINT] END
                   AS counterparty_bank,
               ['transfer','payroll','tax','trade_settlement','other'][(1 + hash(i, {month}, 7) % 5)::BIGINT]
                   AS txn_type
        FROM (SELECT i, (i * {n}) // {txns} AS c FROM range({txns}) t(i))""")
