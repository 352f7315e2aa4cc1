"""The settings of tap-postgres-bulk, checked once, with one line naming what is wrong."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brainhub.errors import SettingsError

REQUIRED = ("host", "user", "password", "database")
BATCH_FORMATS = ("parquet", "jsonl")
STREAM_NAMINGS = ("schema-table", "table")


@dataclass(frozen=True)
class Settings:
    """Where the server is, what to read, and where the batch files go."""

    host: str
    port: int
    user: str
    password: str
    database: str
    filter_schemas: tuple[str, ...]
    batch_path: Path
    batch_format: str
    stream_naming: str
    """``schema-table`` (streams ``<schema>-<table>``) or ``table`` (the table's name)."""
    """``parquet`` (DuckDB rewrites PostgreSQL's JSON lines) or ``jsonl`` (as PostgreSQL wrote them)."""

    def connect_kwargs(self) -> dict[str, Any]:
        """psycopg2.connect keyword arguments (the password among them: never log this)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
            "connect_timeout": 10,
            "application_name": "tap-postgres-bulk",
        }

    def where(self) -> str:
        """The server and database, for messages (no user, no password)."""
        return f"{self.host}:{self.port}/{self.database}"


def parse_settings(config: dict[str, Any]) -> Settings:
    """``config`` as :class:`Settings`; a :class:`SettingsError` naming the setting and what
    would be valid."""
    missing = [name for name in REQUIRED if config.get(name) in (None, "")]
    if missing:
        raise SettingsError(
            f"missing setting(s) {', '.join(missing)}: the server's host, a user, its "
            "password and the database to read are required"
        )
    for name in ("host", "user", "password", "database"):
        if not isinstance(config[name], str):
            raise SettingsError(f"setting {name!r}: expected a string")
    port = config.get("port", 5432)
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise SettingsError(f"setting 'port': expected a port number 1-65535, got {port!r}")
    schemas = config.get("filter_schemas") or []
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise SettingsError(
            f"setting 'filter_schemas': expected a list of schema names, got {schemas!r}"
        )
    batch_path = config.get("batch_path") or str(
        Path(tempfile.gettempdir()) / "brainhub-postgres-bulk"
    )
    if not isinstance(batch_path, str):
        raise SettingsError(f"setting 'batch_path': expected a directory, got {batch_path!r}")
    batch_format = config.get("batch_format") or "parquet"
    if batch_format not in BATCH_FORMATS:
        raise SettingsError(
            f"setting 'batch_format': {batch_format!r} is not one of {', '.join(BATCH_FORMATS)}"
        )
    stream_naming = config.get("stream_naming") or "schema-table"
    if stream_naming not in STREAM_NAMINGS:
        raise SettingsError(
            f"setting 'stream_naming': {stream_naming!r} is not one of {', '.join(STREAM_NAMINGS)}"
        )
    return Settings(
        host=config["host"],
        port=port,
        user=config["user"],
        password=config["password"],
        database=config["database"],
        filter_schemas=tuple(schemas),
        batch_path=Path(batch_path),
        batch_format=batch_format,
        stream_naming=stream_naming,
    )
