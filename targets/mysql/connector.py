"""How target-mysql talks to the server: the PyMySQL URL (utf8mb4), and JSON Schema → column types.

MySQL has no schemas inside a database: a stream's schema is a database (``CREATE
SCHEMA`` is ``CREATE DATABASE``). Strings become ``LONGTEXT`` unless they are keys or
declare a ``maxLength`` of 255 or less (``VARCHAR``): a ``TEXT`` column cannot be a
primary key. Date-times become ``DATETIME(6)``, holding UTC (the column has no zone).
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from singer_sdk.sql import SQLConnector
from sqlalchemy.dialects import mysql

#: A key or short string column.
KEY_LENGTH = 255


def _non_null_types(schema: dict) -> list[str]:
    declared = schema.get("type", [])
    types = [declared] if isinstance(declared, str) else list(declared)
    if not types and "anyOf" in schema:
        for option in schema["anyOf"]:
            types += _non_null_types(option)
    return [name for name in types if name != "null"]


def column_type(schema: dict, *, key: bool = False) -> sa.types.TypeEngine:
    """The MariaDB/MySQL column type for a property's JSON Schema."""
    types = _non_null_types(schema)
    if len(types) != 1:
        return mysql.LONGTEXT()
    kind = types[0]
    if kind == "integer":
        return mysql.BIGINT()
    if kind == "number":
        return mysql.DOUBLE()
    if kind == "boolean":
        return mysql.BOOLEAN()
    if kind in ("object", "array"):
        return mysql.JSON()
    text_format = schema.get("format")
    if text_format == "date-time":
        return mysql.DATETIME(fsp=6)
    if text_format == "date":
        return mysql.DATE()
    if text_format == "time":
        return mysql.TIME(fsp=6)
    max_length = schema.get("maxLength")
    if key or (isinstance(max_length, int) and max_length <= KEY_LENGTH):
        return mysql.VARCHAR(KEY_LENGTH if key or max_length is None else max_length)
    return mysql.LONGTEXT()


class MySQLConnector(SQLConnector):
    """The SDK's SQL connector for MariaDB/MySQL through PyMySQL."""

    allow_column_add = True
    allow_column_alter = False
    allow_merge_upsert = True
    allow_temp_tables = False

    def get_sqlalchemy_url(self, config: dict[str, t.Any]) -> str:
        """``mysql+pymysql://…?charset=utf8mb4`` from host, port, user, password, database."""
        url = sa.engine.URL.create(
            "mysql+pymysql",
            username=config["user"],
            password=config["password"],
            host=config["host"],
            port=config.get("port", 3306),
            database=config["database"],
            query={"charset": "utf8mb4"},
        )
        return url.render_as_string(hide_password=False)

    def to_sql_type(self, jsonschema_type: dict) -> sa.types.TypeEngine:
        """A property's column type (keys are given theirs by :meth:`create_empty_table`)."""
        return column_type(jsonschema_type)

    def create_empty_table(
        self,
        full_table_name: t.Any,
        schema: dict,
        primary_keys: t.Sequence[str] | None = None,
        partition_keys: list[str] | None = None,
        as_temp_table: bool = False,
    ) -> None:
        """Create the table, string keys as ``VARCHAR(255)`` so they can be the primary key."""
        keys = set(primary_keys or [])
        properties = {
            name: (
                {**prop, "maxLength": KEY_LENGTH}
                if name in keys and "string" in _non_null_types(prop) and not prop.get("format")
                else prop
            )
            for name, prop in schema.get("properties", {}).items()
        }
        super().create_empty_table(
            full_table_name,
            {**schema, "properties": properties},
            primary_keys=primary_keys,
            partition_keys=partition_keys,
            as_temp_table=as_temp_table,
        )
