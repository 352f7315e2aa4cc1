"""The settings of tap-warehouse and the checked form of its ``streams`` setting."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from singer_sdk import typing as th

from brainhub.errors import SettingsError
from brainhub.sql import quote_qualified

DEFAULT_DATABASE = "data/warehouse.duckdb"
DEFAULT_BATCH_ROWS = 10_000
DEFAULT_LOCK_TIMEOUT = 300
DECIMAL_FORMS = ("number", "string")
STREAM_KEYS = ("name", "table", "query", "key_properties", "replication_key")
_STREAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "database",
        th.StringType,
        default=DEFAULT_DATABASE,
        title="Database file",
        description=(
            "The DuckDB warehouse to read (opened read-only). A relative path is relative to "
            "the working directory; Meltano's environments point it at their own warehouse."
        ),
    ),
    th.Property(
        "streams",
        th.ArrayType(
            th.ObjectType(
                th.Property("name", th.StringType, required=True),
                th.Property("table", th.StringType),
                th.Property("query", th.StringType),
                th.Property("key_properties", th.ArrayType(th.StringType)),
                th.Property("replication_key", th.StringType),
            )
        ),
        title="Streams",
        description=(
            "One object per stream: `name`, either `table` (`schema.table`) or `query` (a "
            "SELECT), optional `key_properties` (columns) and `replication_key` (a column; "
            "the stream is then incremental on it). Required: checked by the tap itself, so "
            "that a missing or bad entry is one line naming it."
        ),
    ),
    th.Property(
        "decimal_as",
        th.StringType,
        default="number",
        allowed_values=list(DECIMAL_FORMS),
        title="DECIMAL values as",
        description=(
            "`number` (JSON numbers; a float may round past 15 significant digits) or "
            "`string` (exact text, e.g. for money)."
        ),
    ),
    th.Property(
        "batch_size_rows",
        th.IntegerType,
        default=DEFAULT_BATCH_ROWS,
        title="Batch size (rows)",
        description="Rows read from the snapshot at a time: bounds the tap's memory.",
    ),
    th.Property(
        "lock_timeout",
        th.NumberType,
        default=DEFAULT_LOCK_TIMEOUT,
        title="Lock timeout (seconds)",
        description=(
            "How long to wait for the warehouse while a writer (target-duckdb, "
            "transform-duckdb) has it open; the holder's PID is logged while waiting. Then "
            "the run fails."
        ),
    ),
).to_dict()


@dataclass(frozen=True)
class StreamSetting:
    """One checked entry of ``streams``."""

    name: str
    table: str | None
    query: str | None
    key_properties: tuple[str, ...]
    replication_key: str | None

    @property
    def source_sql(self) -> str:
        """The SELECT the stream reads (a table's name quoted part by part)."""
        if self.table is not None:
            return f"SELECT * FROM {quote_qualified(self.table)}"  # noqa: S608 - quoted name
        return str(self.query).strip().rstrip(";")

    @property
    def where(self) -> str:
        """How an error names the stream's source."""
        return f"table {self.table!r}" if self.table is not None else "its query"


def stream_settings(raw: Any) -> list[StreamSetting]:
    """The ``streams`` setting checked; a :class:`SettingsError` naming the bad entry."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise SettingsError("streams: give a list of {name, table | query, ...} objects")
    streams: list[StreamSetting] = []
    for number, item in enumerate(raw, start=1):
        streams.append(_stream(number, item))
    names = [s.name for s in streams]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SettingsError(f"streams: the name {twice[0]!r} is used twice; names must differ")
    return streams


def _stream(number: int, item: Any) -> StreamSetting:
    where = f"streams[{number}]"
    if not isinstance(item, Mapping):
        raise SettingsError(f"{where}: must be an object with name and table or query")
    unknown = sorted(set(item) - set(STREAM_KEYS))
    if unknown:
        raise SettingsError(
            f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(STREAM_KEYS)}"
        )
    name = item.get("name")
    if not isinstance(name, str) or not _STREAM_NAME.match(name):
        raise SettingsError(
            f"{where}: name must be letters, digits, '_' or '-' (not starting with a digit), "
            f"got {name!r}"
        )
    where = f"stream {name!r}"
    table, query = item.get("table"), item.get("query")
    if (table is None) == (query is None):
        raise SettingsError(f"{where}: give exactly one of table or query")
    for key, value in (("table", table), ("query", query)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SettingsError(f"{where}: {key} must be a non-empty string")
    keys = item.get("key_properties") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise SettingsError(f"{where}: key_properties must be a list of column names")
    replication_key = item.get("replication_key")
    if replication_key is not None and (
        not isinstance(replication_key, str) or not replication_key
    ):
        raise SettingsError(f"{where}: replication_key must be a column name")
    return StreamSetting(name, table, query, tuple(keys), replication_key)
