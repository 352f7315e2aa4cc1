"""Which schema changes an existing table may take, and the error for those it may not.

A loaded table evolves by itself only where no loaded value changes meaning:

* new columns are added, columns the schema no longer lists are kept;
* scalars widen along BIGINT → DECIMAL → DOUBLE → VARCHAR (and dates and times to
  VARCHAR): every loaded value keeps its value, written in the wider type;
* STRUCTs gain fields and LISTs widen their items by the same rules.

Two changes are refused while the table holds rows, because they would change what loaded
rows mean: a change of **key properties** (upserts would match rows by other columns than
those they were loaded by), and a change of **type family** (a STRUCT, LIST or scalar
column, or a field inside one, that would have to become JSON). The error names the
stream, the table, the column or keys, the old and new types, and the ways on: rebuild the
table with ``load_method: overwrite`` and a full sync, or load the changed stream under
another name. The key properties a table was loaded with are kept in its comment (a table
without one, created before, takes the stream's current keys), and an empty table takes
any change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from targets.duckdb.errors import WarehouseError
from targets.duckdb.types import SqlType

_KEYS_FIELD = "key_properties"

HOW_TO_PROCEED = (
    "to rebuild the table with the new schema, sync the stream in full with load_method "
    "'overwrite' (e.g. TARGET_DUCKDB_LOAD_METHOD=overwrite meltano run --full-refresh "
    "<tap> target-duckdb), which replaces the table when the run succeeds; or load the "
    "stream under another name (a stream map's __alias__, or another default_target_schema)"
)


def keys_comment(keys: Sequence[str]) -> str:
    """The table comment that records the key columns a table is loaded by."""
    return json.dumps({_KEYS_FIELD: list(keys)})


def recorded_keys(comment: str | None) -> list[str] | None:
    """The key columns recorded in a table's comment, or ``None`` if none are."""
    try:
        found = json.loads(comment or "")
    except ValueError:
        return None
    keys = found.get(_KEYS_FIELD) if isinstance(found, dict) else None
    if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
        return keys
    return None


def family_changes(old: SqlType, new: SqlType, path: str) -> list[tuple[str, SqlType, SqlType]]:
    """Where widening ``old`` into ``new`` turns a typed value into JSON: (path, old, new)."""
    if old == new:
        return []
    if new.name == "JSON" and old.name != "JSON":
        return [(path, old, new)]
    if old.name == new.name == "STRUCT":
        fields = dict(old.fields)
        changes = []
        for name, sub in new.fields:
            if name in fields:
                changes += family_changes(fields[name], sub, f"{path}.{name}")
        return changes
    if old.name == new.name == "LIST" and old.item is not None and new.item is not None:
        return family_changes(old.item, new.item, f"{path}[]")
    return []


def key_change_error(table: str, old: list[str], new: list[str]) -> WarehouseError:
    """The error for a stream whose key properties differ from its loaded table's."""
    return WarehouseError(
        f"table {table} holds rows loaded with key properties {_show_keys(old)}, but the "
        f"stream's key properties are now {_show_keys(new)}; upserting by other keys would "
        f"mix the two. The table is left as it was; {HOW_TO_PROCEED}"
    )


def family_change_error(table: str, column: str, old: SqlType, new: SqlType) -> WarehouseError:
    """The error for a column whose loaded values would have to become JSON."""
    return WarehouseError(
        f"table {table}: column {column!r} holds {old.sql()} values, but the stream's new "
        f"schema needs {new.sql()} there, a different type family; loaded values are not "
        f"converted to JSON silently. The table is left as it was; {HOW_TO_PROCEED}"
    )


def _show_keys(keys: list[str]) -> str:
    return "(none)" if not keys else "[" + ", ".join(repr(k) for k in keys) + "]"
