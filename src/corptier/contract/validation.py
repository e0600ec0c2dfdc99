"""Row-level checks of one table, run inside DuckDB over the all-text `raw_<table>`.

`TableValidator` builds `checked_<t>` (typed values plus one problem code per column) in one
pass, then collects every problem of every row into `problems_<t>` (row, ord, column, kind,
reason): a row is rejected when it has at least one problem. Nothing loops over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from corptier.contract.common_formats import normalised_sql
from corptier.contract.readers import quote_ident as qi
from corptier.contract.readers import quote_str as qs
from corptier.contract.schema import (
    EARLIEST_DATE,
    ID_PATTERN,
    LATEST_DATE,
    TABLES,
    Column,
    TableSpec,
)
from corptier.i18n import N_

Gettext = Callable[[str], str]

TRIM_CHARS = " \t\r\n\u3000\u00a0"
SCALE = {"money": 2, "rate": 6}
FINAL_TYPE = {
    "int": "BIGINT",
    "money": "DECIMAL(18,2)",
    "rate": "DECIMAL(10,6)",
}
# per-column problem codes and the kind each is reported as
MISSING, TYPE, DECIMALS, PATTERN, ALLOWED, BELOW, ABOVE, PERIOD, EARLY, LATE, FUTURE = range(1, 12)
KINDS = {
    MISSING: "missing",
    TYPE: "type",
    DECIMALS: "decimals",
    PATTERN: "pattern",
    ALLOWED: "allowed",
    BELOW: "min",
    ABOVE: "max",
    PERIOD: "period",
    EARLY: "min",
    LATE: "max",
    FUTURE: "after_period",
}
PATTERN_HINTS = {
    ID_PATTERN: N_("an id of 1-40 letters, digits, '_', '.' or '-'"),
    r"^\d{6}$": N_("a 6-digit region code"),
    r"^[A-Z]{3}$": N_("a 3-letter currency code in capitals (e.g. CNY)"),
    r"^[A-Ta-t]?\d{1,4}$": N_("an industry code such as C2614"),
    r"^[A-Za-z0-9+\-]{1,10}$": N_("a rating grade of 1-10 letters, digits, '+' or '-'"),
}
DUPLICATE_ORD = 10_000
PROBLEMS_DDL = (
    "(row BIGINT, ord INTEGER, \"column\" VARCHAR, kind VARCHAR, reason VARCHAR)"
)


def ord_of(spec: TableSpec, column: str, step: int = 0) -> int:
    """Sort position of a problem: column order first, then the order of the checks."""
    return spec.column_names.index(column) * 10 + step


def value_sql(column: str) -> str:
    """The text of a raw column without leading/trailing spaces; empty text is NULL.

    Only values that start or end with a space pay for the trim (LIKE on a prefix is cheap).
    """
    c = qi(column)
    return (
        f"CASE WHEN {c} LIKE ' %' OR {c} LIKE '% ' THEN nullif(trim({c}, {qs(TRIM_CHARS)}), '') "
        f"WHEN {c} = '' THEN NULL ELSE {c} END"
    )


def english(text: str) -> str:
    """The reasons' default language: the message as written."""
    return text


def sql_text(template: str, **sql: str) -> str:
    """A reason template (already translated; `{name}` marks where a SQL expression goes) as one
    SQL string expression, so a language may put the value wherever its grammar wants it."""
    parts = re.split(r"\{(\w+)\}", template)
    pieces = [sql[part] if i % 2 else qs(part) for i, part in enumerate(parts) if part]
    return " || ".join(pieces) or "''"


def display_sql(column: str) -> str:
    """The value quoted for a reason text, e.g. '12.345'."""
    return f"'''' || left({value_sql(column)}, 60) || ''''"


