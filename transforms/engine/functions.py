"""The functions of the mapping language and the DuckDB SQL each compiles to.

Each function takes the SQL of its input value and the input's kind (see ``types``) and
returns the SQL of its result and the result's kind. Conversion functions
(``to_int`` … ``to_date``) never raise inside DuckDB: a value they cannot convert becomes
NULL, and the compiler turns "input not null, output null" into a per-row check that
rejects the row, nulls the value or fails the run (``on_conversion_error``).

The exact semantics, which ``tests/unit/transforms`` checks against Python references:

- ``uppercase`` / ``lowercase``: per-character case mapping of the value as text.
- ``trim``: strip whitespace at both ends (Unicode whitespace, as Python's ``str.strip()``).
- ``to_int``: text must be an optionally signed run of ASCII digits, optionally followed by
  ``.`` and zeros, with optional surrounding whitespace, and fit in 64 bits; floats must be
  whole; booleans give 1/0.
- ``to_float``: decimal or scientific notation text; the result must be finite.
- ``to_bool``: ``true t yes y on 1`` / ``false f no n off 0`` (any case, trimmed); 1/0.
- ``map_values``: a lookup table ``{from: to, …}``; the value, as text, is replaced by its
  entry, and a value without an entry becomes NULL. On a list each element is looked up
  and elements without an entry are left out (``[bug, question]`` with ``{bug: defect}``
  gives ``[defect]``).
- ``adf_text``: an Atlassian Document Format document (Jira's rich text) as plain text:
  the text of each top-level block on its own line; a block holding other blocks (a list,
  a quote, a table) gives one line per child block (each list item, each row). Text that
  is not a document is kept as it is.
- ``to_timestamp``: ISO 8601 text (an offset is converted to UTC), or with an argument
  ``epoch_s`` / ``epoch_ms`` (numbers or numeric text) or a strptime pattern; the result is
  a UTC ``TIMESTAMP`` between years 1 and 9999. ``to_date`` likewise, giving a ``DATE``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from brainhub.sql import quote_literal, quote_string
from transforms.engine import types as k
from transforms.engine.model import FunctionArg, FunctionCall, Scalar, Table

WHITESPACE = " \t\n\r\f"
UNICODE_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_NON_SPACE_WHITESPACE = tuple(c for c in UNICODE_WHITESPACE if unicodedata.category(c) != "Zs")
_WS = "[ \\t\\n\\r\\f]*"
INT_PATTERN = f"^{_WS}([+-]?[0-9]+)(\\.0*)?{_WS}$"
FLOAT_PATTERN = f"^{_WS}([+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?){_WS}$"
TRUE_WORDS = ("true", "t", "yes", "y", "on", "1")
FALSE_WORDS = ("false", "f", "no", "n", "off", "0")
MIN_MICROS = -62135596800000000  # 0001-01-01T00:00:00
MAX_MICROS = 253402300799999999  # 9999-12-31T23:59:59.999999
EPOCH_UNITS = {"epoch_s": 1_000_000, "epoch_ms": 1_000}

PathCompiler = Callable[[str], tuple[str, str]]
"""Compiles a field path to (SQL, kind); used by ``coalesce``."""


class FunctionArgumentError(ValueError):
    """A function was given the wrong number or kind of arguments, or a wrong input kind."""


@dataclass(frozen=True)
class Compiled:
    """The SQL of a value and its kind."""

    sql: str
    kind: str


@dataclass(frozen=True)
class FunctionSpec:
    """A function's name, arity, whether it can fail per row, and its one-line summary."""

    name: str
    min_args: int
    max_args: int | None
    converts: bool
    summary: str

    def arity_text(self) -> str:
        """Human text for the number of arguments this function takes."""
        if self.max_args is None:
            return f"at least {self.min_args}"
        if self.min_args == self.max_args:
            return str(self.min_args)
        return f"{self.min_args} to {self.max_args}"


