"""The plan, in DuckDB, over what the taps loaded: set-based SQL from end to end.

1. **Projections.** Each side's loaded table becomes ``_left`` / ``_right`` (temporary
   tables, in memory: planning writes nothing to the warehouse): the record's id, update time, whether it is deleted, its match key, and per
   mapped field the value read (``v<i>``), its canonical text (``c<i>``: lists sorted,
   blank text as null), the value converted to the other side's vocabulary (``x<i>``,
   ``to_right`` / ``to_left`` applied) and a hash of all canonical values (``_hash``). The
   read and the conversions are the transform stage's own compiler (mapping language).
2. **Links.** Existing pairs, pairs the target runtime's id map knows from an
   acknowledged create (a run killed before recording the link), and new pairs matched by
   ``match`` among records linked to nothing.
3. **Field decisions.** For every linked pair whose side hashes differ from those recorded
   at the last agreement (the rest is skipped at once), and every field: changed on the
   left (its canonical value differs from the agreed one), on the right, both → the
   field's policy; a write whose value equals what the far side holds is no write.
4. **Creates and deletes.** Unlinked records of one side become creates on the other;
   linked records deleted (or, for a side read whole, no longer returned) become the
   ``delete`` policy's action.

Echo suppression: the agreed values recorded when a write is acknowledged are exactly
what was written, so reading the write back finds the field unchanged on that side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from brainhub.sql import quote_identifier, quote_string
from brainhub.sync.definition import Role, Side, SyncDefinition, other
from brainhub.sync.store import SyncStore
from transforms.engine.compiler import Catalog, compile_output
from transforms.engine.errors import Location, MappingError
from transforms.engine.model import BoolOp, Condition, FieldMapping, Filter, FunctionCall, Output
from transforms.engine.types import ColumnType, column_type
from transforms.engine.warehouse import table_columns

HERE = Location("sync")


class PlanError(MappingError):
    """A side cannot be planned (its table is missing, a path names no column…)."""


@dataclass
class FieldChange:
    """One field written on one side of a pair."""

    field: str
    old: Any
    new: Any
    #: The whole list on the written side, for a field that keeps the values it leaves out.
    whole: Any = None


@dataclass
class Update:
    """Fields written to one record."""

    side: Role
    left_id: str
    right_id: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Create:
    """A record of one side copied to the other (``side`` is where it is created)."""

    side: Role
    source_id: str
    values: dict[str, Any]


@dataclass
class Delete:
    """A linked record whose partner was deleted: ``action`` is delete, archive or unlink."""

    side: Role
    left_id: str
    right_id: str
    action: str
    why: str


@dataclass
class Conflict:
    """A field changed on both sides since the last agreed value, policy ``manual``."""

    conflict_id: str
    left_id: str
    right_id: str
    field: str
    agreed_left: Any
    agreed_right: Any
    left_value: Any
    right_value: Any


@dataclass
class Plan:
    """What a run would do."""

    sync: str
    links: list[tuple[str, str]] = field(default_factory=list)
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    deletes: list[Delete] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.links or self.creates or self.updates or self.deletes)

    def totals(self) -> dict[str, int]:
        return {
            "creates": len(self.creates),
            "updates": len(self.updates),
            "deletes": len([d for d in self.deletes if d.action != "unlink"]),
            "conflicts": len(self.conflicts),
            "links": len(self.links),
            "unlinks": len([d for d in self.deletes if d.action == "unlink"]),
        }

    def as_json(self) -> dict[str, Any]:
        """Totals at the top level, and per side what is created, updated and deleted."""
        sides: dict[str, Any] = {}
        for role in ("left", "right"):
            sides[role] = {
                "creates": [
                    {"from": c.source_id, "values": c.values}
                    for c in self.creates
                    if c.side == role
                ],
                "updates": [
                    {
                        "id": u.left_id if role == "left" else u.right_id,
                        "linked": u.right_id if role == "left" else u.left_id,
                        "fields": {c.field: {"old": c.old, "new": c.new} for c in u.changes},
                    }
                    for u in self.updates
                    if u.side == role
                ],
                "deletes": [
                    {
                        "id": d.left_id if role == "left" else d.right_id,
                        "action": d.action,
                        "because": d.why,
                    }
                    for d in self.deletes
                    if d.side == role and d.action != "unlink"
                ],
            }
        return {
            "sync": self.sync,
            **self.totals(),
            "left": sides["left"],
            "right": sides["right"],
            "links": [{"left": a, "right": b} for a, b in self.links],
            "conflict_list": [vars(c) for c in self.conflicts],
        }


# ------------------------------------------------------------------------------ projections


def _filters(side: Side) -> Filter | None:
    parts: list[Filter] = [
        Condition(path, "eq", value, HERE) for path, value in side.scope_filters()
    ]
    if side.filter is not None:
        parts.append(side.filter)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else BoolOp("all", tuple(parts), HERE)


def _compile(
    con: duckdb.DuckDBPyConnection, name: str, source: str, fields: list[FieldMapping],
    filt: Filter | None,
) -> str:  # fmt: skip
    columns = table_columns(con, source) if "." in source else temp_columns(con, source)
    if columns is None:
        raise PlanError(
            f"{source} is not in the warehouse yet: run `brainhub sync run` (it reads both "
            "sides first), or load the connector with its tap"
        )
    output = Output(
        name=name,
        source=source,
        alias="r",
        location=HERE,
        fields=tuple(fields),
        filter=filt,
        on_conversion_error="null",
    )
    relations = {} if "." in source else {source: quote_identifier(source)}
    catalog = Catalog(tables={source: columns}, relations=relations, strict=True)
    compiled = compile_output(output, catalog)
    return compiled.select_all


def temp_columns(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, ColumnType]:
    """The columns of temporary table ``name`` as the transform compiler types them."""
    relation = con.sql(f"SELECT * FROM {quote_identifier(name)} LIMIT 0")
    return {
        column: column_type(dtype)
        for column, dtype in zip(relation.columns, relation.dtypes, strict=True)
    }


def _mapping(name: str, path: str | None, calls: tuple[FunctionCall, ...] = ()) -> FieldMapping:
    return FieldMapping(name, path, None, calls, HERE)


def _canonical(column: str, kind: str) -> str:
    """SQL of a value's canonical text: lists sorted as JSON text, blank text as null."""
    if kind.endswith("[]") or (kind.startswith(("LIST", "STRUCT")) and kind.endswith("[]")):
        items = f"list_sort(list_transform({column}, lambda x: CAST(x AS VARCHAR)))"
        return f"CASE WHEN {column} IS NULL THEN '[]' ELSE CAST(to_json({items}) AS VARCHAR) END"
    if kind == "VARCHAR":
        return f"nullif(trim({column}), '')"
    if kind == "JSON":
        return f"CAST({column} AS VARCHAR)"
    return f"CAST({column} AS VARCHAR)"


