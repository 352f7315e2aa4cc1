"""Brief, read-only looks into the DuckDB warehouse that never hold up a loading sync.

DuckDB lets one process write a file; while a target loads it, even a read-only open fails.
:class:`WarehouseReader` tries once, reads what the page needs and closes at once. When a
loader holds the file it answers the last values it read, with a note saying so and when
they were read — it never waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from brainhub.warehouse_lock import lock_holder

#: A reading: a function of an open read-only connection.
Reading = Callable[[duckdb.DuckDBPyConnection], Any]


@dataclass
class WarehouseAnswer:
    """What a reading gave: ``value``, when it was read, and a ``note`` when it is not fresh."""

    value: Any
    read_at: str | None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The answer's metadata for the JSON API (the value goes in its own place)."""
        return {"read_at": self.read_at, "note": self.note}


@dataclass
class WarehouseReader:
    """One warehouse file, read briefly; the last good answer of each reading is kept."""

    path: Path
    _last: dict[str, WarehouseAnswer] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, name: str, reading: Reading, empty: Any) -> WarehouseAnswer:
        """Run ``reading`` on a read-only connection; ``empty`` when there is no warehouse yet.

        When another process holds the file, the last answer of ``name`` comes back with a
        note (or ``empty`` with a note when there was none).
        """
        if not self.path.exists():
            return WarehouseAnswer(empty, None, f"no warehouse at {self.path.name} yet")
        try:
            conn = duckdb.connect(str(self.path), read_only=True)
        except duckdb.IOException as exc:
            holder = lock_holder(exc)
            if holder is None:
                raise
            return self._stale(name, empty, f"the warehouse is being loaded by {holder}")
        try:
            value = reading(conn)
        finally:
            conn.close()
        answer = WarehouseAnswer(value, _now())
        with self._lock:
            self._last[name] = answer
        return answer

    def _stale(self, name: str, empty: Any, why: str) -> WarehouseAnswer:
        with self._lock:
            last = self._last.get(name)
        if last is None:
            return WarehouseAnswer(empty, None, f"{why}; nothing read yet, try again after it")
        return WarehouseAnswer(last.value, last.read_at, f"{why}; values as of {last.read_at}")


def tables_with(conn: duckdb.DuckDBPyConnection, table: str, schema_like: str = "%") -> list[str]:
    """The schemas holding a table named ``table`` (schema names matching ``schema_like``)."""
    rows = conn.execute(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = ? "
        "AND table_schema LIKE ? ORDER BY table_schema",
        [table, schema_like],
    ).fetchall()
    return [str(schema) for (schema,) in rows]


def columns_of(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """The columns of ``schema.table`` in order."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
        "AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(c) for (c,) in rows]


def _now() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="seconds")


__all__ = ["WarehouseAnswer", "WarehouseReader", "columns_of", "tables_with"]
