"""The book of customers a user sees: list, search, one customer's profile, export and the
dashboard figures, each read from the published Parquet by DuckDB and limited to the user's
data scope (a customer outside it is "not found", whatever the way of asking)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corptier.errors import NotFoundError, ParameterError
from corptier.periods import Period
from corptier.services.access import Principal, require
from corptier.services.published import published_run
from corptier.store import UnitOfWork
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

CUSTOMERS = "customers"
LIST_COLUMNS = ("customer_id", "name", "uscc", "applied_tier", "computed_tier", "score",
                "flags", "migration", "previous_tier", "needs_segment", "behaviour_state",
                "rm_id", "sub_branch", "industry_section", "enterprise_size", "group_id",
                "contribution", "dep_avg", "loan_avg")
CUSTOMER_COLUMNS = frozenset({"name", "uscc", "rm_id", "sub_branch", "industry_section",
                              "enterprise_size"})
INDICATOR_COLUMNS = frozenset({"contribution", "dep_avg", "loan_avg"})
SORTS = ("customer_id", "name", "applied_tier", "score", "contribution", "dep_avg", "loan_avg")
FILTERS = ("applied_tier", "needs_segment", "behaviour_state", "rm_id", "sub_branch",
           "industry_section", "enterprise_size", "group_id", "migration")
MAX_PAGE_SIZE = 200
EXPORT_LIMIT = 1_048_575
"""Excel's rows less the header."""


@dataclass(frozen=True)
class BookQuery:
    """Filters, search text, sort and page of a customer list."""

    filters: dict[str, str] = field(default_factory=dict)
    flag: str | None = None
    search: str | None = None
    sort: str = "customer_id"
    descending: bool = False
    page: int = 1
    size: int = 50


@dataclass(frozen=True)
class CustomerPage:
    period: str
    run_id: str
    total: int
    page: int
    size: int
    rows: list[dict[str, Any]]


def published_periods(ws: Workspace) -> list[str]:
    """Closed periods, oldest first."""
    with UnitOfWork(ws.db) as uow:
        return list(uow.runs.published_periods())


def latest_period(ws: Workspace) -> str:
    periods = published_periods(ws)
    if not periods:
        raise NotFoundError("no period has been closed yet; load and close one first")
    return periods[-1]


def list_customers(ws: Workspace, who: Principal, period: str,
                   query: BookQuery | None = None) -> CustomerPage:
    """One page of the customers of `period` that `who` sees, filtered, searched and sorted.

    Counting and ordering join only the tables the query needs, and a query that needs a join
    (search, a customer or indicator filter or sort) runs it once into a table of the matches'
    ids and sort keys that the count and the page then read; the page's rows are then read
    whole (at a million customers the joins of every table are what costs)."""
    require(who, "read_book")
    query = query or BookQuery()
    _check_query(query)
    joins = _joins_of(query)
    with _Book(ws, who, period, joins=joins) as narrow:
        where, params = narrow.where(query)
        source = "book"
        if joins:
            keys = ", ".join(dict.fromkeys(("customer_id", query.sort)))
            narrow.con.execute(f"CREATE TEMP TABLE matches AS SELECT {keys} FROM book "
                               f"WHERE {where}", params)
            source, where, params = "matches", "TRUE", {}
        total = narrow.scalar(f"SELECT count(*) FROM {source} WHERE {where}", params)
        order = f"{query.sort} {'DESC' if query.descending else 'ASC'} NULLS LAST, customer_id"
        ids = [r[0] for r in narrow.con.execute(
            f"SELECT customer_id FROM {source} WHERE {where} ORDER BY {order} "
            f"LIMIT {query.size} OFFSET {(query.page - 1) * query.size}", params).fetchall()]
    with _Book(ws, who, period) as book:
        wanted = ", ".join(_quote(i) for i in ids) or "NULL"
        found = {r["customer_id"]: r for r in book.rows(
            f"SELECT * FROM book WHERE customer_id IN ({wanted})", {})}
    rows = [found[i] for i in ids if i in found]
    return CustomerPage(book.period, book.run_id, int(total), query.page, query.size, rows)


def _joins_of(query: BookQuery) -> frozenset[str]:
    """The tables beyond the tiers a query filters, searches or sorts on."""
    used = set(query.filters) | {query.sort}
    if (query.search or "").strip():
        used |= {"name", "uscc"}
    joins = set()
    if used & CUSTOMER_COLUMNS:
        joins.add("c")
    if used & INDICATOR_COLUMNS:
        joins.add("i")
    return frozenset(joins)


