"""Applying a plan through the targets: ``target-<connector>``'s own writers, in-process.

Each side is written by the target runtime's :class:`~targets.runtime.writer.ObjectWriter`
of its connector (the spec's ``writes:``, its HTTP policy, follow-up calls, lookups and
rejects), with the id map in the sync's schema (``sync_<name>._id_map``, stream ``left`` or
``right``, keyed by the id on the other side). So a create writes its intent row before the
call and the new id when the service answers, as in every target run.

The sync's own state moves only for acknowledged writes: a link and agreed values after a
create was answered, agreed values of the fields an update changed after it was answered.
A refused write (the target's ``_write_rejects``) leaves them as they were, so the next run
tries again. A run killed anywhere leaves at most one write unrecorded; the next run finds
its object by the id map (an answered create) or by ``match`` (an unanswered one) and agrees
its values as they are, with no second create.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from brainhub.sync.connections import Connections
from brainhub.sync.definition import Role, SyncDefinition, other
from brainhub.sync.engine import Create, Delete, Plan, Update
from brainhub.sync.store import SyncStore
from targets.runtime.idmap import MapEntry
from targets.runtime.target import SpecTarget, target_class
from targets.runtime.writer import ObjectWriter

LOGGER = logging.getLogger("brainhub.sync")


@dataclass
class Outcome:
    """What an apply wrote."""

    writes: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0


class SideWriter:
    """The target of one side and its writer (stream ``left`` or ``right``)."""

    def __init__(self, definition: SyncDefinition, role: Role, connections: Connections) -> None:
        from targets.runtime.cli import load_writer_spec

        side = definition.side(role)
        self.side = side
        self.role = role
        spec = load_writer_spec(side.connector)
        config = {
            **connections.target_settings(side.connector),
            **side.settings(),
            "warehouse": str(connections.warehouse),
            "schema": definition.schema,
            "object_types": {role: side.object.name},
            "modes": {side.object.name: "mirror"},
            # one record at a time: the agreed state advances per acknowledged write, and a
            # create waiting for a batch endpoint's next request has no answer yet
            "batch_size": 1,
        }
        self.target: SpecTarget = target_class(spec)(
            config=config, validate_config=True, parse_env_config=connections.parse_env
        )
        self.writer: ObjectWriter = self.target.writer_for(role, ["key"])

    def write(self, key: str, remote_id: str | None, record: dict[str, Any]) -> str | None:
        """Write one record; the object's id when the service acknowledged everything."""
        entries = self.writer.entries
        if remote_id is not None:
            kept = entries[key].kept if key in entries else {}
            entries[key] = MapEntry(remote_id, None, {}, kept)  # always send: we diffed already
        rejected = self.writer.tally.rejected
        self.writer.write({"key": key, **record})
        if self.writer.tally.rejected != rejected:
            return None
        if record.get("_sdc_deleted_at") is not None:
            return remote_id
        found = self.writer.entries.get(key)
        return found.remote_id if found is not None else remote_id

    def close(self) -> None:
        self.target.close()


def apply_plan(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    plan: Plan,
    store: SyncStore,
    connections: Connections,
) -> Outcome:
    """Write the plan ``build_plan`` left in the work tables of ``con``."""
    outcome = Outcome()
    writers: dict[Role, SideWriter] = {}

    def writer(role: Role) -> SideWriter:
        if role not in writers:
            writers[role] = SideWriter(definition, role, connections)
        return writers[role]

    links = store.table("links")
    con.execute(f"""
        INSERT INTO {links} (left_id, right_id, origin, linked_at)
        SELECT left_id, right_id, origin, now() FROM _links WHERE NOT stored""")  # fmt: skip
    try:
        for update in plan.updates:
            _update(con, definition, store, writer(update.side), update, outcome)
        for create in plan.creates:
            _create(con, definition, store, writer(create.side), create, outcome)
        for delete in plan.deletes:
            _delete(con, definition, store, writer, delete, outcome)
    finally:
        for each in writers.values():
            each.close()
    settle(con, definition, store, plan)
    return outcome