SPECS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        FunctionSpec("uppercase", 0, 0, False, "text in upper case"),
        FunctionSpec("lowercase", 0, 0, False, "text in lower case"),
        FunctionSpec("trim", 0, 0, False, "text without surrounding whitespace"),
        FunctionSpec("replace", 2, 2, False, "replace(old, new): every occurrence of old"),
        FunctionSpec("format", 1, 1, False, "format(pattern): every {} in pattern is the value"),
        FunctionSpec("regex_extract", 1, 2, False, "regex_extract(pattern[, group]); null if no match"),
        FunctionSpec("default", 1, 1, False, "default(value): value when null"),
        FunctionSpec("coalesce", 1, None, False, "coalesce(path, …): first non-null of value, paths"),
        FunctionSpec("hash", 0, 0, False, "sha256 of the value as text, hex"),
        FunctionSpec("join", 1, 1, False, "join(separator): a list as text"),
        FunctionSpec("map_values", 1, 1, False, "map_values({from: to, …}): looked up; null (dropped from a list) if absent"),
        FunctionSpec("adf_text", 0, 0, False, "a Jira (ADF) rich-text document as plain text, one line per block"),
        FunctionSpec("multiply", 1, 1, False, "multiply(n)"),
        FunctionSpec("divide", 1, 1, False, "divide(n), a float"),
        FunctionSpec("round", 1, 1, False, "round(digits)"),
        FunctionSpec("to_string", 0, 0, False, "the value as text (objects and lists as JSON)"),
        FunctionSpec("to_int", 0, 0, True, "a 64-bit integer"),
        FunctionSpec("to_float", 0, 0, True, "a double"),
        FunctionSpec("to_bool", 0, 0, True, "a boolean"),
        FunctionSpec("to_timestamp", 0, 1, True, "to_timestamp([epoch_s|epoch_ms|pattern]), UTC"),
        FunctionSpec("to_date", 0, 1, True, "to_date([epoch_s|epoch_ms|pattern])"),
    )
}  # fmt: skip


