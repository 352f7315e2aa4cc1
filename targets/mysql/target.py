"""``target-mysql``: the Singer SDK's SQL target for MariaDB and MySQL (PyMySQL, utf8mb4).

Tables are created from each stream's schema and gain a column when a property appears;
``load_method: upsert`` (the default here) replaces rows by key with ``INSERT … ON
DUPLICATE KEY UPDATE``, ``append-only`` only inserts. Streams land in the database named
by ``default_target_schema``, else in ``database``.
"""

from __future__ import annotations

import sys
import typing as t

import sqlalchemy as sa
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.plugin_base import _ConfigInput
from singer_sdk.sql import SQLTarget
from singer_sdk.target_base import Target

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

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        file_input: t.IO[str] | None = None,
    ) -> None:
        """Run the target; bad settings or a server error end with one line and exit code 1."""
        super(Target, cls).invoke(about=about, about_format=about_format)
        cls.print_version(print_fn=cls.logger.info)
        config = config or _ConfigInput()
        try:
            target = cls(
                config=config.config, validate_config=True, parse_env_config=config.parse_env
            )
            target.listen(file_input)
        except ConfigValidationError as exc:
            cls._fail(f"invalid settings: {'; '.join(exc.errors)}")
        except sa.exc.DBAPIError as exc:
            # the driver's own message (error number and text), never the connection URL
            cls._fail(f"the server refused: {exc.orig}")

    @staticmethod
    def _fail(message: str) -> t.NoReturn:
        sys.stdout.flush()
        print(f"target-mysql: {message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    from targets.mysql.cli import main

    main()