def _record_values(
    definition: SyncDefinition, role: Role, values: dict[str, Any]
) -> dict[str, Any]:
    fields = {f.name: f for f in definition.fields}
    record: dict[str, Any] = {}
    for name, value in values.items():
        here = fields[name].side(role)
        record[here.write] = _writable(value)
    return record


def _writable(value: Any) -> Any:
    """A value as a record field: null text becomes empty (an unset value is not sent, and a
    cleared field must be sent to be cleared)."""
    return "" if value is None else value


def _scope_values(definition: SyncDefinition, role: Role) -> dict[str, Any]:
    side = definition.side(role)
    values: dict[str, Any] = {}
    for key, value in side.scope.items():
        values.update(side.object.scope[key].write(value))
    return values


def _update(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    store: SyncStore,
    side: SideWriter,
    update: Update,
    outcome: Outcome,
) -> None:
    role = update.side
    key, remote = (
        (update.left_id, update.right_id) if role == "right" else (update.right_id, update.left_id)
    )
    fields = {f.name: f for f in definition.fields}
    record = {**_scope_values(definition, role)}
    for change in update.changes:
        item = fields[change.field]
        here = item.side(role)
        new = change.new
        if here.keep_others and isinstance(change.whole, list):
            synced = change.old if isinstance(change.old, list) else []
            others = [value for value in change.whole if value not in synced]
            new = [*(new if isinstance(new, list) else []), *others]
        record[here.write] = _writable(new)
        if here.removed and isinstance(change.old, list):
            kept = new if isinstance(new, list) else []
            gone = [value for value in change.old if value not in kept]
            if gone:
                record[here.removed] = gone
    if side.write(key, remote, record) is None:
        outcome.rejected += 1
        return
    outcome.writes += 1
    outcome.updated += 1
    _agree_written(con, definition, store, update.left_id, [c.field for c in update.changes], role)


def _agree_written(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    store: SyncStore,
    left_id: str,
    names: list[str],
    written: Role,
) -> None:
    """The fields just written to ``written`` now agree: recorded from the decisions."""
    agreed, conflicts = store.table("agreed"), store.table("conflicts")
    values = "lc, lx, lj, lxj" if written == "right" else "rx, rc, rxj, rj"
    given = (
        "json_extract_string(resolved_value, '$.left_c'), "
        "json_extract_string(resolved_value, '$.right_c'), "
        "CAST(json_extract(resolved_value, '$.left') AS VARCHAR), "
        "CAST(json_extract(resolved_value, '$.right') AS VARCHAR)"
    )
    placeholders = ", ".join("?" for _ in names)
    con.execute(
        f"""INSERT OR REPLACE INTO {agreed}
        SELECT left_id, field, {values}, now() FROM _decisions
        WHERE left_id = ? AND field IN ({placeholders}) AND action <> 'set'
        UNION ALL
        SELECT left_id, field, {given}, now() FROM _decisions
        WHERE left_id = ? AND field IN ({placeholders}) AND action = 'set'""",
        [left_id, *names, left_id, *names],
    )
    con.execute(
        f"""UPDATE {conflicts} SET applied_at = now() WHERE conflict_id IN (
            SELECT resolved_id FROM _decisions WHERE left_id = ? AND field IN ({placeholders}))""",
        [left_id, *names],
    )
    column = "right_hash" if written == "right" else "left_hash"
    con.execute(
        f"UPDATE {store.table('links')} SET {column} = NULL, synced_at = now() WHERE left_id = ?",
        [left_id],
    )


def _create(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    store: SyncStore,
    side: SideWriter,
    create: Create,
    outcome: Outcome,
) -> None:
    role = create.side
    source: Role = other(role)
    record = definition.side(role).create_values()
    for name, value in _record_values(definition, role, create.values).items():
        given = record.get(name)
        if isinstance(given, list) and isinstance(value, list):  # the side's write values stay
            value = [*given, *(item for item in value if item not in given)]
        record[name] = value
    remote_id = side.write(create.source_id, None, record)
    if remote_id is None:
        outcome.rejected += 1
        return
    outcome.writes += 1
    outcome.created += 1
    left_id, right_id = (
        (create.source_id, remote_id) if role == "right" else (remote_id, create.source_id)
    )
    link_created(con, definition, store, left_id, right_id, source)


