"""The id map and rejects tables: intents, writes, forgetting, and short connections."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from targets.runtime import idmap
from targets.runtime.idmap import IdMap, MapEntry, Reject


def test_an_intent_then_the_write_then_forget(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    id_map = IdMap(str(path), "writes_x", lock_timeout=1)
    assert id_map.load("tasks") == {}  # no warehouse yet: nothing, and no file made

    id_map.intend("tasks", "k1", "tasks")
    assert id_map.load("tasks") == {"k1": MapEntry(None, None, {})}

    id_map.written("tasks", "k1", "tasks", "r1", "h1", {"name": "N"})
    assert id_map.load("tasks") == {"k1": MapEntry("r1", "h1", {"name": "N"})}
    assert id_map.load("other") == {}

    id_map.forget("tasks", "k1")
    assert id_map.load("tasks") == {}


def test_released_the_warehouse_is_open_to_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    id_map = IdMap(str(path), "writes_x", lock_timeout=1)
    id_map.written("tasks", "k1", "tasks", "r1", "h1", {})
    id_map.reject(Reject("tasks", "k2", "tasks", "POST /x", 400, '{"err": "bad"}'))
    id_map.release()

    with duckdb.connect(str(path)) as other:  # would fail on the lock if it were still held
        rows = other.execute(
            "SELECT stream, source_key, call, status, error FROM writes_x._write_rejects"
        ).fetchall()
        written_at = other.execute("SELECT written_at FROM writes_x._id_map").fetchone()

    assert rows == [("tasks", "k2", "POST /x", 400, '{"err": "bad"}')]
    assert written_at is not None
    assert written_at[0] is not None


def test_a_full_lease_closes_the_warehouse_before_the_next_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idmap, "HOLD_S", 0.0)
    id_map = IdMap(str(tmp_path / "w.duckdb"), "writes_x", lock_timeout=1)
    id_map.intend("tasks", "k1", "tasks")
    first = id_map._connection

    id_map.written("tasks", "k1", "tasks", "r1", "h1", {})

    assert id_map._connection is not first
    id_map.release()
    assert id_map._connection is None
