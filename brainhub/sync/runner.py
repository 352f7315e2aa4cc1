"""A sync run: one at a time, both sides refreshed, planned, applied, recorded.

``run_sync`` holds an exclusive lock (``<warehouse folder>/sync/<name>.lock``) for the whole
run; a second invocation finds it held and returns at once saying so, or, with ``wait``
(what the webhook receiver asks), waits for it and runs after: an edit made while a run was
reading must not be left for the next schedule. ``plan_sync`` plans
over what is loaded (a dry run), ``resolve_conflict`` records a choice and applies it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from brainhub.errors import BrainhubError, ConfigError
from brainhub.sync.apply import Outcome, apply_plan, conflict_rows
from brainhub.sync.connections import Connections
from brainhub.sync.definition import SyncDefinition
from brainhub.sync.engine import Plan, _canonical, _compile, _mapping, _types, build_plan
from brainhub.sync.refresh import refresh_side
from brainhub.sync.store import SyncStore


class SyncBusyError(BrainhubError):
    """Another run of the same sync holds its lock."""


@dataclass
class RunReport:
    """What a run planned and wrote."""

    plan: Plan
    outcome: Outcome
    read: dict[str, int]


def store_for(definition: SyncDefinition, connections: Connections) -> SyncStore:
    return SyncStore(connections.warehouse, definition.schema)


@contextmanager
def run_lock(
    definition: SyncDefinition, connections: Connections, *, wait: bool = False
) -> Iterator[None]:
    """The sync's run lock, or :class:`SyncBusyError` naming the process that holds it
    (with ``wait``: once the holder is done)."""
    path = connections.warehouse.parent / "sync" / f"{definition.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise SyncBusyError(
                f"sync {definition.name} is already running (PID {holder}); this run does nothing"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def refresh_both(
    definition: SyncDefinition, connections: Connections, store: SyncStore
) -> dict[str, int]:
    """Both sides' taps at once (their loads take turns at the warehouse's lock)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            side.role: pool.submit(refresh_side, side, connections, store)
            for side in (definition.left, definition.right)
        }
        return {role: future.result() for role, future in futures.items()}


def plan_sync(
    definition: SyncDefinition, connections: Connections, *, refresh: bool = True
) -> Plan:
    """What a run would write now: both sides read first (reading changes nothing on
    them), then planned; nothing is written. Without ``refresh``, from what is loaded —
    which after a run that wrote is what the sides held before its writes."""
    store = store_for(definition, connections)
    with run_lock(definition, connections):
        if refresh:
            refresh_both(definition, connections, store)
        with store.open() as con:
            return build_plan(con, definition, store)


def run_sync(
    definition: SyncDefinition,
    connections: Connections,
    *,
    refresh: bool = True,
    on_locked: Callable[[], None] | None = None,
    wait: bool = False,
) -> RunReport:
    """Refresh both sides, plan and apply, under the sync's lock (``on_locked`` is called
    once it is held: a run that finds it busy never starts; with ``wait`` it waits)."""
    store = store_for(definition, connections)
    with run_lock(definition, connections, wait=wait):
        if on_locked is not None:
            on_locked()
        read = refresh_both(definition, connections, store) if refresh else {}
        with store.open() as con:
            started = con.execute("SELECT now()").fetchone()
            plan = build_plan(con, definition, store)
            outcome = apply_plan(con, definition, plan, store, connections)
            totals = plan.totals()
            con.execute(
                f"INSERT INTO {store.table('runs')} VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    started[0] if started else None,
                    connections.environment,
                    totals["creates"],
                    totals["updates"],
                    totals["deletes"],
                    totals["conflicts"],
                    outcome.writes,
                    outcome.rejected,
                    "rejected" if outcome.rejected else "ok",
                ],
            )
    return RunReport(plan, outcome, read)


def list_conflicts(
    definition: SyncDefinition, connections: Connections, *, include_resolved: bool = False
) -> list[dict[str, Any]]:
    store = store_for(definition, connections)
    with store.open() as con:
        return conflict_rows(con, store, open_only=not include_resolved)


def resolve_conflict(
    definition: SyncDefinition,
    connections: Connections,
    conflict_id: str,
    take: str,
    value: str | None,
) -> RunReport:
    """Record the choice for an open conflict and write it to the sides at once."""
    store = store_for(definition, connections)
    with run_lock(definition, connections), store.open() as con:
        rows = [
            c for c in conflict_rows(con, store, open_only=True) if c["conflict_id"] == conflict_id
        ]
        if not rows:
            known = [c["conflict_id"] for c in conflict_rows(con, store, open_only=True)]
            raise ConfigError(
                f"sync {definition.name} has no open conflict {conflict_id!r} (open: "
                f"{', '.join(known) or 'none'}; list them with brainhub sync conflicts "
                f"{definition.name})"
            )
        conflict = rows[0]
        build_plan(con, definition, store)  # the work tables the conversion reads
        resolved = None
        if take == "value":
            if value is None:
                raise ConfigError("--take value needs --value V (the left side's value, or JSON)")
            resolved = json.dumps(_converted(con, definition, conflict["field"], value))
        con.execute(
            f"UPDATE {store.table('conflicts')} SET resolution = ?, resolved_value = ?, "
            "resolved_at = now() WHERE conflict_id = ?",
            [take, resolved, conflict_id],
        )
        plan = build_plan(con, definition, store)
        outcome = apply_plan(con, definition, plan, store, connections)
    return RunReport(plan, outcome, {})


def _converted(
    con: duckdb.DuckDBPyConnection, d: SyncDefinition, name: str, text: str
) -> dict[str, Any]:
    """A value given for a field in the left side's terms, with its right-side counterpart."""
    index = next(i for i, f in enumerate(d.fields) if f.name == name)
    item = d.fields[index]
    try:
        given: Any = json.loads(text)
    except ValueError:
        given = text
    kind = _types(con, "_now_left")[f"v{index}"]
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _given AS SELECT '-' AS _id, CAST(? AS {kind}) AS v",
            [given],
        )
    except duckdb.Error:
        raise ConfigError(
            f"--value {text!r} is not a value of {name} (a {kind} on the left side)"
        ) from None
    sql = _compile(con, "sync.given", "_given", [_mapping("v", "v", item.to_right)], None)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _given_right AS {sql}")
    right_kind = _types(con, "_given_right")["v"]
    row = con.execute(
        f"SELECT {_canonical('g.v', kind)}, CAST(to_json(g.v) AS VARCHAR), "
        f"{_canonical('r.v', right_kind)}, CAST(to_json(r.v) AS VARCHAR) "
        "FROM _given g, _given_right r"
    ).fetchone()
    assert row is not None
    return {
        "left_c": row[0],
        "left": json.loads(row[1]),
        "right_c": row[2],
        "right": json.loads(row[3]),
    }