def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    relation = con.sql(f"SELECT * FROM {quote_identifier(table)} LIMIT 0")
    return {c: str(t) for c, t in zip(relation.columns, relation.dtypes, strict=True)}


def project(
    con: duckdb.DuckDBPyConnection, definition: SyncDefinition, store: SyncStore, role: Role
) -> None:
    """Build the temporary table ``_<role>`` (see the module docstring)."""
    side = definition.side(role)
    obj = side.object
    raw_columns = table_columns(con, side.table) or {}
    fields = [
        _mapping("_id", obj.id, _calls("to_string")),
        _mapping("_updated", obj.updated, obj_calls(obj.updated_apply)),
        _mapping("_match", side.match, _calls("to_string", "trim", "lowercase")),
    ]
    if "_sdc_deleted_at" in raw_columns:
        fields.append(_mapping("_deleted_at", "_sdc_deleted_at"))
    for index, item in enumerate(definition.fields):
        here = item.side(role)
        fields.append(_mapping(f"v{index}", here.read, here.apply))
        if here.keep_others:  # the whole list too, for what a write keeps
            fields.append(_mapping(f"w{index}", here.read))
    try:
        read = _compile(con, f"sync.now_{role}", side.table, fields, _filters(side))
        con.execute(f"CREATE OR REPLACE TEMP TABLE _now_{role} AS {read}")
        converted = [_mapping("_id", "_id")] + [
            _mapping(f"v{i}", f"v{i}", item.towards(other(role)))
            for i, item in enumerate(definition.fields)
        ]
        convert = _compile(con, f"sync.as_{role}", f"_now_{role}", converted, None)
    except MappingError as exc:
        raise PlanError(f"{definition.file}: {role} side: {exc.detail}") from None
    con.execute(f"CREATE OR REPLACE TEMP TABLE _conv_{role} AS {convert}")
    now_types = _types(con, f"_now_{role}")
    conv_types = _types(con, f"_conv_{role}")
    deleted = "n._deleted_at IS NOT NULL" if "_sdc_deleted_at" in raw_columns else "false"
    if side.full_read and _whole_read_done(con, store, role):
        seen = store.table("_seen")
        deleted += f" OR n._id NOT IN (SELECT id FROM {seen} WHERE side = {quote_string(role)})"
    columns = [
        "n._id AS _id",
        "CAST(n._updated AS TIMESTAMP) AS _updated",
        f"({deleted}) AS _deleted",
        "nullif(n._match, '') AS _match",
    ]
    canon: list[str] = []
    for i in range(len(definition.fields)):
        c = _canonical(f"n.v{i}", now_types[f"v{i}"])
        x = _canonical(f"x.v{i}", conv_types[f"v{i}"])
        columns += [
            f"{c} AS c{i}",
            f"CAST(to_json(n.v{i}) AS VARCHAR) AS j{i}",
            f"{x} AS x{i}",
            f"CAST(to_json(x.v{i}) AS VARCHAR) AS xj{i}",
        ]
        whole = f"n.w{i}" if definition.fields[i].side(role).keep_others else "NULL"
        columns.append(f"CAST(to_json({whole}) AS VARCHAR) AS w{i}")
        canon.append(f"coalesce({c}, '∅')")
    columns.append(f"md5(concat_ws('|', {', '.join(canon)})) AS _hash")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _{role} AS SELECT {', '.join(columns)} "
        f"FROM _now_{role} n JOIN _conv_{role} x ON x._id = n._id"
    )