@dataclass(frozen=True)
class ColumnRules:
    """The SQL of one column: parsed value, problem code and final typed value."""

    column: Column
    period: str
    gettext: Gettext = english
    """The language the reasons are written in (the workspace's)."""

    @property
    def ident(self) -> str:
        return qi(self.column.name)

    @property
    def parsed(self) -> dict[str, str]:
        """Parsed values: `__d_<name>` in the contract type (numbers, dates, months) and, for
        numbers, `__f_<name>` as DOUBLE to tell malformed, overflowing and over-precise values
        apart without slow wide decimals."""
        c, dtype = self.ident, self.column.dtype
        if dtype in FINAL_TYPE:
            return {
                self.d: f"TRY_CAST({c} AS {FINAL_TYPE[dtype]})",
                self.f: f"CASE WHEN strpos({c}, '_') = 0 THEN TRY_CAST({c} AS DOUBLE) END",
            }
        if dtype == "date":
            return {self.d: (
                f"CASE WHEN length({c}) = 10 AND {c}[5] = '-' AND {c}[8] = '-' "
                f"THEN TRY_CAST({c} AS DATE) END"
            )}
        if dtype == "month":
            return {self.d: (
                f"CASE WHEN length({c}) = 7 AND {c}[5] = '-' "
                f"THEN TRY_CAST({c} || '-01' AS DATE) END"
            )}
        return {}

    @property
    def d(self) -> str:
        return qi(f"__d_{self.column.name}")

    @property
    def f(self) -> str:
        return qi(f"__f_{self.column.name}")

    def code(self) -> str:
        """CASE giving the first problem of the value (0 when it is fine)."""
        col, c = self.column, self.ident
        branches = [f"WHEN {c} IS NULL THEN {0 if col.nullable else MISSING}"]
        if col.dtype in FINAL_TYPE:
            branches += self._number_branches()
        elif self.parsed:
            branches.append(f"WHEN {self.d} IS NULL THEN {TYPE}")
        if col.pattern:
            branches.append(f"WHEN NOT regexp_full_match({c}, {qs(col.pattern)}) THEN {PATTERN}")
        if col.allowed:
            values = ", ".join(qs(a) for a in col.allowed)
            branches.append(f"WHEN {c} NOT IN ({values}) THEN {ALLOWED}")
        if col.min is not None:
            branches.append(f"WHEN {self.d} < {_number(col.min)} THEN {BELOW}")
        if col.max is not None:
            branches.append(f"WHEN {self.d} > {_number(col.max)} THEN {ABOVE}")
        if col.dtype == "date":
            branches += self._date_branches()
        branches += self._period_branch()
        return "CASE " + " ".join(branches) + " ELSE 0 END"

    def _number_branches(self) -> list[str]:
        d, f = self.d, self.f
        c = self.ident
        out = [f"WHEN {f} IS NULL OR NOT isfinite({f}) THEN {TYPE}"]
        # a non-zero number too small for a double (1e-400) reads as 0: it is over-precise
        underflow = (
            f"WHEN {f} = 0 AND regexp_matches(regexp_replace({c}, '[eE].*$', ''), '[1-9]') "
            f"THEN {DECIMALS}"
        )
        if self.column.dtype == "int":
            out += [underflow, f"WHEN {f} <> trunc({f}) THEN {TYPE}"]
        out += [f"WHEN {d} IS NULL AND {f} > 0 THEN {ABOVE}", f"WHEN {d} IS NULL THEN {BELOW}"]
        if self.column.dtype in SCALE:
            # the written digits decide (a double cannot tell .785 from .79 above ~1e14)
            out += [underflow, (
                f"WHEN NOT regexp_matches({c}, '[eE]') AND length(rtrim(regexp_extract({c}, "
                f"'\\.([0-9]*)', 1), '0')) > {SCALE[self.column.dtype]} THEN {DECIMALS}"
            ), f"WHEN {f} <> CAST({d} AS DOUBLE) THEN {DECIMALS}"]
        return out

    def _date_branches(self) -> list[str]:
        d = self.d
        out = [
            f"WHEN {d} < DATE {qs(EARLIEST_DATE)} THEN {EARLY}",
            f"WHEN {d} > DATE {qs(LATEST_DATE)} THEN {LATE}",
        ]
        if self.column.not_after_period:
            end = f"DATE {qs(self.period + '-01')} + INTERVAL 1 MONTH"
            out.append(f"WHEN {d} >= {end} THEN {FUTURE}")
        return out

    def _period_branch(self) -> list[str]:
        if self.column.dtype == "month" and self.column.name == "month":
            return [f"WHEN {self.ident} <> {qs(self.period)} THEN {PERIOD}"]
        if self.column.dtype == "date" and self.column.name == "txn_date":
            start = f"DATE {qs(self.period + '-01')}"
            return [
                f"WHEN {self.d} < {start} OR {self.d} >= {start} + INTERVAL 1 MONTH THEN {PERIOD}"
            ]
        return []

    def typed(self) -> str:
        """Final value in the contract's type (meaningful only where the code is 0)."""
        return self.d if self.column.dtype in (*FINAL_TYPE, "date") else self.ident

    def reason(self, code: str) -> str:
        """CASE turning a problem code into the reason text (the value, then what is wrong)."""
        col, _ = self.column, self.gettext
        hint = PATTERN_HINTS.get(col.pattern or "")
        form = _(hint) if hint else _("in the form {pattern}").format(pattern=col.pattern)
        templates = {
            TYPE: _type_hint(col.dtype, _),
            DECIMALS: _("{value} has more than {places} decimal places"),
            PATTERN: _("{value} is not {form}"),
            ALLOWED: _("{value} is not one of: {allowed}"),
            BELOW: _("{value} is below the minimum {min}"),
            ABOVE: _("{value} is above the maximum {max}"),
            PERIOD: _("{value} is not in the loaded period {period}"),
            EARLY: _("{value} is before {date}, the earliest plausible date"),
            LATE: _("{value} is after {date}, the latest plausible date"),
            FUTURE: _("{value} is after the end of the loaded period {period}"),
        }
        dates = {EARLY: EARLIEST_DATE, LATE: LATEST_DATE}
        texts = {MISSING: qs(_("value missing (the column is required)"))}
        texts |= {k: sql_text(v, value=display_sql(col.name), **{
            name: qs(str(text)) for name, text in (
                ("places", SCALE.get(col.dtype, 0)), ("form", form),
                ("allowed", ", ".join(col.allowed or ())), ("min", col.min), ("max", col.max),
                ("period", self.period), ("date", dates.get(k, "")))})
            for k, v in templates.items()}
        return "CASE " + " ".join(f"WHEN {code} = {k} THEN {v}" for k, v in texts.items()) + " END"