def link_created(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    store: SyncStore,
    left_id: str,
    right_id: str,
    source: Role,
) -> None:
    """Record the link of an acknowledged create and its values as agreed."""
    links, agreed = store.table("links"), store.table("agreed")
    con.execute("BEGIN")
    con.execute(
        f"INSERT INTO {links} (left_id, right_id, origin, linked_at, synced_at) "
        "VALUES (?, ?, ?, now(), now())",
        [left_id, right_id, source],
    )
    source_id = left_id if source == "left" else right_id
    rows = []
    for i, item in enumerate(definition.fields):
        rows.append(
            f"SELECT ?, {_quote(item.name)}, "
            + (f"c{i}, x{i}, j{i}, xj{i}" if source == "left" else f"x{i}, c{i}, xj{i}, j{i}")
            + f", now() FROM _{source} WHERE _id = ?"
        )
    con.execute(
        f"INSERT OR REPLACE INTO {agreed} " + " UNION ALL ".join(rows),
        [value for _ in definition.fields for value in (left_id, source_id)],
    )
    con.execute("COMMIT")


def _delete(
    con: duckdb.DuckDBPyConnection,
    definition: SyncDefinition,
    store: SyncStore,
    writer: Any,
    delete: Delete,
    outcome: Outcome,
) -> None:
    role = delete.side
    if delete.action in ("delete", "archive"):
        side: SideWriter = writer(role)
        key, remote = (
            (delete.left_id, delete.right_id)
            if role == "right"
            else (delete.right_id, delete.left_id)
        )
        record = dict(_scope_values(definition, role))
        if delete.action == "delete":
            record["_sdc_deleted_at"] = datetime.now(UTC).isoformat()
        else:
            record.update(definition.side(role).archive or {})
        if side.write(key, remote, record) is None:
            outcome.rejected += 1
            return
        outcome.writes += 1
        outcome.deleted += 1
    con.execute(
        f"UPDATE {store.table('links')} SET retired_at = now(), retired_why = ? "
        "WHERE left_id = ? AND right_id = ?",
        [delete.why, delete.left_id, delete.right_id],
    )


def settle(
    con: duckdb.DuckDBPyConnection, definition: SyncDefinition, store: SyncStore, plan: Plan
) -> None:
    """After the writes: agree what both sides already agree on, list manual conflicts,
    and record the hashes of pairs with nothing left to do (skipped by the next plan)."""
    agreed, links, conflicts = store.table("agreed"), store.table("links"), store.table("conflicts")
    con.execute(f"""
        INSERT OR REPLACE INTO {agreed}
        SELECT left_id, field, lc, rc, lj, rj, now() FROM _decisions WHERE action = 'agree'""")
    con.execute(f"""
        INSERT OR IGNORE INTO {conflicts}
        SELECT conflict_id, left_id, right_id, field, policy, gl, gr, lc, rc, lu, ru, now(),
               NULL, NULL, NULL, NULL
        FROM _decisions WHERE action = 'conflict'""")  # fmt: skip
    con.execute(f"""
        UPDATE {links} AS k SET left_hash = L._hash, right_hash = R._hash
        FROM _left L, _right R
        WHERE L._id = k.left_id AND R._id = k.right_id AND k.retired_at IS NULL
          AND k.left_id NOT IN (SELECT left_id FROM _decisions
                                WHERE action IN ('to_right', 'to_left', 'set', 'conflict'))""")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def conflict_rows(
    con: duckdb.DuckDBPyConnection, store: SyncStore, *, open_only: bool
) -> list[dict[str, Any]]:
    """The conflicts table as dicts (open ones: not resolved)."""
    where = "WHERE resolution IS NULL" if open_only else ""
    cursor = con.execute(
        f"SELECT * FROM {store.table('conflicts')} {where} ORDER BY detected_at, conflict_id"
    )
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
