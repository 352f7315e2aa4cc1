"""What a new data generation changed, as journal changes: the same events a write makes.

``brainhub sandbox mutate`` moves a service to a later generation; every emulator on the kit
announces that move as webhooks. Rather than each vendor listing its generation's edits, a
vendor describes its objects once — :meth:`KitEmulator.journal_snapshot`, the objects a
webhook can be about, keyed ``object → id → values`` in the form its journal drafts carry —
and this module compares two snapshots:

- an id only in the new one is a ``create`` (its values),
- an id only in the old one is a ``delete`` (its old values),
- an id whose values differ is an ``update`` carrying the changed values and the values
  named in ``keys[object]`` (what the vendor needs to find the object: its repository,
  parent issue…).

The result is a list of :class:`~brainhub.sandbox.kit.journal.Change` in the order the new
snapshot lists its objects (creates and updates), then the deletes; the vendor's
``webhook_events`` turns each into events exactly as it does for a write through its API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brainhub.sandbox.kit.journal import Change

#: ``object → id → values``: what a vendor's data holds at one generation.
Snapshot = Mapping[str, Mapping[str, Mapping[str, Any]]]


def snapshot_changes(
    before: Snapshot,
    after: Snapshot,
    scope: Mapping[str, Any],
    keys: Mapping[str, Sequence[str]] | None = None,
    at: str = "",
) -> list[Change]:
    """The changes that turn ``before`` into ``after`` (see the module doc)."""
    keys = keys or {}
    found: list[Change] = []

    def note(op: str, kind: str, object_id: str, data: Mapping[str, Any]) -> None:
        found.append(Change(len(found) + 1, at, op, kind, object_id, dict(scope), dict(data)))

    for kind, objects in after.items():
        old_objects = before.get(kind, {})
        kept = tuple(keys.get(kind, ()))
        for object_id, values in objects.items():
            old = old_objects.get(object_id)
            if old is None:
                note("create", kind, object_id, values)
                continue
            changed = {k: v for k, v in values.items() if k not in old or old[k] != v}
            if changed:
                note("update", kind, object_id, {**_picked(values, kept), **changed})
    for kind, old_objects in before.items():
        objects = after.get(kind, {})
        for object_id, values in old_objects.items():
            if object_id not in objects:
                note("delete", kind, object_id, values)
    return found


def _picked(values: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}
