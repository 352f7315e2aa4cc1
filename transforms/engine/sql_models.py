"""Plain ``.sql`` models, for what the mapping format cannot say.

A model file holds one SELECT (or WITH … SELECT). Its output table is named by a header
comment ``-- output: schema.table`` or, without one, by the file name
(``mart_clickup.overdue_tasks.sql``). Its dependencies are read from the statement itself
by DuckDB's parser: every table it reads that another output builds runs first.

A model reads only the warehouse: it runs with DuckDB's external access switched off, so
``read_csv('/etc/passwd')``, ``COPY``, ``ATTACH``, URLs and extensions are refused. A model
that must read outside (a CSV of targets, say) says so in its leading comments with
``-- trusted: true``; trusted models run first, before access is switched off.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb

from transforms.engine.errors import Location, MappingError
from transforms.engine.loader import read_utf8
from transforms.engine.model import SqlModel
from transforms.engine.ownership import check_output_name

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
_HEADER = re.compile(r"^\s*--\s*output\s*:\s*(?P<name>\S+)\s*$", re.IGNORECASE)
_TRUSTED = re.compile(r"^\s*--\s*trusted\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)


def load_sql_model(path: Path, display_name: str | None = None) -> SqlModel:
    """Load one ``.sql`` model; errors name the file and line."""
    file = display_name or str(path)
    text = read_utf8(path, file, "SQL model")
    return parse_sql_model(text, file, default_name=path.name.removesuffix(".sql"))


def parse_sql_model(text: str, file: str, default_name: str) -> SqlModel:
    """Parse a model's text: its output name, its SELECT and what it reads."""
    name, line = default_name, 1
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(raw)
        if match:
            name, line = match["name"], number
            break
    if not _NAME.match(name):
        raise MappingError(
            f"SQL model output name {name!r} must be schema.table; add a header line "
            "'-- output: schema.table' or name the file schema.table.sql",
            Location(file, line),
        )
    check_output_name(name, Location(file, line))
    trusted = _trusted(text, file)
    sql = text.strip().rstrip(";").strip()
    first_line = text[: text.find(sql)].count("\n") + 1 if sql else 1
    tree = _parse(sql, file, first_line)
    statements = tree.get("statements", [])
    if len(statements) != 1 or statements[0].get("node", {}).get("type") not in (
        "SELECT_NODE",
        "SET_OPERATION_NODE",
        "CTE_NODE",
    ):
        raise MappingError(
            "a SQL model must be exactly one SELECT statement (no ';'-separated statements, "
            "no DDL); transform-duckdb creates the table",
            Location(file, 1),
        )
    tables = sorted(_referenced_tables(statements[0]) - _cte_names(statements[0]))
    return SqlModel(
        name=name,
        sql=sql,
        location=Location(file, line),
        depends_on=tuple(tables),
        first_line=first_line,
        trusted=trusted,
    )


def _trusted(text: str, file: str) -> bool:
    """``-- trusted: true`` among the comment lines the file starts with."""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped and not stripped.startswith("--"):
            return False
        match = _TRUSTED.match(raw)
        if match:
            value = match["value"].lower()
            if value not in ("true", "false"):
                raise MappingError(
                    f"'-- trusted:' must be true or false, got {match['value']!r}",
                    Location(file, number),
                )
            return value == "true"
    return False


def _parse(sql: str, file: str, first_line: int) -> dict[str, Any]:
    with duckdb.connect() as connection:
        row = connection.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
    tree = json.loads(row[0][0]) if row else {"error": True, "error_message": "empty"}
    if tree.get("error"):
        message = str(tree.get("error_message", "cannot parse"))
        if "Only SELECT statements" in message:
            return {"statements": [{"node": {"type": "NOT_A_SELECT"}}]}
        position = int(str(tree.get("position") or 0))
        line = first_line + sql[:position].count("\n")
        first = message.splitlines()[0] if message else "cannot parse"
        raise MappingError(f"SQL model does not parse: {first}", Location(file, line))
    return tree


def _referenced_tables(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("table_name"):
            schema = node.get("schema_name") or ""
            found.add(f"{schema}.{node['table_name']}" if schema else node["table_name"])
        for value in node.values():
            found |= _referenced_tables(value)
    elif isinstance(node, list):
        for value in node:
            found |= _referenced_tables(value)
    return found


def _cte_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for entry in (node.get("cte_map") or {}).get("map", []) or []:
            if isinstance(entry, dict) and "key" in entry:
                names.add(str(entry["key"]))
        for value in node.values():
            names |= _cte_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _cte_names(value)
    return names
