"""Helpers for the transform tests: evaluate a function chain in DuckDB on Python values."""

from __future__ import annotations

import functools
import json
from typing import Any

import duckdb
import yaml

from transforms.engine.compiler import Catalog, compile_output
from transforms.engine.loader import load_mapping_text
from transforms.engine.types import column_type

_CONNECTION = duckdb.connect()
_CONNECTION.execute("SET TimeZone = 'UTC'")


def evaluate(values: list[Any], sql_type: str, apply: list[Any], **field: Any) -> list[Any]:
    """Run ``apply`` on each value (stored in a column of ``sql_type``); nulls on failure."""
    connection = _CONNECTION.cursor()
    connection.execute(f"CREATE OR REPLACE TEMP TABLE src (n INTEGER, v {sql_type}, w {sql_type})")
    if values:
        others = field.get("other", [None] * len(values))
        rows = ", ".join("(?, ?, ?)" for _ in values)
        params = [item for i, v in enumerate(values) for item in (i, v, others[i])]
        connection.execute(f"INSERT INTO src VALUES {rows}", params)  # noqa: S608 - placeholders
    select = _compiled_select(sql_type, json.dumps(apply))
    rows_out = connection.execute(select + " ORDER BY 1").fetchall()
    connection.close()
    return [row[1] for row in rows_out]


@functools.cache
def _compiled_select(sql_type: str, apply_json: str) -> str:
    apply = json.loads(apply_json)
    document = {
        "version": 1,
        "outputs": {
            "t.out": {
                "from": "src",
                "on_conversion_error": "null",
                "fields": {"n": "n", "r": {"from": "v", "apply": apply}},
            }
        },
    }
    (output,) = load_mapping_text(yaml.safe_dump(document), "test.yaml")
    value_type = column_type(_CONNECTION.sqltype(sql_type))
    catalog = Catalog(
        {
            "src": {
                "n": column_type(_CONNECTION.sqltype("INTEGER")),
                "v": value_type,
                "w": value_type,
            }
        }
    )
    return compile_output(output, catalog).select_all