def iter_customers(ws: Workspace, who: Principal, period: str,
                   query: BookQuery | None = None) -> tuple[str, Iterator[tuple[Any, ...]]]:
    """Every customer of the list `query` selects (no paging; at most Excel's row count), as
    rows of LIST_COLUMNS streamed from DuckDB in batches: the export's source."""
    require(who, "export_book")
    query = query or BookQuery()
    _check_query(query)
    book = _Book(ws, who, period)
    book.__enter__()
    where, params = book.where(query)
    cursor = book.con.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM book WHERE {where} "
                              f"ORDER BY customer_id LIMIT {EXPORT_LIMIT}", params)

    def batches() -> Iterator[tuple[Any, ...]]:
        try:
            while chunk := cursor.fetchmany(5000):
                yield from chunk
        finally:
            book.__exit__(None, None, None)

    return book.period, batches()


def customer_record(ws: Workspace, who: Principal, customer_id: str,
                    period: str) -> dict[str, Any]:
    """One customer's row of the book (NotFoundError when not in `who`'s scope)."""
    require(who, "read_book")
    with _Book(ws, who, period) as book:
        rows = book.rows("SELECT * FROM book WHERE customer_id = $id", {"id": customer_id})
        if not rows:
            raise NotFoundError("customer {customer} is not in your book for {period}",
                                customer=customer_id, period=book.period)
        return rows[0]


def in_scope(ws: Workspace, who: Principal, customer_ids: Sequence[str]) -> set[str]:
    """Which of `customer_ids` `who` sees (by the latest loaded customers' RM and sub-branch)."""
    if who.scope.bank_wide:
        return set(customer_ids)
    if who.scope.empty or not customer_ids:
        return set()
    import duckdb

    latest = _latest_customers(ws)
    if latest is None:
        return set()
    from corptier.services.rm_assignments import assigned_rms

    con = duckdb.connect()
    try:
        con.register("assigned_latest", assigned_rms(ws, ws.periods(CUSTOMERS)[-1]))
        found = con.execute(
            f"SELECT customer_id FROM {_assigned(latest, 'assigned_latest')} "
            f"WHERE list_contains($ids, customer_id) AND {_scope_sql('')}",
            {"ids": list(customer_ids), **_scope_params(who)}).fetchall()
    finally:
        con.close()
    return {r[0] for r in found}


def scope_subquery(ws: Workspace, who: Principal) -> tuple[str, dict[str, Any]] | None:
    """DuckDB SQL selecting the customer ids `who` sees (by the latest loaded customers' RM
    and sub-branch) with its parameters, for other services' queries; None for the whole bank."""
    if who.scope.bank_wide:
        return None
    latest = _latest_customers(ws)
    if who.scope.empty or latest is None:
        return "SELECT NULL::VARCHAR AS customer_id WHERE FALSE", {}
    return (f"SELECT customer_id FROM read_parquet($scope_file) WHERE {_scope_sql('')}",
            {"scope_file": str(latest), **_scope_params(who)})


def check_in_scope(ws: Workspace, who: Principal, customer_id: str) -> None:
    """NotFoundError (not "forbidden": nothing is told of it) unless `who` sees the customer."""
    if customer_id not in in_scope(ws, who, [customer_id]):
        raise NotFoundError("customer {customer} is not in your book", customer=customer_id)


def customer_history(ws: Workspace, who: Principal, customer_id: str,
                     columns: Sequence[str] = ("dep_avg", "loan_avg", "contribution", "raroc",
                                               "txn_count"),
                     months: int = 24) -> list[dict[str, Any]]:
    """The customer's indicator trend over the last `months` snapshots, oldest first."""
    check_in_scope(ws, who, customer_id)
    periods = ws.periods(CUSTOMER_INDICATORS)[-months:]
    if not periods:
        return []
    import duckdb

    files = [str(ws.partition_file(CUSTOMER_INDICATORS, p)) for p in periods]
    con = duckdb.connect()
    try:
        cols = ", ".join(f"CAST({c} AS DOUBLE) AS {c}" for c in columns)
        rel = con.execute(f"SELECT CAST(period AS VARCHAR) AS period, {cols} FROM "
                          "read_parquet($f, union_by_name=true) WHERE customer_id = $id "
                          "ORDER BY period", {"f": files, "id": customer_id})
        return _dicts(rel)
    finally:
        con.close()


