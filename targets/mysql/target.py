"""``target-mysql``: the Singer SDK's SQL target for MariaDB and MySQL (PyMySQL, utf8mb4).

Tables are created from each stream's schema and gain a column when a property appears;
``load_method: upsert`` (the default here) replaces rows by key with ``INSERT … ON
DUPLICATE KEY UPDATE``, ``append-only`` only inserts. Streams land in the database named
by ``default_target_schema``, else in ``database``.
"""

from __future__ import annotations

from singer_sdk import typing as th
from singer_sdk.sql import SQLTarget

from targets.mysql.connector import MySQLConnector
from targets.mysql.sink import MySQLSink


class TargetMySQL(SQLTarget):
    """Singer target for MariaDB and MySQL."""

    name = "target-mysql"
    default_sink_class = MySQLSink
    default_connector_class = MySQLConnector

    config_jsonschema = th.PropertiesList(
        th.Property("host", th.StringType, required=True, description="The server's host name."),
        th.Property("port", th.IntegerType, default=3306, description="The server's port."),
        th.Property("user", th.StringType, required=True, description="The user to connect as."),
        th.Property(
            "password",
            th.StringType,
            required=True,
            secret=True,
            description="The user's password.",
        ),
        th.Property(
            "database",
            th.StringType,
            required=True,
            description="The database to connect to; streams land there unless "
            "default_target_schema names another.",
        ),
        th.Property(
            "default_target_schema",
            th.StringType,
            description="The database the streams land in (created if absent).",
        ),
        th.Property(
            "load_method",
            th.StringType,
            default="upsert",
            allowed_values=["upsert", "append-only"],
            description="Replace rows by key (streams without keys are appended), or append.",
        ),
    ).to_dict()


if __name__ == "__main__":
    TargetMySQL.cli()