def _type_hint(dtype: str, _: Gettext) -> str:
    hints = {
        "int": _("{value} is not a whole number"),
        "money": _("{value} is not a number (write digits with a decimal point, e.g. 1234.56)"),
        "rate": _("{value} is not a number (write a decimal, e.g. 0.0435 for 4.35 %)"),
        "date": _("{value} is not a valid date (YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD)"),
        "month": _("{value} is not a month (YYYY-MM, YYYYMM or YYYY/MM)"),
    }
    return hints.get(dtype) or _("{value} has a wrong type")


def _number(value: object) -> str:
    return str(value)


def _kind_sql(code: str) -> str:
    return "CASE " + " ".join(f"WHEN {code} = {k} THEN {qs(v)}" for k, v in KINDS.items()) + " END"


class TableValidator:
    """All checks of one table; the accepted rows are those without an entry in problems."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spec: TableSpec, period: str,
                 shown: str | None = None, gettext: Gettext = english) -> None:
        self.con, self.spec, self.period, self.gettext = con, spec, period, gettext
        self.rules = [ColumnRules(c, period, gettext) for c in spec.columns]
        self.raw, self.checked = f"raw_{spec.name}", f"checked_{spec.name}"
        self.shown = shown or self.raw
        """The values as the file wrote them (before a profile's mapping), quoted in reasons."""
        self.problems = f"problems_{spec.name}"

    # --- one pass over the values -------------------------------------------------------------
    def check_columns(self) -> None:
        """Build `checked_<t>` (typed values + codes) and record the column problems."""
        trimmed = ", ".join(f"{value_sql(r.column.name)} AS {r.ident}" for r in self.rules)
        normal = ", ".join(f"{normalised_sql(r.column, r.ident)} AS {r.ident}" for r in self.rules)
        parsed = ", ".join(f"{sql} AS {name}" for r in self.rules for name, sql in r.parsed.items())
        typed = ", ".join(f"{r.typed()} AS {r.ident}" for r in self.rules)
        codes = ", ".join(f"CAST({r.code()} AS UTINYINT) AS {self._e(r)}" for r in self.rules)
        parsed_sel = f", {parsed}" if parsed else ""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {self.checked} AS "
            f"SELECT __row, {typed}, {codes} FROM ("
            f"SELECT *{parsed_sel} FROM (SELECT __row, {normal} FROM "
            f"(SELECT __row, {trimmed} FROM {self.raw})))"
        )
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {self.problems} {PROBLEMS_DDL}")
        self._record_column_problems()

    def _e(self, rules: ColumnRules) -> str:
        return qi(f"__e_{rules.column.name}")

    def _record_column_problems(self) -> None:
        # Only the columns that hold a problem get a reason query: planning the reasons of
        # every column costs more than checking a clean table.
        counts = self.con.execute(
            "SELECT " + ", ".join(f"count_if({self._e(r)} <> 0)" for r in self.rules)
            + f" FROM {self.checked}").fetchall()[0]
        failing = [r for r, n in zip(self.rules, counts, strict=True) if n]
        if not failing:
            return
        any_bad = " OR ".join(f"k.{self._e(r)} <> 0" for r in failing)
        codes = ", ".join(f"k.{self._e(r)}" for r in failing)
        bad = f"bad_{self.spec.name}"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {bad} AS SELECT r.*, {codes} "
            f"FROM {self.checked} k JOIN {self.shown} r USING (__row) WHERE {any_bad}"
        )
        parts = [
            f"SELECT __row, {ord_of(self.spec, r.column.name)}, {qs(r.column.name)}, "
            f"{_kind_sql(self._e(r))}, {r.reason(self._e(r))} FROM {bad} WHERE {self._e(r)} <> 0"
            for r in failing
        ]
        self.con.execute(f"INSERT INTO {self.problems} " + " UNION ALL ".join(parts))
        self.con.execute(f"DROP TABLE {bad}")

    # --- keys -------------------------------------------------------------------------------
    def check_duplicates(self) -> None:
        """Later rows with the key of an earlier row are rejected, naming the first row."""
        key = self.spec.key
        cols = ", ".join(qi(k) for k in key)
        ok = " AND ".join(f"{qi(f'__e_{k}')} = 0" for k in key)
        shown = " || ', ' || ".join(f"{qs(k + ' ')} || c.{qi(k)}" for k in key)
        reason = sql_text(self.gettext(
            "duplicate key ({key}): the same key is on row {row}, which is kept"),
            key=shown, row="CAST(d.first_row AS VARCHAR)")
        self.con.execute(
            f"INSERT INTO {self.problems} "
            f"SELECT c.__row, {DUPLICATE_ORD}, {qs('+'.join(key))}, 'duplicate', {reason} "
            f"FROM {self.checked} c JOIN (SELECT {cols}, min(__row) AS first_row "
            f"FROM {self.checked} WHERE {ok} GROUP BY {cols} HAVING count(*) > 1) d "
            f"USING ({cols}) WHERE c.__row > d.first_row"
        )

    # --- references ---------------------------------------------------------------------------
    def check_references(self) -> None:
        """References to earlier tables must point at an accepted row of this load."""
        for col in self.spec.columns:
            if col.references and col.references[0] != self.spec.name:
                self._reference(col, f"keys_{col.references[0]}")
        if self.spec.name == "transactions":
            self._account_owner()

    def _reference(self, col: Column, keys: str, only_new: bool = False) -> int:
        assert col.references is not None
        target = col.references[0]
        c = qi(col.name)
        quoted = f"'''' || c.{c} || ''''"
        fresh = (
            f" AND c.__row NOT IN (SELECT row FROM {self.problems} WHERE \"column\" = "
            f"{qs(col.name)} AND kind = 'reference')" if only_new else ""
        )
        before = self._count()
        _ = self.gettext
        names = {"column": qs(col.name), "value": quoted, "table": qs(target)}
        missing = sql_text(_("{column} {value} not found in {table}"), **names)
        rejected = sql_text(
            _("{column} {value} refers to {table} row {row}, which was rejected (see {file})"),
            row="CAST(k.first_row AS VARCHAR)",
            file=qs(f"quarantine/{self.period}/{target}.csv"), **names)
        self.con.execute(
            f"INSERT INTO {self.problems} "
            f"SELECT c.__row, {ord_of(self.spec, col.name, 2)}, {qs(col.name)}, 'reference', "
            f"CASE WHEN k.first_row IS NULL THEN {missing} ELSE {rejected} END "
            f"FROM {self.checked} c LEFT JOIN {keys} k ON c.{c} = k.k "
            f"WHERE c.{c} IS NOT NULL AND c.{qi('__e_' + col.name)} = 0 "
            f"AND k.accepted_row IS NULL{fresh}"
        )
        return self._count() - before

    def _account_owner(self) -> None:
        reason = sql_text(
            self.gettext("account {account} belongs to customer {owner}, not {customer}"),
            **{name: f"'''' || {sql} || ''''" for name, sql in (
                ("account", "c.account_id"), ("owner", "k.owner"),
                ("customer", "c.customer_id"))})
        self.con.execute(
            f"INSERT INTO {self.problems} "
            f"SELECT c.__row, {ord_of(self.spec, 'customer_id', 3)}, 'customer_id', 'owner', "
            f"{reason} "
            f"FROM {self.checked} c JOIN keys_accounts k ON c.account_id = k.k "
            "WHERE k.accepted_row IS NOT NULL AND c.__e_customer_id = 0 "
            "AND c.customer_id <> k.owner"
        )

    def check_self_references(self) -> None:
        """References within the table (customers.parent_id): repeat until nothing changes, so a
        child of a rejected parent is rejected too."""
        for col in self.spec.columns:
            if not (col.references and col.references[0] == self.spec.name):
                continue
            self._self_loops(col)
            self._cycles(col)
            while True:
                self.build_keys(f"selfkeys_{self.spec.name}", col.references[1])
                if self._reference(col, f"selfkeys_{self.spec.name}", only_new=True) == 0:
                    break

    def _self_loops(self, col: Column) -> None:
        assert col.references is not None
        target_col = qi(col.references[1])
        reason = sql_text(self.gettext("{column} {value} is the row's own {key}"),
                          column=qs(col.name), value=f"'''' || {qi(col.name)} || ''''",
                          key=qs(col.references[1]))
        self.con.execute(
            f"INSERT INTO {self.problems} "
            f"SELECT __row, {ord_of(self.spec, col.name, 1)}, {qs(col.name)}, 'reference', "
            f"{reason} FROM {self.checked} "
            f"WHERE {qi(col.name)} = {target_col} AND {qi('__e_' + col.name)} = 0"
        )

    def _cycles(self, col: Column) -> None:
        """Rows on a cycle of parents of any length (A -> B -> C -> A) are rejected, naming it;
        a walk stops at the first customer it has already passed, so it always ends."""
        assert col.references is not None
        child, parent = qi(col.references[1]), qi(col.name)
        ok = f"{qi('__e_' + col.name)} = 0 AND {qi('__e_' + col.references[1])} = 0"
        open_rows = f"__row NOT IN (SELECT row FROM {self.problems})"
        reason = sql_text(self.gettext("{column} {value} closes a cycle of parents: {cycle}"),
                          column=qs(col.name), value=f"'''' || c.{parent} || ''''",
                          cycle="array_to_string(list_append(w.path, w.start), ' -> ')")
        self.con.execute(
            f"INSERT INTO {self.problems} "
            f"WITH RECURSIVE edges AS (SELECT {child} AS child, {parent} AS parent FROM "
            f"{self.checked} WHERE {parent} IS NOT NULL AND {ok} AND {open_rows}), "
            "walk(start, node, path) AS (SELECT child, parent, [child] FROM edges UNION ALL "
            "SELECT w.start, e.parent, list_append(w.path, w.node) FROM walk w "
            "JOIN edges e ON e.child = w.node WHERE NOT list_contains(w.path, w.node)) "
            f"SELECT c.__row, {ord_of(self.spec, col.name, 1)}, {qs(col.name)}, 'reference', "
            f"{reason} FROM walk w JOIN {self.checked} c ON c.{child} = w.start "
            f"AND c.{open_rows} WHERE w.node = w.start"
        )

    # --- results ----------------------------------------------------------------------------
    def build_keys(self, name: str, column: str) -> None:
        """`name`(k, accepted_row, first_row[, owner]): where each key value is, and whether
        that row was accepted."""
        c = qi(column)
        owner = ""
        if self.spec.name == "accounts":
            owner = ", arg_min(customer_id, __row) FILTER (WHERE NOT rejected) AS owner"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS "
            f"SELECT {c} AS k, min(__row) FILTER (WHERE NOT rejected) AS accepted_row, "
            f"min(__row) AS first_row{owner} FROM (SELECT *, __row IN "
            f"(SELECT row FROM {self.problems}) AS rejected FROM {self.checked}) "
            f"WHERE {qi('__e_' + column)} = 0 GROUP BY {c}"
        )

    def finish(self) -> None:
        """Keep the keys other tables refer to; drop the raw text."""
        if any(
            col.references and col.references[0] == self.spec.name
            for spec in TABLES.values()
            for col in spec.columns
            if spec.name != self.spec.name
        ):
            self.build_keys(f"keys_{self.spec.name}", self.spec.key[0])

    def _count(self) -> int:
        return int(self.con.sql(f"SELECT count(*) FROM {self.problems}").fetchall()[0][0])

    def rejected_count(self) -> int:
        rows = self.con.sql(f"SELECT count(DISTINCT row) FROM {self.problems}").fetchall()
        return int(rows[0][0])

    def problem_summary(self) -> dict[str, int]:
        rows = self.con.sql(
            f"SELECT \"column\" || ': ' || kind, count(*) FROM {self.problems} "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return {k: int(n) for k, n in rows}

    def accepted_sql(self, columns: str = "*") -> str:
        """SELECT of the accepted rows of `checked_<t>`."""
        return (
            f"SELECT {columns} FROM {self.checked} c "
            f"WHERE c.__row NOT IN (SELECT row FROM {self.problems})"
        )
