"""A batch of records as one local file: JSONL as given, Parquet and CSV through DuckDB.

For Parquet and CSV the stream's JSON Schema picks the column types: integer → BIGINT,
number → DOUBLE, boolean → BOOLEAN, string with format date-time / date / time →
TIMESTAMPTZ / DATE / TIME, other strings → VARCHAR, objects, arrays and mixed types → JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from brainhub.errors import ConfigError
from brainhub.sql import quote_identifier, quote_string

_FORMATS = {"date-time": "TIMESTAMPTZ", "date": "DATE", "time": "TIME"}
_SCALARS = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


def column_type(schema: Any) -> str:
    """The DuckDB type of a column from its JSON Schema (see the module doc)."""
    if not isinstance(schema, dict):
        return "JSON"
    declared = schema.get("type")
    kinds = [declared] if isinstance(declared, str) else list(declared or [])
    kinds = [k for k in kinds if k != "null"]
    if len(kinds) != 1:
        return "JSON" if kinds and set(kinds) - {"string"} else "VARCHAR"
    (kind,) = kinds
    if kind == "string":
        return _FORMATS.get(str(schema.get("format")), "VARCHAR")
    return _SCALARS.get(kind, "JSON")


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    """One JSON object a line, UTF-8."""
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(
                json.dumps(record, ensure_ascii=False, default=_json_default, separators=(",", ":"))
            )
            out.write("\n")


def _json_default(value: Any) -> Any:
    """Values the SDK hands over parsed (timestamps, decimals) as JSON."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def write_table(
    records: list[dict[str, Any]], schema: dict[str, Any], file_format: str, path: Path, where: str
) -> None:
    """Records as a Parquet or CSV file with the columns of ``schema``."""
    staged = path.with_suffix(".staged.jsonl")
    write_jsonl(records, staged)
    properties = schema.get("properties") or {}
    if properties:
        columns = (
            "{"
            + ", ".join(
                f"{quote_string(name)}: {quote_string(column_type(prop))}"
                for name, prop in properties.items()
            )
            + "}"
        )
        source = f"read_json({quote_string(str(staged))}, format = 'newline_delimited', columns = {columns})"
        selected = ", ".join(quote_identifier(name) for name in properties)
    else:
        source = f"read_json({quote_string(str(staged))}, format = 'newline_delimited')"
        selected = "*"
    options = "FORMAT parquet" if file_format == "parquet" else "FORMAT csv, HEADER true"
    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute(
            f"COPY (SELECT {selected} FROM {source}) TO {quote_string(str(path))} ({options})"  # noqa: S608 - quoted
        )
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"{where}: the records do not fit their schema's types: {first}"
        ) from None
    finally:
        connection.close()
        staged.unlink(missing_ok=True)
