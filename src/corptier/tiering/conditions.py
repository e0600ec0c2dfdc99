"""A small, safe condition language over indicator names, compiled to Ibis expressions.

Grammar (Python syntax, parsed with `ast`, nothing is ever evaluated by Python):

    condition  := condition "and" condition | condition "or" condition | "not" condition
                | "(" condition ")" | comparison
    comparison := operand (op operand)+          op: == != < <= > >=
                | NAME "is null" | NAME "is not null"
    operand    := NAME (an indicator) | number | "text" (only == / != against a text indicator)

Examples: ``dep_avg_r3 >= 100_000_000``, ``worst_loan_class_rank >= 3 or max_days_overdue > 90``,
``dep_avg_yoy is null and tenure_months < 12``, ``enterprise_size == "micro"``.

A comparison on a missing value is unknown, and so is `not` of an unknown (SQL's three-valued
logic); an unknown condition is false at the end. So a missing value never makes a condition
match, also under `not` (``not x > 10`` does not match a missing x): write ``x is null``
explicitly when a missing value should match.

A condition is at most MAX_CONDITION_CHARS characters, MAX_CONDITION_DEPTH levels of nesting
(each `not`, `and`/`or`, comparison and sign counts) and MAX_CONDITION_TERMS comparisons, so
that whatever `validate` accepts also compiles and runs on every engine.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from corptier.errors import Text

if TYPE_CHECKING:
    import ibis.expr.types as ir

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_NULL_NAMES = frozenset({"null", "None"})
MAX_CONDITION_CHARS = 4000
MAX_CONDITION_DEPTH = 32
MAX_CONDITION_TERMS = 128


class ConditionError(ValueError):
    """A condition uses something outside the condition language."""


@lru_cache(maxsize=1024)
def parse_condition(text: str) -> ast.expr:
    """Parse and check a condition; raise ConditionError naming what is not allowed."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("a condition must be a non-empty text such as 'dep_avg_r3 >= 1e8'")
    if len(text) > MAX_CONDITION_CHARS:
        raise ConditionError(Text(
            "the condition is {size:,} characters long, more than the limit of "
            "{limit:,}; split it or use a named list", size=len(text), limit=MAX_CONDITION_CHARS))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(Text("cannot read condition {text}: {problem}",
                                  text=_short(text), problem=exc.msg)) from None
    except (RecursionError, MemoryError):
        raise _too_deep(text) from None
    _check_size(tree.body, text)
    _check_bool(tree.body, text)
    return tree.body