def _calls(*names: str) -> tuple[FunctionCall, ...]:
    return tuple(FunctionCall(name, (), HERE) for name in names)


def obj_calls(entries: tuple[Any, ...]) -> tuple[FunctionCall, ...]:
    calls = []
    for entry in entries:
        if isinstance(entry, str):
            calls.append(FunctionCall(entry, (), HERE))
        else:
            name, arg = next(iter(entry.items()))
            calls.append(FunctionCall(name, (arg,), HERE))
    return tuple(calls)


def _whole_read_done(con: duckdb.DuckDBPyConnection, store: SyncStore, role: Role) -> bool:
    row = con.execute(
        f"SELECT count(*) FROM {store.table('_tap_state')} WHERE side = ?", [f"{role}:whole-read"]
    ).fetchone()
    return bool(row and row[0])


# ------------------------------------------------------------------------------ the plan


def build_plan(
    con: duckdb.DuckDBPyConnection, definition: SyncDefinition, store: SyncStore
) -> Plan:
    """Project both sides and decide every write; leaves ``_links`` and ``_decisions``
    (temporary tables of ``con``) for :mod:`.apply`."""
    project(con, definition, store, "left")
    project(con, definition, store, "right")
    plan = Plan(definition.name)
    _links(con, definition, store, plan)
    _decide(con, definition, store)
    _read_decisions(con, definition, plan)
    _creates(con, definition, plan)
    _deletes(con, definition, plan)
    return plan


def _links(con: duckdb.DuckDBPyConnection, d: SyncDefinition, store: SyncStore, plan: Plan) -> None:
    links, id_map = store.table("links"), store.table("_id_map")
    has_id_map = table_columns(con, f"{d.schema}._id_map") is not None
    recovered = ""
    if has_id_map:  # creates acknowledged by the service whose link was not recorded yet
        recovered = f"""
        UNION ALL SELECT source_key, remote_id, 'left', NULL, NULL, false, false FROM {id_map}
          WHERE stream = 'right' AND remote_id IS NOT NULL
            AND source_key NOT IN (SELECT left_id FROM {links})
        UNION ALL SELECT remote_id, source_key, 'right', NULL, NULL, false, false FROM {id_map}
          WHERE stream = 'left' AND remote_id IS NOT NULL
            AND source_key NOT IN (SELECT right_id FROM {links})"""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _known AS
        SELECT left_id, right_id, origin, left_hash, right_hash, retired_at IS NOT NULL AS retired,
               true AS stored
        FROM {links}{recovered}""")  # fmt: skip
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _matched AS
        WITH l AS (SELECT _id, _match, row_number() OVER (PARTITION BY _match ORDER BY _id) AS n
                   FROM _left WHERE NOT _deleted AND _match IS NOT NULL
                     AND _id NOT IN (SELECT left_id FROM _known)),
             r AS (SELECT _id, _match, row_number() OVER (PARTITION BY _match ORDER BY _id) AS n
                   FROM _right WHERE NOT _deleted AND _match IS NOT NULL
                     AND _id NOT IN (SELECT right_id FROM _known))
        SELECT l._id AS left_id, r._id AS right_id FROM l JOIN r USING (_match, n)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _links AS
        SELECT * FROM _known
        UNION ALL SELECT left_id, right_id, NULL, NULL, NULL, false, false FROM _matched""")
    plan.links = [(str(a), str(b)) for a, b in con.execute(
        "SELECT left_id, right_id FROM _links WHERE NOT stored ORDER BY left_id").fetchall()]  # fmt: skip


