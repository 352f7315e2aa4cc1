"""The only two ways user text enters DuckDB SQL anywhere in brainhub.

Every identifier (schema, table, column, alias, struct field) goes through
:func:`quote_identifier`; every literal value goes through :func:`quote_literal`.
Nothing a mapping file, a stream schema or a record says is ever pasted into SQL any other
way, so a hostile field name or value cannot change the meaning of a statement.
"""

from __future__ import annotations

import math
from datetime import date, datetime


def quote_identifier(name: str) -> str:
    """Quote one identifier part for DuckDB: wrap in double quotes, double inner ones.

    >>> quote_identifier('subject')
    '"subject"'
    >>> quote_identifier('a"b')
    '"a""b"'
    """
    if "\x00" in name:
        msg = "identifiers cannot contain NUL characters"
        raise ValueError(msg)
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(name: str) -> str:
    """Quote a dotted ``schema.table`` name part by part."""
    return ".".join(quote_identifier(part) for part in name.split("."))


def quote_string(text: str) -> str:
    """Quote a text literal: wrap in single quotes, double inner ones.

    >>> quote_string("it's")
    "'it''s'"
    """
    if "\x00" in text:
        msg = "text literals cannot contain NUL characters"
        raise ValueError(msg)
    return "'" + text.replace("'", "''") + "'"


def quote_literal(value: object) -> str:
    """Render a YAML scalar (None, bool, int, float, str, date, datetime) as a typed literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"CAST({quote_string(repr(value))} AS DOUBLE)"
        return repr(float(value))
    if isinstance(value, datetime):
        return f"CAST({quote_string(value.isoformat())} AS TIMESTAMP)"
    if isinstance(value, date):
        return f"CAST({quote_string(value.isoformat())} AS DATE)"
    if isinstance(value, str):
        return quote_string(value)
    msg = f"cannot use a {type(value).__name__} as a literal"
    raise TypeError(msg)
