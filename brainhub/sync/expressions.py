"""A definition's functions and filters, in the transform stage's mapping language.

``to_right: [{map_values: {open: to do}}]`` is a field's ``apply:`` chain and
``filter: {left: {field: archived, op: eq, value: false}}`` a mapping filter; both become the
mapping model's own objects, so the transform stage's compiler turns them into SQL and its
function checks apply unchanged.
"""

from __future__ import annotations

from typing import Any

from transforms.engine import functions
from transforms.engine.errors import Location
from transforms.engine.filters import COMPARISONS
from transforms.engine.model import (
    BoolOp,
    Condition,
    FieldRef,
    Filter,
    FunctionArg,
    FunctionCall,
    Now,
)

FILTER_OPS = (*COMPARISONS, "in", "not_in", "is_null", "not_null", "contains", "starts_with",
              "ends_with", "matches")  # fmt: skip
NO_LOCATION = Location("sync definition")


class ExpressionError(ValueError):
    """A function or filter is invalid; ``path`` says where inside the node it was given."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def parse_apply(node: Any) -> tuple[FunctionCall, ...]:
    """An ``apply`` list (names or one-key mappings) as checked function calls."""
    if node is None:
        return ()
    return tuple(_function(entry, index) for index, entry in enumerate(node))


def _function(entry: Any, index: int) -> FunctionCall:
    args: tuple[FunctionArg, ...]
    if isinstance(entry, str):
        name, args = entry, ()
    else:
        name, raw = next(iter(entry.items()))
        if isinstance(raw, dict):  # a lookup table (map_values)
            args = (tuple((str(key), value) for key, value in raw.items()),)
        else:
            args = tuple(raw) if isinstance(raw, list) else (raw,)
    if name not in functions.SPECS:
        valid = ", ".join(functions.SPECS)
        raise ExpressionError(f"unknown function {name!r} (valid: {valid})", (index,))
    call = FunctionCall(name, args, NO_LOCATION)
    try:
        functions.check_call(call)
    except functions.FunctionArgumentError as error:
        raise ExpressionError(f"function {name}: {error}", (index,)) from None
    return call


def parse_filter(node: Any, path: tuple[str | int, ...] = ()) -> Filter:
    """A mapping-language filter: ``{field, op, value}`` or ``all``/``any``/``not``."""
    if not isinstance(node, dict):
        raise ExpressionError("a filter is a mapping: {field, op, value}, all, any or not", path)
    for op in ("all", "any"):
        if op in node:
            parts = node[op]
            if not isinstance(parts, list) or not parts:
                raise ExpressionError(f"{op}: needs a list of filters", (*path, op))
            return BoolOp(
                op,
                tuple(parse_filter(p, (*path, op, i)) for i, p in enumerate(parts)),
                NO_LOCATION,
            )
    if "not" in node:
        return BoolOp("not", (parse_filter(node["not"], (*path, "not")),), NO_LOCATION)
    if not isinstance(node.get("field"), str) or "op" not in node:
        raise ExpressionError("a filter condition needs field and op (and most ops a value)", path)
    op = node["op"]
    if op not in FILTER_OPS:
        raise ExpressionError(f"unknown filter op {op!r} (valid: {', '.join(FILTER_OPS)})", path)
    value: Any = node.get("value")
    if isinstance(value, dict):
        value = FieldRef(value["field"]) if "field" in value else Now()
    elif isinstance(value, list):
        value = tuple(value)
    if op not in ("is_null", "not_null") and "value" not in node:
        raise ExpressionError(f"filter op {op!r} needs a value", path)
    return Condition(node["field"], op, value, NO_LOCATION)
