"""What one record renders to: its source key, the fields a write sends, its calls.

A record's *written fields* are the record fields the object type's templates read
(``{record.x}`` anywhere in its operations); their hash decides whether a record changed
since it was last written. Settings never enter them, so neither the id map nor a plan
ever holds a secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from brainhub.spec.placeholders import dig, format_time, placeholders_in, render
from brainhub.spec.writes import CallTemplate, IdFieldIdentity, WriteObject

#: Name under which a ``for_each`` call's current item is seen: ``{record.item}``.
ITEM = "item"


@dataclass(frozen=True)
class RenderedCall:
    """One HTTP call, filled in: ``endpoint`` is its path template (for logs and rejects)."""

    method: str
    path: str
    endpoint: str
    params: dict[str, Any]
    body: dict[str, Any] | None

    @property
    def label(self) -> str:
        return f"{self.method} {self.endpoint}"


def id_field(obj: WriteObject) -> str:
    """The record field templates read the service's id from: the identity's, else ``id``."""
    return obj.identity.field if isinstance(obj.identity, IdFieldIdentity) else "id"


def written_field_names(obj: WriteObject) -> tuple[str, ...]:
    """The record fields the object type's operations read, sorted (its id field left out)."""
    parts: list[Any] = []
    names: set[str] = set()
    for name in obj.operations.declared():
        op = getattr(obj.operations, name)
        parts += [op.path, op.params, op.body, [(c.path, c.params, c.body) for c in op.then]]
        names |= {c.for_each for c in op.then if c.for_each}
    names |= {n.split(".")[0] for scope, n in placeholders_in(parts) if scope == "record" and n}
    return tuple(sorted(names - {id_field(obj), ITEM} - obj.kept_fields()))


def written_fields(record: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``names`` in ``record`` (absent ones left out)."""
    return {name: record[name] for name in names if record.get(name) is not None}


def fields_hash(fields: Mapping[str, Any]) -> str:
    """A stable hash of written fields."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def source_key(record: Mapping[str, Any], key_properties: list[str]) -> str:
    """The record's key in its source stream, as text (a JSON list for compound keys)."""
    values = [record.get(name) for name in key_properties]
    if len(values) == 1:
        return str(values[0])
    return json.dumps(values, default=str)


def render_calls(
    call: CallTemplate, record: Mapping[str, Any], config: Mapping[str, Any]
) -> list[RenderedCall]:
    """The call filled in (one per item with ``for_each``); values left unset are left out.

    Raises:
        MissingValueError: the path (or text around a placeholder) needs a value the record
            does not have.
    """
    for_each = getattr(call, "for_each", None)
    if for_each is None:
        return [_render_one(call, record, config)]
    items = dig(record, for_each)
    if not isinstance(items, list):
        return []
    return [_render_one(call, {**record, ITEM: item}, config) for item in items]


def _render_one(
    call: CallTemplate, record: Mapping[str, Any], config: Mapping[str, Any]
) -> RenderedCall:
    scopes = {"record": record, "config": config}
    body = _without_unset(render(call.body, scopes)) if call.body is not None else None
    return RenderedCall(
        method=call.method,
        path=str(render(call.path, scopes)),
        endpoint=call.path,
        params=_without_unset(render(call.params, scopes)),
        body=body,
    )


def _without_unset(value: Any) -> Any:
    """A rendered body without the keys whose value is unset (nested objects too); a date or
    time the record holds as one (a ``date-time`` field) is sent as ISO 8601 text."""
    if isinstance(value, datetime):
        return format_time(value, "iso8601")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_without_unset(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, item in value.items():
        item = _without_unset(item)
        if item is None or item == {}:
            continue
        kept[key] = item
    return kept
