"""Finds the records to blame when DuckDB refuses a batch.

The fast path lets DuckDB's typed JSON reader parse a whole batch; when it fails, its
error names a value, not an input line. This module re-reads the staged batch in Python,
checks each record (key properties, JSON types, then every ``date-time`` / ``date`` /
``time`` string through DuckDB's own casts) and returns the offending input lines with a
reason each.
"""

# SQL here is composed from identifiers passed through brainhub.sql.quote_identifier and literals through
# brainhub.sql.quote_string; values from records are never spliced into SQL text.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import msgspec

from targets.duckdb.layout import LINE_COLUMN
from targets.duckdb.types import json_types, schema_branch
from targets.duckdb.validate import RecordValidator, show

_FORMAT_TYPES = {"date-time": "TIMESTAMPTZ", "date": "DATE", "time": "TIME"}


@dataclass(frozen=True)
class BadRecord:
    """One record that cannot be loaded."""

    row: int
    """Position in the staging file."""
    line: int
    """Input line number."""
    reason: str
    message: str
    missing_key: bool = False
    malformed: bool = False
    """The line is not JSON at all (staged unread because validation was off)."""


def find_bad_records(
    conn: duckdb.DuckDBPyConnection,
    staged_file: str,
    lines: Sequence[int],
    validator: RecordValidator,
) -> list[BadRecord]:
    """Return the records of ``staged_file`` that violate the stream's schema, in order.

    ``lines`` gives the input line number of each row of the file.
    """
    bad: dict[int, BadRecord] = {}
    messages: list[str] = []
    formatted: list[tuple[int, str, str, str]] = []  # row, path, value, duckdb type
    with open(staged_file, "rb") as handle:
        for row, raw in enumerate(handle):
            text = raw.decode(errors="replace").rstrip()
            messages.append(text)
            try:
                message = msgspec.json.decode(raw)
            except msgspec.DecodeError as exc:
                reason = f"malformed JSON ({str(exc).splitlines()[0]})"
                bad[row] = BadRecord(row, lines[row], reason, text, malformed=True)
                break  # nothing after a broken line is trusted
            message.pop(LINE_COLUMN, None)
            text = messages[-1] = msgspec.json.encode(message).decode()
            record = message.get("record")
            violation = validator.check(msgspec.json.encode(record))
            if violation is not None:
                bad[row] = BadRecord(row, lines[row], violation.reason, text, violation.missing_key)
                continue
            for path, value, duck_type in _formatted_values(validator.schema, record, ""):
                formatted.append((row, path, value, duck_type))
    for row, path, value, duck_type in _failed_casts(conn, formatted):
        if row not in bad:
            fmt = next(k for k, v in _FORMAT_TYPES.items() if v == duck_type)
            reason = f"record violates schema: {path!r} is not a valid {fmt} (got {show(value)})"
            bad[row] = BadRecord(row, lines[row], reason, messages[row])
    return [bad[row] for row in sorted(bad)]


def _formatted_values(schema: Any, value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    if not isinstance(schema, dict) or value is None:
        return
    if isinstance(value, str):
        kinds = json_types(schema)
        if "string" in kinds:
            fmt = schema_branch(schema, "string").get("format")
            if fmt in _FORMAT_TYPES and len([k for k in kinds if k != "null"]) == 1:
                yield path, value, _FORMAT_TYPES[fmt]
    elif isinstance(value, dict):
        part = schema_branch(schema, "object")
        for name, sub in (part.get("properties") or {}).items():
            if name in value:
                yield from _formatted_values(sub, value[name], f"{path}.{name}".lstrip("."))
    elif isinstance(value, list):
        items = schema_branch(schema, "array").get("items")
        for index, item in enumerate(value):
            yield from _formatted_values(items, item, f"{path}.{index}")


def _failed_casts(
    conn: duckdb.DuckDBPyConnection, values: list[tuple[int, str, str, str]]
) -> list[tuple[int, str, str, str]]:
    failed: list[tuple[int, str, str, str]] = []
    for duck_type in {v[3] for v in values}:
        subset = [v for v in values if v[3] == duck_type]
        texts = [v[2] for v in subset]
        rows = conn.execute(
            f"SELECT i FROM (SELECT unnest(range(len($1))) AS i, unnest($1) AS v) "
            f"WHERE TRY_CAST(v AS {duck_type}) IS NULL",
            [texts],
        ).fetchall()
        failed.extend(subset[i] for (i,) in rows)
    return sorted(failed)
