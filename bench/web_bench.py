"""The web app's reads at 1,000,000 customers, through the service layer and one request through
FastAPI's TestClient, for an analyst (whole bank) and an RM (scoped), against a reference measured
in the same run: one bare DuckDB query (count + first page) over the same published Parquet.

The workspace is the web tests' small closed bank (tests/web_bank.py: two periods loaded, the
second closed, one user per role); its closed period's published tiers, customers and indicators
partitions are then replaced by N synthetic customers written by DuckDB from the real rows (same
schemas, same run id), so no close of a million customers is run. RM01 (the RM user `zhang`)
books one customer in 500.

    .venv/bin/python bench/web_bench.py                 # 1,000,000 customers
    .venv/bin/python bench/web_bench.py --customers 100000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RMS, BRANCHES = 500, 20


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
    with tempfile.TemporaryDirectory(prefix="corptier-web-bench-") as tmp:
        _run(Path(tmp), args.customers, args.repeat)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timings per case (median kept)")
    return parser.parse_args(argv)


def _run(tmp: Path, customers: int, repeat: int) -> None:
    from web_bank import PERIODS, build_bank

    started = time.perf_counter()
    ws = build_bank(tmp)
    period = PERIODS[-1]
    tiers = _synthesise(ws, period, customers)
    print(f"workspace: {customers:,} customers in {period} "
          f"(built in {time.perf_counter() - started:.1f} s)", flush=True)
    reference = _median(repeat, lambda: _reference(ws, period))
    print(f"reference: bare DuckDB count + first page of 50: {reference * 1000:.0f} ms\n")
    print(f"{'case':<44} {'analyst ms':>11} {'ratio':>6} {'RM ms':>9} {'ratio':>6}")
    for name, case in _cases(ws, period, tiers, customers):
        cells = []
        for user in ("ana", "zhang"):
            seconds = _median(repeat, lambda c=case, u=user: c(u))  # type: ignore[misc]
            cells.append(f"{seconds * 1000:11.0f} {seconds / reference:6.1f}")
        print(f"{name:<44} {cells[0]} {cells[1][2:]}", flush=True)


def _synthesise(ws: Any, period: str, customers: int) -> list[str]:
    """Replace the closed period's tiers, customers and indicators by `customers` rows made
    from the real rows (their schemas kept); the tier codes in the run, best first."""
    import duckdb

    from corptier.periods import Period
    from corptier.services.book import CUSTOMERS
    from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS

    files = {t: ws.partition_file(t, Period(period))
             for t in (PUBLISHED_TIERS, CUSTOMERS, CUSTOMER_INDICATORS)}
    con = duckdb.connect()
    tiers = [r[0] for r in con.execute(
        f"SELECT DISTINCT applied_tier FROM read_parquet('{files[PUBLISHED_TIERS]}') "
        "ORDER BY 1").fetchall()]
    n = f"(SELECT range AS n FROM range({customers}))"
    cid = "printf('C%07d', n)"
    pick = f"(SELECT * FROM read_parquet('{{f}}') LIMIT 1) x CROSS JOIN {n} g"
    sql = {
        PUBLISHED_TIERS: (
            f"SELECT x.* REPLACE ({cid} AS customer_id, "
            f"list_extract({tiers!r}, 1 + CAST(hash(n) % {len(tiers)} AS INTEGER)) "
            "AS applied_tier, "
            f"list_extract({tiers!r}, 1 + CAST(hash(n) % {len(tiers)} AS INTEGER)) "
            "AS computed_tier, (hash(n * 7) % 10000) / 100.0 AS score) FROM " + pick),
        CUSTOMERS: (
            f"SELECT x.* REPLACE ({cid} AS customer_id, "
            "'企业' || printf('%07d', n) || '有限公司' AS name, "
            "printf('91510100MA%08dX', n) AS uscc, "
            f"printf('RM%02d', 1 + n % {RMS}) AS rm_id, "
            f"'支行' || printf('%02d', n % {BRANCHES}) AS sub_branch) FROM " + pick),
        CUSTOMER_INDICATORS: (
            f"SELECT x.* REPLACE ({cid} AS customer_id, "
            "CAST(hash(n * 3) % 1000000 AS DOUBLE) AS contribution, "
            "CAST(hash(n * 5) % 10000000 AS DOUBLE) AS dep_avg, "
            "CAST(hash(n * 11) % 10000000 AS DOUBLE) AS loan_avg) FROM " + pick),
    }
    for table, path in files.items():
        staged = path.with_suffix(".bench.parquet")
        con.execute(f"COPY ({sql[table].format(f=path)} ORDER BY n) TO '{staged}' "
                    "(FORMAT parquet, COMPRESSION zstd)")
        staged.replace(path)
    con.close()
    return tiers


def _reference(ws: Any, period: str) -> None:
    import duckdb

    from corptier.periods import Period
    from corptier.workspace import PUBLISHED_TIERS

    path = ws.partition_file(PUBLISHED_TIERS, Period(period))
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()
    con.execute(f"SELECT * FROM read_parquet('{path}') ORDER BY customer_id LIMIT 50").fetchall()
    con.close()


def _cases(ws: Any, period: str, tiers: list[str],
           customers: int) -> list[tuple[str, Callable[[str], Any]]]:
    from fastapi.testclient import TestClient

    from corptier.services.access import principal
    from corptier.services.book import BookQuery, customer_record, list_customers
    from corptier.services.book_export import export_customers_xlsx
    from corptier.services.dashboard import dashboard
    from corptier.web import create_app
    from web_bank import log_in, settings

    who = {u: principal(ws, u) for u in ("ana", "zhang")}
    clients = {u: log_in(TestClient(create_app(ws, settings())), u) for u in who}
    one = {"ana": f"C{customers // 2 + 1:07d}", "zhang": "C0000500"}  # RM01: n % 500 == 0

    def page(**kw: Any) -> Callable[[str], Any]:
        return lambda u: list_customers(ws, who[u], period, BookQuery(**kw))

    def export(u: str) -> Any:
        query = BookQuery(filters={"rm_id": "RM01"}) if u == "ana" else None
        return export_customers_xlsx(ws, who[u], period, query, "zh-CN")

    def request(u: str) -> Any:
        answer = clients[u].get("/api/v1/customers", params={"tier": tiers[0], "page": 3})
        assert answer.status_code == 200, answer.text[:200]

    return [
        ("list: first page (50)", page()),
        ("list: tier + sub-branch filter", page(filters={"applied_tier": tiers[0],
                                                         "sub_branch": "支行00"})),
        ("list: sort by contribution desc", page(sort="contribution", descending=True)),
        ("search: name", page(search="0000500有限")),
        ("search: USCC", page(search="91510100MA00000500X")),
        ("search: id", lambda u: list_customers(ws, who[u], period,
                                                BookQuery(search=one[u]))),
        ("list: page 500 (analyst) / last page (RM)",
         lambda u: list_customers(ws, who[u], period,
                                  BookQuery(page=500 if u == "ana" else 40))),
        ("dashboard figures", lambda u: dashboard(ws, who[u], period)),
        ("customer record (360 row)", lambda u: customer_record(ws, who[u], one[u], period)),
        ("Excel export: RM01's book (2,000 rows)", export),
        ("API: GET /api/v1/customers?tier=…&page=3", request),
    ]


def _median(repeat: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