def tier_history(ws: Workspace, who: Principal, customer_id: str) -> list[dict[str, Any]]:
    """The customer's published tier in every closed period, oldest first."""
    check_in_scope(ws, who, customer_id)
    with UnitOfWork(ws.db) as uow:
        runs = uow.runs.published_periods()
    files = {p: ws.partition_file(PUBLISHED_TIERS, p) for p in runs}
    present = [(p, r) for p, r in runs.items() if files[p].is_file()]
    if not present:
        return []
    import duckdb

    con = duckdb.connect()
    try:
        rel = con.execute(
            "SELECT CAST(period AS VARCHAR) AS period, applied_tier, computed_tier, migration "
            "FROM read_parquet($f, union_by_name=true) WHERE customer_id = $id "
            "AND list_contains($runs, run_id) ORDER BY period",
            {"f": [str(files[p]) for p, _ in present], "id": customer_id,
             "runs": [r for _, r in present]})
        return _dicts(rel)
    finally:
        con.close()


def customer_loans(ws: Workspace, who: Principal, customer_id: str,
                   period: str) -> list[dict[str, Any]]:
    """The customer's loans in `period` with class and days overdue."""
    return _detail(ws, who, customer_id, period, "loans",
                   "SELECT * FROM read_parquet($f) WHERE customer_id = $id ORDER BY 1")


def customer_products(ws: Workspace, who: Principal, customer_id: str,
                      period: str) -> list[dict[str, Any]]:
    """The products the customer holds in `period`, by category."""
    products = _partition(ws, "products", period)
    if products is None:
        return []
    return _detail(ws, who, customer_id, period, "accounts",
                   "SELECT p.category, p.product_code, p.name, count(*) AS accounts "
                   "FROM read_parquet($f) a JOIN read_parquet($p) p USING (product_code) "
                   "WHERE a.customer_id = $id AND a.closed_on IS NULL "
                   "GROUP BY ALL ORDER BY p.category, p.product_code", {"p": str(products)})