def _decide(con: duckdb.DuckDBPyConnection, d: SyncDefinition, store: SyncStore) -> None:
    agreed, conflicts = store.table("agreed"), store.table("conflicts")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _changed AS
        SELECT k.left_id, k.right_id, k.origin FROM _links k
        JOIN _left L ON L._id = k.left_id JOIN _right R ON R._id = k.right_id
        WHERE NOT k.retired AND NOT L._deleted AND NOT R._deleted
          AND (k.left_hash IS DISTINCT FROM L._hash OR k.right_hash IS DISTINCT FROM R._hash)""")
    parts = []
    for i, item in enumerate(d.fields):
        parts.append(f"""
        SELECT k.left_id, k.right_id, k.origin, {i} AS fi, {quote_string(item.name)} AS field,
               {quote_string(item.conflict)} AS policy, {quote_string(item.direction)} AS direction,
               L.c{i} AS lc, L.j{i} AS lj, L.x{i} AS lx, L.xj{i} AS lxj, L._updated AS lu,
               R.c{i} AS rc, R.j{i} AS rj, R.x{i} AS rx, R.xj{i} AS rxj, R._updated AS ru,
               L.w{i} AS lw, R.w{i} AS rw,
               g.left_id IS NOT NULL AS known, g.left_value AS gl, g.right_value AS gr,
               g.left_json AS glj, g.right_json AS grj
        FROM _changed k JOIN _left L ON L._id = k.left_id JOIN _right R ON R._id = k.right_id
        LEFT JOIN _agreed g ON g.left_id = k.left_id AND g.field = {quote_string(item.name)}""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _agreed AS
        SELECT * FROM {agreed} WHERE left_id IN (SELECT left_id FROM _changed)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _decisions AS
        WITH f AS ({" UNION ALL ".join(parts)}),
        c AS (SELECT f.*,
                     (NOT known OR gl IS DISTINCT FROM lc) AND direction <> 'to_left' AS lchg,
                     (NOT known OR gr IS DISTINCT FROM rc) AND direction <> 'to_right' AS rchg,
                     (lx IS NOT DISTINCT FROM rc OR rx IS NOT DISTINCT FROM lc) AS same,
                     res.conflict_id AS resolved_id, res.resolution, res.resolved_value
              FROM f LEFT JOIN {conflicts} res
                ON res.left_id = f.left_id AND res.field = f.field AND res.resolution IS NOT NULL
               AND res.applied_at IS NULL
               AND res.left_value IS NOT DISTINCT FROM f.lc
               AND res.right_value IS NOT DISTINCT FROM f.rc)
        SELECT *,
          CASE
            WHEN resolution = 'left' THEN 'to_right'
            WHEN resolution = 'right' THEN 'to_left'
            WHEN resolution = 'value' THEN 'set'
            WHEN NOT lchg AND NOT rchg THEN CASE WHEN known THEN 'none' ELSE 'agree' END
            WHEN same THEN 'agree'
            WHEN NOT known AND origin = 'left' THEN 'to_right'
            WHEN NOT known AND origin = 'right' THEN 'to_left'
            WHEN lchg AND NOT rchg THEN 'to_right'
            WHEN rchg AND NOT lchg THEN 'to_left'
            WHEN policy = 'left-wins' THEN 'to_right'
            WHEN policy = 'right-wins' THEN 'to_left'
            WHEN policy = 'newest-wins' THEN CASE WHEN ru > lu THEN 'to_left' ELSE 'to_right' END
            ELSE 'conflict'
          END AS action,
          substr(md5(concat_ws('|', left_id, right_id, field, coalesce(lc, '∅'),
                               coalesce(rc, '∅'))), 1, 10) AS conflict_id
        FROM c""")  # fmt: skip


def _read_decisions(con: duckdb.DuckDBPyConnection, d: SyncDefinition, plan: Plan) -> None:
    updates: dict[tuple[str, str, str], Update] = {}
    rows = con.execute("""
        SELECT action, left_id, right_id, field, lj, rj, lxj, rxj, resolved_value, lw, rw
        FROM _decisions WHERE action IN ('to_right', 'to_left', 'set')
        ORDER BY left_id, fi""").fetchall()  # fmt: skip
    for action, left_id, right_id, name, lj, rj, lxj, rxj, value, lw, rw in rows:
        targets: list[tuple[Role, Any, Any, Any]] = []
        if action == "to_right":
            targets.append(("right", _json(rj), _json(lxj), _json(rw)))
        elif action == "to_left":
            targets.append(("left", _json(lj), _json(rxj), _json(lw)))
        else:
            given = _json(value)
            targets += [
                ("left", _json(lj), given["left"], _json(lw)),
                ("right", _json(rj), given["right"], _json(rw)),
            ]
        for role, old, new, whole in targets:
            update = updates.setdefault((role, left_id, right_id), Update(role, left_id, right_id))
            update.changes.append(FieldChange(name, old, new, whole))
    plan.updates = list(updates.values())
    plan.conflicts = [
        Conflict(cid, l_id, r_id, name, _json(gl), _json(gr), _json(lj), _json(rj))
        for cid, l_id, r_id, name, gl, gr, lj, rj in con.execute("""
            SELECT conflict_id, left_id, right_id, field, glj, grj, lj, rj FROM _decisions
            WHERE action = 'conflict' ORDER BY left_id, fi""").fetchall()
    ]  # fmt: skip
    plan.resolved = [
        str(row[0])
        for row in con.execute(
            "SELECT DISTINCT resolved_id FROM _decisions WHERE resolved_id IS NOT NULL"
        ).fetchall()
    ]


def _creates(con: duckdb.DuckDBPyConnection, d: SyncDefinition, plan: Plan) -> None:
    for role in ("left", "right"):
        source: Role = other(role)
        column = "left_id" if source == "left" else "right_id"
        conv = ", ".join(f"xj{i}" for i in range(len(d.fields)))
        matched = "left_id" if source == "left" else "right_id"
        rows = con.execute(f"""
            SELECT _id, {conv} FROM _{source}
            WHERE NOT _deleted AND _id NOT IN (SELECT {column} FROM _links)
              AND _id NOT IN (SELECT {matched} FROM _matched)
            ORDER BY _updated, _id""").fetchall()  # fmt: skip
        for row in rows:
            values = {}
            for i, item in enumerate(d.fields):
                if item.flows_to(role):
                    values[item.name] = _json(row[1 + i])
            plan.creates.append(Create(role, str(row[0]), values))


def _deletes(con: duckdb.DuckDBPyConnection, d: SyncDefinition, plan: Plan) -> None:
    rows = con.execute("""
        SELECT k.left_id, k.right_id, coalesce(L._deleted, true) AS left_gone,
               coalesce(R._deleted, true) AS right_gone,
               L._id IS NULL AS left_out, R._id IS NULL AS right_out
        FROM _links k LEFT JOIN _left L ON L._id = k.left_id
        LEFT JOIN _right R ON R._id = k.right_id
        WHERE NOT k.retired AND (L._id IS NULL OR R._id IS NULL OR L._deleted OR R._deleted)
        ORDER BY k.left_id""").fetchall()  # fmt: skip
    action_of = {"propagate": "delete", "archive": "archive", "ignore": "unlink"}
    for left_id, right_id, left_gone, right_gone, left_out, right_out in rows:
        if left_gone and right_gone:
            plan.deletes.append(
                Delete("left", left_id, right_id, "unlink", "deleted on both sides")
            )
            continue
        gone: Role = "left" if left_gone else "right"
        out = left_out if gone == "left" else right_out
        side: Role = other(gone)
        if out:
            why = f"the {gone} record left the sync's scope or filter"
            plan.deletes.append(Delete(side, left_id, right_id, "unlink", why))
            continue
        why = f"deleted on the {gone} side"
        plan.deletes.append(Delete(side, left_id, right_id, action_of[d.delete], why))


def _json(text: Any) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