def check_call(call: FunctionCall) -> None:
    """Check a call's name, argument count and argument values (no types needed).

    Raises ``FunctionArgumentError`` naming what is wrong and what is valid; an unknown
    name raises ``KeyError``.
    """
    spec = SPECS[call.name]
    if call.name != "map_values" and any(isinstance(arg, tuple) for arg in call.args):
        raise FunctionArgumentError(f"{call.name} takes plain values, not a table ({spec.summary})")
    count = len(call.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        raise FunctionArgumentError(
            f"{call.name} takes {spec.arity_text()} argument(s), got {count} ({spec.summary})"
        )
    _ARG_CHECKS.get(call.name, _no_check)(call.args)


def _no_check(args: tuple[FunctionArg, ...]) -> None:
    return None


def _text_args(name: str, *positions: int) -> Callable[[tuple[FunctionArg, ...]], None]:
    def check(args: tuple[FunctionArg, ...]) -> None:
        for position in positions:
            if position < len(args) and not isinstance(args[position], str):
                raise FunctionArgumentError(
                    f"{name} argument {position + 1} must be text, got {args[position]!r}"
                )

    return check


def _check_replace(args: tuple[FunctionArg, ...]) -> None:
    _text_args("replace", 0, 1)(args)
    if args[0] == "":
        raise FunctionArgumentError("replace: the text to replace cannot be empty")


def _check_regex(args: tuple[FunctionArg, ...]) -> None:
    _text_args("regex_extract", 0)(args)
    try:
        compiled = re.compile(str(args[0]))
    except re.error as error:
        raise FunctionArgumentError(
            f"regex_extract: invalid pattern {args[0]!r}: {error}"
        ) from None
    if len(args) > 1:
        group = args[1]
        if not isinstance(group, int) or isinstance(group, bool) or group < 0:
            raise FunctionArgumentError(
                f"regex_extract: group must be an integer ≥ 0, got {group!r}"
            )
        if group > compiled.groups:
            raise FunctionArgumentError(
                f"regex_extract: group {group} but the pattern has {compiled.groups} group(s)"
            )


def _check_number(
    name: str, *, nonzero: bool = False, integer: bool = False
) -> Callable[[tuple[FunctionArg, ...]], None]:
    def check(args: tuple[FunctionArg, ...]) -> None:
        value = args[0]
        wanted = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            kind = "an integer" if integer else "a number"
            raise FunctionArgumentError(f"{name} needs {kind}, got {value!r}")
        if nonzero and value == 0:
            raise FunctionArgumentError(f"{name} by zero")

    return check


def _check_time_format(name: str) -> Callable[[tuple[FunctionArg, ...]], None]:
    def check(args: tuple[FunctionArg, ...]) -> None:
        if not args:
            return
        value = args[0]
        if not isinstance(value, str) or (value not in EPOCH_UNITS and "%" not in value):
            raise FunctionArgumentError(
                f"{name}: format must be epoch_s, epoch_ms or a strptime pattern "
                f"containing %, got {value!r}"
            )

    return check


def _check_coalesce(args: tuple[FunctionArg, ...]) -> None:
    for arg in args:
        if not isinstance(arg, str) or not arg:
            raise FunctionArgumentError(f"coalesce takes field paths, got {arg!r}")


def _check_default(args: tuple[FunctionArg, ...]) -> None:
    if args[0] is None:
        raise FunctionArgumentError("default(null) does nothing; give a value")


def _check_table(args: tuple[FunctionArg, ...]) -> None:
    table = args[0]
    if not isinstance(table, tuple) or not table:
        raise FunctionArgumentError(
            f"map_values takes a table {{from: to, …}} with at least one entry, got {table!r}"
        )
    kinds = {type(to) for _, to in table if to is not None}
    if len(kinds) > 1 or (kinds and not kinds <= {str, int, float, bool}):
        raise FunctionArgumentError(
            "map_values: every value of the table must be of one kind (all text, all "
            f"numbers or all booleans), got {sorted(repr(to) for _, to in table)}"
        )


_ARG_CHECKS: dict[str, Callable[[tuple[FunctionArg, ...]], None]] = {
    "map_values": _check_table,
    "replace": _check_replace,
    "format": _text_args("format", 0),
    "regex_extract": _check_regex,
    "default": _check_default,
    "coalesce": _check_coalesce,
    "join": _text_args("join", 0),
    "multiply": _check_number("multiply"),
    "divide": _check_number("divide", nonzero=True),
    "round": _check_number("round", integer=True),
    "to_timestamp": _check_time_format("to_timestamp"),
    "to_date": _check_time_format("to_date"),
}


# --- SQL generation -------------------------------------------------------------------


def as_text(value: Compiled) -> str:
    """SQL giving ``value`` as VARCHAR: objects and lists as JSON text, a JSON string as
    its text (``"abc"`` → ``abc``)."""
    if value.kind == k.TEXT:
        return value.sql
    if value.kind == k.JSON:
        return f"json_extract_string({value.sql}, '$')"
    if value.kind in (k.STRUCT, k.LIST):
        return f"CAST(to_json({value.sql}) AS VARCHAR)"
    return f"CAST({value.sql} AS VARCHAR)"


def _require_scalar(name: str, value: Compiled) -> None:
    if value.kind in (k.STRUCT, k.LIST):
        raise FunctionArgumentError(
            f"{name} needs a single value but gets a {value.kind}; "
            "use a path into it (a.b), join a list, or to_string"
        )


def _text_function(template: str) -> Callable[[Compiled, FunctionCall, PathCompiler], Compiled]:
    def build(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
        _require_scalar(call.name, value)
        args = [quote_string(str(arg)) for arg in call.args]
        return Compiled(template.format(as_text(value), *args), k.TEXT)

    return build


def _trim(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    _require_scalar(call.name, value)
    text = as_text(value)
    # DuckDB's plain trim() strips the Unicode space separators and is fast; text holding
    # any other whitespace takes the general form.
    other = _contains_any(text, _NON_SPACE_WHITESPACE)
    general = f"trim({text}, {quote_string(UNICODE_WHITESPACE)})"
    return Compiled(f"CASE WHEN {other} THEN {general} ELSE trim({text}) END", k.TEXT)


def _regex_extract(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    _require_scalar(call.name, value)
    text = as_text(value)
    pattern = quote_string(str(call.args[0]))
    group = int(call.args[1]) if len(call.args) > 1 else 0  # type: ignore[arg-type]
    return Compiled(
        f"CASE WHEN regexp_matches({text}, {pattern}) "
        f"THEN regexp_extract({text}, {pattern}, {group}) END",
        k.TEXT,
    )


def _default(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    return Compiled(f"COALESCE({value.sql}, {quote_literal(call.args[0])})", value.kind)


def _coalesce(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    others = [paths(str(arg))[0] for arg in call.args]
    return Compiled(f"COALESCE({value.sql}, {', '.join(others)})", value.kind)


def _hash(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    return Compiled(f"sha256({as_text(value)})", k.TEXT)


def _join(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    if value.kind not in (k.LIST, k.UNKNOWN):
        raise FunctionArgumentError(f"join needs a list, gets a {value.kind}")
    return Compiled(f"array_to_string({value.sql}, {quote_string(str(call.args[0]))})", k.TEXT)


def _table_kind(table: Table) -> str:
    values = [to for _, to in table if to is not None]
    if not values or isinstance(values[0], str):
        return k.TEXT
    if isinstance(values[0], bool):
        return k.BOOLEAN
    return k.FLOAT if any(isinstance(v, float) for v in values) else k.INTEGER


def _map_values(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    table = call.args[0]
    assert isinstance(table, tuple)  # checked by check_call
    branches = " ".join(
        f"WHEN {quote_string(source)} THEN {quote_literal(target)}" for source, target in table
    )
    kind = _table_kind(table)

    def lookup(text_sql: str) -> str:
        return f"(CASE {text_sql} {branches} ELSE NULL END)"

    if value.kind == k.LIST:
        element = Compiled("__bh_e", k.UNKNOWN)
        mapped = f"list_transform({value.sql}, lambda __bh_e: {lookup(as_text(element))})"
        return Compiled(f"list_filter({mapped}, lambda __bh_m: __bh_m IS NOT NULL)", k.LIST)
    if value.kind == k.STRUCT:
        _require_scalar(call.name, value)
    return Compiled(lookup(as_text(value)), kind)


def _adf_text(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    if value.kind == k.TEXT:
        return value
    if value.kind in (k.STRUCT, k.LIST):
        doc = f"CAST(to_json({value.sql}) AS JSON)"
    elif value.kind in (k.JSON, k.UNKNOWN):
        doc = f"CAST({value.sql} AS JSON)"
    else:
        raise FunctionArgumentError(f"adf_text needs a document or text, gets a {value.kind}")
    inline = "list_filter(json_extract_string({0}, '$.content[*].text'), lambda __bh_t: __bh_t IS NOT NULL)"
    own = inline.format("__bh_b")
    children = (
        "list_transform(json_extract(__bh_b, '$.content[*]'), "
        "lambda __bh_c: array_to_string(json_extract_string(__bh_c, '$..text'), ''))"
    )
    lines = (
        f"flatten(list_transform(json_extract({doc}, '$.content[*]'), lambda __bh_b: "
        f"CASE WHEN len({own}) > 0 THEN [array_to_string({own}, '')] "
        f"ELSE {children} END))"
    )
    text = f"array_to_string({lines}, chr(10))"
    is_doc = f"json_extract_string({doc}, '$.type') = 'doc'"
    plain = f"json_extract_string({doc}, '$')"
    return Compiled(
        f"CASE WHEN {value.sql} IS NULL THEN NULL WHEN json_type({doc}) = 'VARCHAR' THEN {plain} "
        f"WHEN {is_doc} THEN {text} END",
        k.TEXT,
    )


def _arithmetic(operator: str) -> Callable[[Compiled, FunctionCall, PathCompiler], Compiled]:
    def build(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
        if value.kind not in (*k.NUMERIC, k.UNKNOWN):
            raise FunctionArgumentError(f"{call.name} needs a number, gets a {value.kind}")
        operand = call.args[0]
        kind = k.FLOAT if operator == "/" or isinstance(operand, float) else value.kind
        return Compiled(f"({value.sql} {operator} {quote_literal(operand)})", kind)

    return build


def _round(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    if value.kind not in (*k.NUMERIC, k.UNKNOWN):
        raise FunctionArgumentError(f"round needs a number, gets a {value.kind}")
    return Compiled(f"round({value.sql}, {int(call.args[0])})", value.kind)  # type: ignore[arg-type]


def _to_string(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    return Compiled(as_text(value), k.TEXT)


# Characters that DuckDB's own casts accept beyond the strict grammars above (hex, binary,
# digit separators, exponents in integers, vertical tab, doubled signs). Text without them
# takes the fast path, DuckDB's TRY_CAST, which then agrees with the strict grammar; text
# with them takes the strict (regular expression) path.
_INT_SUSPECTS = (".", "e", "E", "x", "X", "b", "B", "_", "\x0b")
_FLOAT_SUSPECTS = ("_", "\x0b", "x", "X", "+-", "-+", "--", "++")


def _contains_any(text_sql: str, needles: tuple[str, ...]) -> str:
    # LIKE '%x%' is DuckDB's fastest substring test; needles holding LIKE's own wildcards
    # use contains() instead of an ESCAPE clause (which DuckDB does not optimise).
    tests = [
        f"contains({text_sql}, {quote_string(n)})"
        if "_" in n or "%" in n
        else f"{text_sql} LIKE {quote_string('%' + n + '%')}"
        for n in needles
    ]
    return "(" + " OR ".join(tests) + ")"


def int_from_text(text_sql: str) -> str:
    """SQL parsing integer text strictly (see module docs); NULL when it is not one."""
    strict = f"TRY_CAST(regexp_extract({text_sql}, {quote_string(INT_PATTERN)}, 1) AS BIGINT)"
    return (
        f"CASE WHEN {_contains_any(text_sql, _INT_SUSPECTS)} THEN {strict} "
        f"ELSE TRY_CAST({text_sql} AS BIGINT) END"
    )


def float_from_text(text_sql: str) -> str:
    """SQL parsing decimal or scientific text to a finite DOUBLE; NULL when it is not one."""
    strict = f"TRY_CAST(regexp_extract({text_sql}, {quote_string(FLOAT_PATTERN)}, 1) AS DOUBLE)"
    parsed = (
        f"CASE WHEN {_contains_any(text_sql, _FLOAT_SUSPECTS)} THEN {strict} "
        f"ELSE TRY_CAST({text_sql} AS DOUBLE) END"
    )
    return f"CASE WHEN isfinite({parsed}) THEN {parsed} END"


def _to_int(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    _require_scalar(call.name, value)
    if value.kind == k.INTEGER:
        sql = f"TRY_CAST({value.sql} AS BIGINT)"
    elif value.kind == k.FLOAT:
        sql = f"CASE WHEN {value.sql} = trunc({value.sql}) THEN TRY_CAST({value.sql} AS BIGINT) END"
    elif value.kind == k.BOOLEAN:
        sql = f"CAST({value.sql} AS BIGINT)"
    else:
        sql = int_from_text(as_text(value))
    return Compiled(sql, k.INTEGER)


def _to_float(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    _require_scalar(call.name, value)
    if value.kind in k.NUMERIC:
        sql = (
            f"CASE WHEN isfinite(CAST({value.sql} AS DOUBLE)) THEN CAST({value.sql} AS DOUBLE) END"
        )
    elif value.kind == k.BOOLEAN:
        sql = f"CAST(CAST({value.sql} AS INTEGER) AS DOUBLE)"
    else:
        sql = float_from_text(as_text(value))
    return Compiled(sql, k.FLOAT)


def _to_bool(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    _require_scalar(call.name, value)
    if value.kind == k.BOOLEAN:
        return value
    if value.kind in k.NUMERIC:
        return Compiled(f"CASE {value.sql} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END", k.BOOLEAN)
    word = f"lower(trim({as_text(value)}, {quote_string(WHITESPACE)}))"
    branches = " ".join(
        [f"WHEN {quote_string(w)} THEN TRUE" for w in TRUE_WORDS]
        + [f"WHEN {quote_string(w)} THEN FALSE" for w in FALSE_WORDS]
    )
    return Compiled(f"CASE {word} {branches} END", k.BOOLEAN)


def _whole_epoch(number_sql: str, unit: int) -> str:
    """A BIGINT epoch in ``unit`` (µs per unit) to TIMESTAMP, NULL outside years 1-9999."""
    low, high = -(-MIN_MICROS // unit), MAX_MICROS // unit
    return f"CASE WHEN {number_sql} BETWEEN {low} AND {high} THEN make_timestamp({number_sql} * {unit}) END"


def _fractional_epoch(number_sql: str, unit: int) -> str:
    """A DOUBLE epoch in ``unit`` to TIMESTAMP (to the microsecond), NULL outside years 1-9999."""
    micros = f"({number_sql} * {unit})"
    return (
        f"CASE WHEN {micros} BETWEEN {MIN_MICROS} AND {MAX_MICROS} "
        f"THEN make_timestamp(CAST(round({micros}) AS BIGINT)) END"
    )


def _epoch_timestamp(value: Compiled, unit: int, name: str) -> str:
    """SQL of an epoch value (number or numeric text) as TIMESTAMP; exact for integers."""
    if value.kind == k.INTEGER:
        return _whole_epoch(f"CAST({value.sql} AS BIGINT)", unit)
    if value.kind in (k.FLOAT, k.BOOLEAN):
        return _fractional_epoch(f"CAST({value.sql} AS DOUBLE)", unit)
    if value.kind in (k.TEXT, k.UNKNOWN, k.JSON, k.OTHER):
        text = as_text(value)
        strict_int = f"TRY_CAST(regexp_extract({text}, {quote_string(INT_PATTERN)}, 1) AS BIGINT)"
        fast = _whole_epoch(f"TRY_CAST({text} AS BIGINT)", unit)
        slow = (
            f"COALESCE({_whole_epoch(strict_int, unit)}, "
            f"{_fractional_epoch(float_from_text(text), unit)})"
        )
        return f"CASE WHEN {_contains_any(text, _INT_SUSPECTS)} THEN {slow} ELSE {fast} END"
    raise FunctionArgumentError(f"{name} with an epoch unit needs a number, gets a {value.kind}")


def _scalar(arg: FunctionArg) -> Scalar:
    """A plain argument (``check_call`` refuses tables for every function but map_values)."""
    assert not isinstance(arg, tuple)
    return arg


def timestamp_sql(value: Compiled, fmt: Scalar, name: str) -> str:
    """SQL converting ``value`` to a UTC TIMESTAMP following ``fmt`` (see module docs)."""
    _require_scalar(name, value)
    if isinstance(fmt, str) and fmt in EPOCH_UNITS:
        return _epoch_timestamp(value, EPOCH_UNITS[fmt], name)
    if value.kind == k.TIMESTAMP:
        return f"CAST({value.sql} AS TIMESTAMP)"
    if value.kind == k.DATE:
        return f"CAST({value.sql} AS TIMESTAMP)"
    if value.kind in k.NUMERIC:
        raise FunctionArgumentError(f"{name} of a number needs a unit: epoch_s or epoch_ms")
    text = as_text(value)
    if isinstance(fmt, str):
        parsed = f"try_strptime({text}, {quote_string(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            parsed = f"timezone('UTC', {parsed})"
        return f"CAST({parsed} AS TIMESTAMP)"
    return f"CAST(timezone('UTC', TRY_CAST({text} AS TIMESTAMPTZ)) AS TIMESTAMP)"


def _to_timestamp(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    fmt = _scalar(call.args[0]) if call.args else None
    return Compiled(timestamp_sql(value, fmt, call.name), k.TIMESTAMP)


def _to_date(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    if value.kind == k.DATE:
        return value
    if not call.args and value.kind in (k.TEXT, k.UNKNOWN, k.JSON, k.OTHER):
        return Compiled(f"TRY_CAST({as_text(value)} AS DATE)", k.DATE)
    fmt = _scalar(call.args[0]) if call.args else None
    return Compiled(f"CAST({timestamp_sql(value, fmt, call.name)} AS DATE)", k.DATE)


BUILDERS: dict[str, Callable[[Compiled, FunctionCall, PathCompiler], Compiled]] = {
    "uppercase": _text_function("upper({0})"),
    "lowercase": _text_function("lower({0})"),
    "trim": _trim,
    "replace": _text_function("replace({0}, {1}, {2})"),
    "format": _text_function("replace({1}, '{{}}', {0})"),
    "regex_extract": _regex_extract,
    "default": _default,
    "coalesce": _coalesce,
    "hash": _hash,
    "join": _join,
    "map_values": _map_values,
    "adf_text": _adf_text,
    "multiply": _arithmetic("*"),
    "divide": _arithmetic("/"),
    "round": _round,
    "to_string": _to_string,
    "to_int": _to_int,
    "to_float": _to_float,
    "to_bool": _to_bool,
    "to_timestamp": _to_timestamp,
    "to_date": _to_date,
}


def apply_function(value: Compiled, call: FunctionCall, paths: PathCompiler) -> Compiled:
    """Compile one function call on ``value``; raises ``FunctionArgumentError`` on misuse."""
    return BUILDERS[call.name](value, call, paths)
