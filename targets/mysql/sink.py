"""How target-mysql writes a batch: values converted for PyMySQL, then one multi-row INSERT,
``… ON DUPLICATE KEY UPDATE`` when the stream has keys and ``load_method`` is ``upsert``."""

from __future__ import annotations

import datetime
import json
import typing as t

import sqlalchemy as sa
from singer_sdk.sql import SQLSink
from sqlalchemy.dialects import mysql

from targets.mysql.connector import MySQLConnector


def _utc_naive(text: str) -> datetime.datetime | str:
    """An ISO 8601 date-time as a naive UTC datetime (DATETIME has no zone); else unchanged."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


class MySQLSink(SQLSink[MySQLConnector]):
    """One stream's table in MariaDB/MySQL."""

    connector_class = MySQLConnector

    def _date_time_columns(self) -> set[str]:
        properties = self.conform_schema(self.schema)["properties"]
        return {name for name, prop in properties.items() if prop.get("format") == "date-time"}

    def _value(self, value: t.Any, date_time: bool) -> t.Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # the SDK has parsed the date-time already; DATETIME keeps no zone, so UTC
            return value.astimezone(datetime.UTC).replace(tzinfo=None)
        if date_time and isinstance(value, str):
            return _utc_naive(value)
        return value

    def bulk_insert_records(
        self,
        full_table_name: t.Any,
        schema: dict,
        records: t.Iterable[dict[str, t.Any]],
    ) -> int | None:
        """Insert (or upsert by key) a batch in one transaction."""
        names = list(self.conform_schema(schema)["properties"])
        date_times = self._date_time_columns()
        rows = [
            {name: self._value(record.get(name), name in date_times) for name in names}
            for record in (self.conform_record(r) for r in records)
        ]
        if not rows:
            return 0
        _, database, table_name = self.connector.parse_full_table_name(full_table_name)
        table = sa.Table(
            table_name, sa.MetaData(), *(sa.Column(name) for name in names), schema=database
        )
        statement = mysql.insert(table)
        keys = set(self.key_properties)
        if keys and self.config.get("load_method") == "upsert":
            updates = {name: statement.inserted[name] for name in names if name not in keys}
            statement = statement.on_duplicate_key_update(
                updates or {names[0]: statement.inserted[names[0]]}
            )
        with self.connector._connect() as conn, conn.begin():
            result = conn.execute(statement, rows)
        return int(result.rowcount)