def _short(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _too_deep(text: str) -> ConditionError:
    return ConditionError(Text(
        "condition {text} is nested more than {limit} levels deep "
        "(not, and/or, signs, brackets); write it flatter", text=_short(text),
        limit=MAX_CONDITION_DEPTH))


def _check_size(body: ast.expr, text: str) -> None:
    """Nesting depth and number of comparisons within the limits (walked without recursion)."""
    stack: list[tuple[ast.AST, int]] = [(body, 1)]
    terms = 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_CONDITION_DEPTH:
            raise _too_deep(text)
        if isinstance(node, ast.Compare):
            terms += len(node.ops)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if terms > MAX_CONDITION_TERMS:
        raise ConditionError(Text(
            "condition {text} has {terms:,} comparisons, more than the limit of "
            "{limit}; split it into several gates or use a named list", text=_short(text),
            terms=terms, limit=MAX_CONDITION_TERMS))


def condition_names(text: str) -> set[str]:
    """The indicator names a condition refers to."""
    return {
        node.id
        for node in ast.walk(parse_condition(text))
        if isinstance(node, ast.Name) and node.id not in _NULL_NAMES
    }


def check_condition(
    text: str, known: Collection[str], text_columns: Collection[str] = ()
) -> None:
    """Check syntax, that every name is a known indicator and that types fit the operators."""
    body = parse_condition(text)
    unknown = sorted(condition_names(text) - set(known))
    if unknown:
        raise ConditionError(Text("unknown indicator(s) {names} in condition {text!r}",
                                  names=", ".join(unknown), text=text))
    for node in ast.walk(body):
        if isinstance(node, ast.Compare) and not _is_null_test(node):
            _check_compare_types(node, set(text_columns), text)


def compile_condition(text: str, table: ir.Table) -> ir.BooleanValue:
    """The condition as a boolean Ibis expression over `table`; missing values give false."""
    return _compile(parse_condition(text), table).fill_null(False)


# --- checking ------------------------------------------------------------------------------------
def _fail(text: str, what: str) -> ConditionError:
    return ConditionError(Text(
        "{what} is not allowed in condition {text!r}; use indicator names, numbers, "
        "comparisons (== != < <= > >=), and/or/not, 'is null'", what=what, text=text))


def _check_bool(node: ast.expr, text: str) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check_bool(value, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check_bool(node.operand, text)
    elif isinstance(node, ast.Compare):
        _check_compare(node, text)
    else:
        raise _fail(text, Text("'{part}' on its own (a condition must compare)",
                                    part=ast.unparse(node)))


def _check_compare(node: ast.Compare, text: str) -> None:
    ops = [type(op) for op in node.ops]
    if any(op in (ast.Is, ast.IsNot) for op in ops):
        if not _is_null_test(node):
            raise _fail(text, Text("'{part}' (only 'NAME is null' / 'is not null')",
                                        part=ast.unparse(node)))
        return
    for op in node.ops:
        if type(op) not in _COMPARE:
            raise _fail(text, Text("operator '{part}'", part=ast.unparse(node)))
    for operand in (node.left, *node.comparators):
        _check_operand(operand, text)


def _is_null_test(node: ast.Compare) -> bool:
    return (
        len(node.ops) == 1
        and isinstance(node.ops[0], ast.Is | ast.IsNot)
        and isinstance(node.left, ast.Name)
        and node.left.id not in _NULL_NAMES
        and (
            (isinstance(node.comparators[0], ast.Name) and node.comparators[0].id in _NULL_NAMES)
            or (isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value is None)
        )
    )


def _check_operand(node: ast.expr, text: str) -> None:
    if isinstance(node, ast.Name):
        if node.id in _NULL_NAMES:
            raise _fail(text, Text("comparing with null (write 'NAME is null')"))
        return
    if _number(node) is not None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return
    raise _fail(text, f"'{ast.unparse(node)}'")


def _check_compare_types(node: ast.Compare, text_columns: set[str], text: str) -> None:
    operands = [node.left, *node.comparators]
    for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
        kinds = {_kind(left, text_columns), _kind(right, text_columns)}
        if "text" in kinds and "number" in kinds:
            raise ConditionError(Text(
                "'{part}' compares text with a number in condition {text!r}",
                part=ast.unparse(node), text=text))
        if "text" in kinds and type(op) not in (ast.Eq, ast.NotEq):
            raise ConditionError(Text(
                "text can only be compared with == or != in condition {text!r}", text=text))


def _kind(node: ast.expr, text_columns: set[str]) -> str:
    if isinstance(node, ast.Name):
        return "text" if node.id in text_columns else "number"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "text"
    return "number"


def _number(node: ast.expr) -> int | float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


# --- compiling -----------------------------------------------------------------------------------
def _compile(node: ast.expr, table: ir.Table) -> ir.BooleanValue:
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, table) for v in node.values]
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_
        return _balanced(parts, combine)
    if isinstance(node, ast.UnaryOp):  # SQL's NOT: not unknown is unknown, i.e. no match
        return ~_compile(node.operand, table)
    assert isinstance(node, ast.Compare)
    if _is_null_test(node):
        assert isinstance(node.left, ast.Name)
        column = table[node.left.id]
        return column.isnull() if isinstance(node.ops[0], ast.Is) else column.notnull()
    operands = [node.left, *node.comparators]
    terms = [
        _COMPARE[type(op)](_operand(left, table), _operand(right, table))
        for left, op, right in zip(operands, node.ops, operands[1:], strict=False)
    ]
    return _balanced(terms, operator.and_)


def _balanced(parts: list[Any], combine: Callable[[Any, Any], Any]) -> Any:
    """`a op b op c ...` as a balanced tree, so a long chain stays shallow for the engines."""
    while len(parts) > 1:
        paired = [combine(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
        parts = paired + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]


def _operand(node: ast.expr, table: ir.Table) -> Any:
    import ibis  # here, so that checking a standard's conditions does not import Ibis

    if isinstance(node, ast.Name):
        return table[node.id]
    number = _number(node)
    if number is not None:
        return ibis.literal(number)
    assert isinstance(node, ast.Constant)
    return ibis.literal(node.value)