def _detail(ws: Workspace, who: Principal, customer_id: str, period: str, table: str,
            sql: str, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    check_in_scope(ws, who, customer_id)
    path = _partition(ws, table, period)
    if path is None:
        return []
    import duckdb

    con = duckdb.connect()
    try:
        return _dicts(con.execute(sql, {"f": str(path), "id": customer_id, **(extra or {})}))
    finally:
        con.close()


def _partition(ws: Workspace, table: str, period: str) -> Path | None:
    path = ws.partition_file(table, Period(period))
    return path if path.is_file() else None


def _latest_customers(ws: Workspace) -> Path | None:
    periods = ws.periods(CUSTOMERS)
    return ws.partition_file(CUSTOMERS, periods[-1]) if periods else None


def _scope_sql(alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return (f"(list_contains($scope_rms, {prefix}rm_id) "
            f"OR list_contains($scope_branches, {prefix}sub_branch))")


def _scope_params(who: Principal) -> dict[str, Any]:
    return {"scope_rms": list(who.scope.rm_ids) or [""],
            "scope_branches": list(who.scope.sub_branches) or [""]}


def _check_query(query: BookQuery) -> None:
    if query.sort not in SORTS:
        raise ParameterError("sort must be one of {sorts}; got {sort!r}", sorts=", ".join(SORTS),
                             sort=query.sort)
    if not 1 <= query.size <= MAX_PAGE_SIZE:
        raise ParameterError("page size must be 1 to {limit}; got {size}", limit=MAX_PAGE_SIZE,
                             size=query.size)
    if query.page < 1:
        raise ParameterError("page must be 1 or more; got {page}", page=query.page)
    unknown = set(query.filters) - set(FILTERS)
    if unknown:
        raise ParameterError("unknown filter {filter!r}; use {filters}", filter=sorted(unknown)[0],
                             filters=", ".join(FILTERS))


def _dicts(rel: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


class _Book:
    """A DuckDB connection with the view `book`: the published tiers of a period joined with
    the customers (`c` in `joins`) and indicators (`i`) of that period, limited to `who`'s
    scope; the columns of a table left out are NULL."""

    def __init__(self, ws: Workspace, who: Principal, period: str,
                 joins: frozenset[str] = frozenset({"c", "i"})) -> None:
        self.ws, self.who, self.joins = ws, who, joins
        run = published_run(ws, period)
        self.period, self.run_id = run.period, run.run_id

    def __enter__(self) -> _Book:
        import duckdb

        from corptier.services.rm_assignments import assigned_rms

        self.con = duckdb.connect()
        self.con.execute("SET threads TO 2")
        self.con.register("assigned_book", assigned_rms(self.ws, self.period))
        latest = self.ws.periods(CUSTOMERS)
        if latest and not self.who.scope.bank_wide:
            self.con.register("assigned_latest", assigned_rms(self.ws, latest[-1]))
        self.con.execute(self._view_sql())
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    def _view_sql(self) -> str:
        tiers = self.ws.partition_file(PUBLISHED_TIERS, self.period)
        if not tiers.is_file():
            raise NotFoundError("the published tiers of {period} are missing; close {period} again",
                                period=self.period)
        customers = _partition(self.ws, CUSTOMERS, self.period) if "c" in self.joins else None
        indicators = (_partition(self.ws, CUSTOMER_INDICATORS, self.period)
                      if "i" in self.joins else None)
        latest = _latest_customers(self.ws)
        cust = (f"LEFT JOIN {_assigned(customers, 'assigned_book')} c USING (customer_id)"
                if customers else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id) c USING "
                "(customer_id)")
        ind = (f"LEFT JOIN read_parquet({_literal(indicators)}) i USING (customer_id)"
               if indicators else "")
        scope = self._scope_join(latest)
        return f"""CREATE TEMP VIEW book AS SELECT
            t.customer_id, {_col('c', 'name', customers)}, {_col('c', 'uscc', customers)},
            t.applied_tier, t.computed_tier, t.score, t.flags, t.migration, t.previous_tier,
            t.needs_segment, t.behaviour_state, {_col('c', 'rm_id', customers)},
            {_col('c', 'sub_branch', customers)}, {_col('c', 'industry_section', customers)},
            {_col('c', 'enterprise_size', customers)}, t.group_id,
            {_num('i', 'contribution', indicators)}, {_num('i', 'dep_avg', indicators)},
            {_num('i', 'loan_avg', indicators)}
            FROM read_parquet({_literal(tiers)}) t {cust} {ind} {scope}
            WHERE t.run_id = {_quote(self.run_id)}"""

    def _scope_join(self, latest: Path | None) -> str:
        scope = self.who.scope
        if scope.bank_wide:
            return ""
        if scope.empty or latest is None:
            return "JOIN (SELECT NULL::VARCHAR AS customer_id) s USING (customer_id)"
        rms = ", ".join(_quote(r) for r in scope.rm_ids) or "NULL"
        subs = ", ".join(_quote(b) for b in scope.sub_branches) or "NULL"
        return (f"JOIN (SELECT customer_id FROM {_assigned(latest, 'assigned_latest')} WHERE "
                f"rm_id IN ({rms}) OR sub_branch IN ({subs})) s USING (customer_id)")

    def where(self, query: BookQuery) -> tuple[str, dict[str, Any]]:
        clauses, params = ["TRUE"], {}
        for i, (name, value) in enumerate(sorted(query.filters.items())):
            if value:
                clauses.append(f"{name} = $f{i}")
                params[f"f{i}"] = value
        if query.flag:
            clauses.append("list_contains(string_split(coalesce(flags, ''), ','), $flag)")
            params["flag"] = query.flag
        text = (query.search or "").strip()
        if text:
            clauses.append("(customer_id = $q OR upper(uscc) = upper($q) "
                           "OR contains(lower(name), lower($q)))")
            params["q"] = text
        return " AND ".join(clauses), params

    def scalar(self, sql: str, params: dict[str, Any]) -> Any:
        row = self.con.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return _dicts(self.con.execute(sql, params))


def _assigned(customers: Path, assigned: str) -> str:
    """The customers file as a subquery whose rm_id is the approved assignment's where the
    customer has one (`assigned`: the registered table of services.rm_assignments)."""
    return (f"(SELECT c0.* REPLACE (coalesce(a0.rm_id, c0.rm_id) AS rm_id) FROM "
            f"read_parquet({_literal(customers)}) c0 LEFT JOIN {assigned} a0 USING (customer_id))")


def _literal(path: Path) -> str:
    return _quote(str(path))


def _quote(text: str) -> str:
    """A SQL string literal (a view cannot take parameters; the values are the workspace's own
    paths, run ids and the user's scope links)."""
    return "'" + text.replace("'", "''") + "'"


def _col(alias: str, name: str, source: Path | None) -> str:
    return f"{alias}.{name}" if source else f"NULL::VARCHAR AS {name}"


def _num(alias: str, name: str, source: Path | None) -> str:
    return f"CAST({alias}.{name} AS DOUBLE) AS {name}" if source else f"NULL::DOUBLE AS {name}"
