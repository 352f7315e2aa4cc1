"""How Asana represents a stored record in an answer, from the documented schemas.

- Without ``opt_fields`` a record comes in the representation the operation documents:
  the *compact* one in listings (``TaskCompact``: gid, resource_type, name…) and the
  *full* one from single reads (``TaskResponse``); nested objects in their documented
  (compact) form. Asana leaves ``created_by`` out of compact tasks unless asked, although
  ``TaskCompact`` documents it; so does this emulator.
- With ``opt_fields`` (see :mod:`.fields`): ``gid`` and exactly the named fields.

Stored records carry the fields the seeded organization models; a documented field one
lacks is completed, once per record, from the resource's full documented schema by the
kit's :class:`~brainhub.sandbox.kit.shapes.Shaper` (values seeded by the record's id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from brainhub.sandbox.kit.shapes import Shape, Shaper
from brainhub.sandbox.kit.surface import DocumentedOperation
from brainhub.sandbox.services.asana.fields import FieldTree, select

#: Where each resource's full representation is documented (its single read).
FULL_RECORD_OPERATIONS = {
    "workspace": "GET /workspaces/{}",
    "user": "GET /users/{}",
    "team": "GET /teams/{}",
    "project": "GET /projects/{}",
    "section": "GET /sections/{}",
    "task": "GET /tasks/{}",
    "story": "GET /stories/{}",
    "custom_field": "GET /custom_fields/{}",
    "goal": "GET /goals/{}",
    "webhook": "GET /webhooks/{}",
}
#: The changes a story's ``old_<change>`` / ``new_<change>`` fields describe.
STORY_CHANGES = (
    "name",
    "dates",
    "resource_subtype",
    "text_value",
    "number_value",
    "enum_value",
    "date_value",
    "people_value",
    "multi_enum_values",
    "approval_status",
)
#: Documented compact fields Asana sends only when ``opt_fields`` names them.
NOT_SENT_UNASKED = {"task": frozenset({"created_by"})}
#: Fields documented as *Conditional* (sent only when they apply): not completed when a
#: record lacks them (``approval_status`` of a task that is no approval, ``external``
#: data no app has set, what a story changed when it is no story of that change).
CONDITIONAL = {
    "task": frozenset({"approval_status", "external"}),
    "story": frozenset(
        {
            *(f"{age}_{what}" for age in ("old", "new") for what in STORY_CHANGES),
            "new_section",
            "old_section",
            "html_text",
            "sticker_name",  # "null if there is no sticker", documented as a string
            "story",
            "assignee",
            "follower",
            "task",
            "project",
            "tag",
            "custom_field",
            "duplicate_of",
            "duplicated_from",
            "dependency",
        }
    ),
}


def item_shape(operation: DocumentedOperation) -> Shape:
    """The documented shape of one record in the operation's ``data``."""
    data = operation.shape.get("o", {}).get("data", {})
    return data.get("a", data)


def project(shape: Shape, value: Any) -> Any:
    """``value`` cut down to the fields ``shape`` documents, recursively."""
    if "o" in shape and isinstance(value, dict):
        return {key: project(sub, value[key]) for key, sub in shape["o"].items() if key in value}
    if "a" in shape and isinstance(value, list):
        return [project(shape["a"], item) for item in value]
    return value


class Representer:
    """Answers records the way one operation documents them (see the module doc)."""

    def __init__(
        self,
        surface: Mapping[str, DocumentedOperation],
        shaper: Shaper,
        context: Mapping[str, Any],
        records: Callable[[], Iterable[dict[str, Any]]],
    ) -> None:
        self.surface = surface
        self.shaper = shaper
        self.context = context
        self._records = records
        self._by_gid: dict[str, dict[str, Any]] | None = None
        self._completed: dict[tuple[str, str], dict[str, Any]] = {}

    def represent(
        self, record: dict[str, Any], shape: Shape, fields: FieldTree | None, listed: bool = False
    ) -> dict[str, Any]:
        """``record`` as an answer with ``shape`` as its documented form (``listed``: in a
        listing, where compact records leave out :data:`NOT_SENT_UNASKED`)."""
        if fields is not None:
            if not fields.keys() <= record.keys():
                record = self.completed(record)
            return select(record, fields, self.resolve)
        documented = shape.get("o", {})
        if not documented.keys() <= record.keys():
            record = self.completed(record)
        kind = str(record.get("resource_type"))
        skip = NOT_SENT_UNASKED.get(kind, frozenset()) if listed else frozenset()
        return {
            key: project(sub, record[key])
            for key, sub in documented.items()
            if key in record and key not in skip
        }

    def forget(self) -> None:
        """Drop what was completed and indexed: the records changed (a write)."""
        self._by_gid = None
        self._completed.clear()

    def resolve(self, reference: dict[str, Any]) -> dict[str, Any]:
        """The whole (completed) record a nested reference names, or the reference itself
        when the organization has no record with its id."""
        if self._by_gid is None:
            self._by_gid = {record["gid"]: record for record in self._records()}
        record = self._by_gid.get(str(reference.get("gid")))
        return self.completed(record) if record is not None else reference

    def completed(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with every field of its full documented schema (memoized)."""
        kind = str(record.get("resource_type"))
        key = (kind, str(record.get("gid")))
        done = self._completed.get(key)
        if done is None:
            operation = self.surface.get(FULL_RECORD_OPERATIONS.get(kind, ""))
            if operation is None:
                return record
            seed = f"{kind}:{record.get('gid')}"
            done = self.shaper.complete(item_shape(operation), record, self.context, seed)
            for name in CONDITIONAL.get(kind, frozenset()) - record.keys():
                del done[name]
            day = str(record.get("created_at") or "2024-01-01")[:10]
            done = _with_dates(item_shape(operation), done, day)
            self._completed[key] = done
        return done


def _with_dates(shape: Shape, value: Any, day: str) -> Any:
    """``value`` with every documented ``format: date`` that is no ISO date set to ``day``
    (the shaper writes dates in epoch milliseconds; Asana writes ``YYYY-MM-DD``)."""
    if "o" in shape and isinstance(value, dict):
        return {
            key: _with_dates(shape["o"][key], item, day) if key in shape["o"] else item
            for key, item in value.items()
        }
    if "a" in shape and isinstance(value, list):
        return [_with_dates(shape["a"], item, day) for item in value]
    if shape.get("f") == "date" and isinstance(value, str) and not _is_iso_date(value):
        return day
    return value


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
