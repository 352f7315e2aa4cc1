"""Filter expression trees to SQL boolean expressions.

Every leaf is null-safe: a condition on a null value is false (``is_null`` aside), so
``not`` of it is true, as a reader of the mapping file would expect.
"""

from __future__ import annotations

from collections.abc import Callable

from brainhub.sql import quote_literal, quote_string
from transforms.engine.functions import Compiled, as_text
from transforms.engine.model import BoolOp, Condition, FieldRef, Filter, Now

COMPARISONS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
NOW_SQL = "CAST(timezone('UTC', now()) AS TIMESTAMP)"


def compile_filter(node: Filter, paths: Callable[[str, Condition], Compiled]) -> str:
    """SQL for a filter tree; ``paths`` compiles a field path (errors carry the condition)."""
    if isinstance(node, BoolOp):
        parts = [compile_filter(part, paths) for part in node.parts]
        if node.op == "not":
            return f"(NOT {parts[0]})"
        joiner = " AND " if node.op == "all" else " OR "
        return "(" + joiner.join(parts) + ")"
    return f"COALESCE({_condition(node, paths)}, FALSE)"


def _condition(node: Condition, paths: Callable[[str, Condition], Compiled]) -> str:
    left = paths(node.field, node)
    op = node.op
    if op == "is_null":
        return f"({left.sql} IS NULL)"
    if op == "not_null":
        return f"({left.sql} IS NOT NULL)"
    if op in ("in", "not_in"):
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        listed = ", ".join(quote_literal(value) for value in values)
        negation = "NOT " if op == "not_in" else ""
        return f"({left.sql} {negation}IN ({listed}))"
    right = _value(node, paths)
    if op in COMPARISONS:
        return f"({left.sql} {COMPARISONS[op]} {right})"
    text = as_text(left)
    function = {
        "contains": "contains",
        "starts_with": "starts_with",
        "ends_with": "ends_with",
        "matches": "regexp_matches",
    }[op]
    return f"{function}({text}, CAST({right} AS VARCHAR))"


def _value(node: Condition, paths: Callable[[str, Condition], Compiled]) -> str:
    value = node.value
    if isinstance(value, FieldRef):
        return paths(value.path, node).sql
    if isinstance(value, Now):
        return NOW_SQL
    if node.op in ("contains", "starts_with", "ends_with", "matches"):
        return quote_string(str(value))
    return quote_literal(value)
