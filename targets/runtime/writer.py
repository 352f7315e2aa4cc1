"""One stream's records → creates, updates and deletes of one object type, with the id map.

Per record (mode from the spec, or the ``modes`` setting):

* its *source key* (the stream's key properties) finds its row in the id map, the id field
  (``id_field`` identity) its object directly;
* unchanged written fields (same hash as the last write) → no call;
* no object yet → an intent row, the create call, then the id and hash (``insert``,
  ``upsert``, ``mirror``; ``append`` creates every record and keeps no map; ``update``
  rejects records without an object);
* an object → the update (or upsert) call, then its follow-up calls, then the new hash;
* ``_sdc_deleted_at`` set, or (``mirror``) absent from a full-table stream's version →
  the delete call, then the row is dropped.

An intent row without an id means a create whose answer was never recorded: before
creating again, the identity's ``lookup`` request looks for the object (the first result
whose fields equal the record's), and a found object is updated instead.

A ``references`` field is filled first with the far side's id of what its key field names:
from the id map (a parent written before) or a value map (users). A key not translated yet
rejects the record, is left out, or (``defer``) has the record wait for the end of the
stream, where it is written once its parent is. Values an operation ``keep``s from a create's
answer are stored beside the id and seen by the record's later updates and deletes. With a
``budget``, each call first waits for its partition's turn (:mod:`.budget`).

A refused call (see :mod:`.calls`) writes a reject row; nothing else about that record
changes. The id map row of every acknowledged write is written before the next record is
read, so a STATE after it covers it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from singer_sdk.helpers.jsonpath import extract_jsonpath

from brainhub.errors import ConfigError
from brainhub.spec.jsonpaths import body_value
from brainhub.spec.placeholders import MissingValueError, dig, render
from brainhub.spec.writes import (
    IdFieldIdentity,
    IdReference,
    LookupIdentity,
    ValueLookup,
    WriteObject,
    WriteOperation,
)
from targets.runtime.batches import BatchAnswerError, ItemOutcome, batch_call, item_outcomes
from targets.runtime.budget import PartitionBudget
from targets.runtime.calls import RECORD_STATUSES, Refusal, Sender, answer_id
from targets.runtime.idmap import IdMap, MapEntry, Reject
from targets.runtime.plan import Plan
from targets.runtime.records import (
    UNSET,
    RenderedCall,
    fields_hash,
    fill,
    id_field,
    render_calls,
    source_key,
    with_idempotency_key,
    written_field_names,
    written_fields,
)

LOGGER = logging.getLogger("brainhub.target")
#: Where an intent row keeps the idempotency key its create was sent with.
IDEMPOTENCY_KEPT = "$idempotency_key"
KEYLESS_MODES = ("append",)


@dataclass(frozen=True)
class PendingCreate:
    """A create rendered and intended, waiting to be sent (alone or in a batch)."""

    key: str
    record: dict[str, Any]
    fields: dict[str, Any]
    digest: str
    keep: bool
    call: RenderedCall


@dataclass
class Tally:
    """What one stream's writer did."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: int = 0
    recovered: int = 0
    seen: set[str] = field(default_factory=set)


class ObjectWriter:
    """Writes the records of one stream as objects of one type."""

    def __init__(
        self,
        *,
        service: str,
        stream: str,
        object_type: str,
        obj: WriteObject,
        mode: str,
        key_properties: list[str],
        config: Mapping[str, Any],
        sender: Sender | None,
        id_map: IdMap,
        plan: Plan | None,
        batch_size: int | None = None,
        flush_all: Callable[[], None] | None = None,
        references: Mapping[str, IdReference] | None = None,
        value_maps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        if not key_properties and mode not in KEYLESS_MODES:
            raise ConfigError(
                f"target-{service}: stream {stream!r} has no key properties, and mode {mode} "
                f"of {object_type} keeps each record's object in the id map by its key; give "
                "the stream key_properties, or write it in mode append"
            )
        self.service = service
        self.stream = stream
        self.object_type = object_type
        self.obj = obj
        self.mode = mode
        self.key_properties = key_properties
        self.config = config
        self.sender = sender
        self.id_map = id_map
        self.plan = plan
        self.id_key = id_field(obj)
        self.field_names = written_field_names(obj)
        self.entries: dict[str, MapEntry] = {} if mode in KEYLESS_MODES else id_map.load(stream)
        self.tally = Tally()
        self.budget = PartitionBudget(obj.budget.per_second) if obj.budget else None
        self._partition = ""
        #: Creates per batch request (1: each alone): the setting's, the spec's size at most.
        limit = obj.batch.size if obj.batch is not None else 1
        self.batch_size = min(batch_size or limit, limit)
        self.pending: list[PendingCreate] = []
        #: Sends the waiting creates of every stream (a parent may wait in another).
        self.flush_all = flush_all or self.flush
        #: The spec's references with the ``references`` setting's over them.
        self.references = dict(obj.references if references is None else references)
        self.value_maps = dict(value_maps or {})
        #: Records waiting for a reference (``missing: defer``), in arrival order.
        self.deferred: list[dict[str, Any]] = []
        self.final = False

    # ------------------------------------------------------------------ one record

    def write(self, record: dict[str, Any]) -> None:
        """Apply one record."""
        original = record
        deleted = record.get("_sdc_deleted_at") is not None
        record = {k: v for k, v in record.items() if not k.startswith("_sdc_")}
        key = source_key(record, self.key_properties) if self.key_properties else ""
        self.tally.seen.add(key)
        if any(p.key == key for p in self.pending):
            self.flush()  # the same row again: its create must be recorded first
        if not deleted:
            resolved = self._resolve_references(key, record)
            if resolved == "deferred":
                self.deferred.append(original)
                return
            if resolved == "rejected":
                return
        fields = written_fields(record, self.field_names)
        digest = fields_hash(fields)
        if self.mode in KEYLESS_MODES:
            if not deleted:
                self._create(key, record, fields, digest, keep=False)
            return
        entry = self.entries.get(key)
        remote_id = self._remote_id(record, entry)
        if entry is not None and entry.remote_id is None and remote_id is None:
            remote_id = self._recover(key, record)
        if deleted:
            if self.mode == "mirror" and remote_id is not None:
                kept = entry.kept if entry is not None else {}
                self._delete(key, remote_id, {**record, **kept})
            return
        if remote_id is None:
            if self.mode == "update":
                self._reject_unsent(key, "no object yet: mode update changes existing ones only")
            else:
                self._create(key, record, fields, digest, keep=True)
        elif entry is not None and (entry.body_hash == digest or self.mode == "insert"):
            self.tally.unchanged += 1  # written before, unchanged (or insert: never updated)
            if entry.remote_id is None and self.plan is None:
                self._remember(key, remote_id, digest, fields)  # found by the lookup: keep it
        else:
            self._update(key, remote_id, record, fields, digest, entry)

    def delete_missing(self) -> None:
        """``mirror``: delete the objects of id map rows no record of this version named."""
        if self.mode != "mirror":
            return
        for key, entry in list(self.entries.items()):
            if key not in self.tally.seen and entry.remote_id is not None:
                self._delete(key, entry.remote_id, {**entry.written, **entry.kept})

    # ------------------------------------------------------------------ operations

    def _remote_id(self, record: Mapping[str, Any], entry: MapEntry | None) -> str | None:
        if isinstance(self.obj.identity, IdFieldIdentity):
            value = record.get(self.obj.identity.field)
            if value not in (None, ""):
                return str(value)
        return entry.remote_id if entry is not None else None

    def _create(
        self, key: str, record: dict[str, Any], fields: dict[str, Any], digest: str, *, keep: bool
    ) -> None:
        operations = self.obj.operations
        op = operations.create or operations.upsert
        assert op is not None  # the spec's checks guarantee it for every mode that creates
        record = {k: v for k, v in record.items() if k != self.id_key}
        calls = self._render(key, op, record)
        if calls is None:
            return
        if self.plan is not None:
            self.plan.create(self.object_type, fields)
            self.tally.created += 1
            return
        call = calls[0]
        intent: dict[str, Any] = {}
        if op.idempotency_key is not None:
            entry = self.entries.get(key) if keep else None
            earlier = (
                entry.kept.get(IDEMPOTENCY_KEPT) if entry and entry.remote_id is None else None
            )
            intent[IDEMPOTENCY_KEPT] = str(earlier or uuid.uuid4())  # a retry sends it again
            call = with_idempotency_key(call, op.idempotency_key, intent[IDEMPOTENCY_KEPT])
        if keep:
            self.id_map.intend(self.stream, key, self.object_type, intent)
        pending = PendingCreate(key, record, fields, digest, keep, call)
        if self.batch_size > 1 and op is operations.create:
            self.pending.append(pending)
            if len(self.pending) >= self.batch_size:
                self.flush()
            return
        self._send_create(pending)

    def _send_create(self, pending: PendingCreate) -> None:
        answer = self._send(pending.key, pending.call)
        if isinstance(answer, Refusal):
            if pending.keep:
                self.id_map.forget(self.stream, pending.key)
            return
        self._created(pending, answer)

    def _created(self, pending: PendingCreate, answer: Any) -> None:
        """Record a create the service acknowledged, then send its follow-up calls."""
        operations = self.obj.operations
        op = operations.create or operations.upsert
        assert op is not None
        key, record = pending.key, pending.record
        remote_id = answer_id(answer, op.id_from)
        if pending.keep and remote_id is None:
            raise ConfigError(
                f"target-{self.service}: the {self.object_type} create answered no id at "
                f"{op.id_from!r} (writes.{self.object_type}.operations.create.id_from)"
            )
        self.tally.created += 1
        kept = {name: dig(answer, path) for name, path in op.keep.items()}
        kept = {name: value for name, value in kept.items() if value is not None}
        complete = self._follow_ups(key, op, {**record, **kept, self.id_key: remote_id})
        if pending.keep and remote_id is not None:
            self._remember(
                key, remote_id, pending.digest if complete else None, pending.fields, kept
            )

    # ------------------------------------------------------------------ batches

    def flush(self) -> None:
        """Send the creates waiting for a batch: one request (a lone one as itself)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        if len(pending) == 1:
            self._send_create(pending[0])
            return
        batch = self.obj.batch
        assert batch is not None
        assert self.sender is not None
        call = batch_call(batch, [(p.record, p.call) for p in pending], self.config)
        answer = self.sender.send(call, cost=len(pending) if batch.counts_each else 1)
        status = 200
        if isinstance(answer, Refusal):
            status = answer.status
            try:
                answer = json.loads(answer.error)
            except ValueError:
                answer = None
        try:
            outcomes = item_outcomes(batch, answer, len(pending), status)
        except BatchAnswerError as exc:
            if status < 300:
                raise BatchAnswerError(
                    f"target-{self.service}: {call.label}: {exc}; the records of the batch "
                    "keep their intent rows, so the next run looks their objects up first"
                ) from None
            refused = ItemOutcome(status=status, error=json.dumps(answer) if answer else "")
            outcomes = [refused] * len(pending)
        for item, outcome in zip(pending, outcomes, strict=True):
            if outcome.made:
                self._created(item, outcome.answer)
                continue
            if outcome.status not in RECORD_STATUSES:
                # throttled or a server error inside the batch: not the record's fault, so
                # its create goes alone, under the HTTP policy's retries
                self._send_create(item)
                continue
            self.tally.rejected += 1
            self.id_map.reject(
                Reject(
                    self.stream,
                    item.key,
                    self.object_type,
                    call.label,
                    outcome.status,
                    outcome.error or f"HTTP {outcome.status}",
                )
            )
            if item.keep:
                self.id_map.forget(self.stream, item.key)

    def _update(
        self,
        key: str,
        remote_id: str,
        record: dict[str, Any],
        fields: dict[str, Any],
        digest: str,
        entry: MapEntry | None,
    ) -> None:
        operations = self.obj.operations
        op = operations.update or operations.upsert
        if op is None:  # insert mode without an update operation: the object exists
            self.tally.unchanged += 1
            return
        kept = {k: v for k, v in (entry.kept if entry else {}).items() if k != IDEMPOTENCY_KEPT}
        record = {**record, **kept, self.id_key: remote_id}
        if self.plan is not None:
            self.plan.update(self.object_type, entry.written if entry else {}, fields)
            self.tally.updated += 1
            return
        calls = self._render(key, op, record)
        if calls is None:
            return
        if isinstance(self._send(key, calls[0]), Refusal):
            return
        self.tally.updated += 1
        complete = self._follow_ups(key, op, record)
        self._remember(key, remote_id, digest if complete else None, fields, kept)

    def _delete(self, key: str, remote_id: str, record: dict[str, Any]) -> None:
        op = self.obj.operations.delete
        if op is None:
            return
        if self.plan is not None:
            self.plan.delete(self.object_type, key)
            self.tally.deleted += 1
            return
        calls = self._render(key, op, {**record, self.id_key: remote_id})
        if calls is None:
            return
        answer = self._send(key, calls[0], gone_ok=True)
        if isinstance(answer, Refusal):
            return
        self.tally.deleted += 1
        self.id_map.forget(self.stream, key)
        self.entries.pop(key, None)

    def _follow_ups(self, key: str, op: WriteOperation, record: dict[str, Any]) -> bool:
        """Send ``op``'s follow-up calls; False if one was refused (the next run retries).

        A call whose body template renders to nothing (every value unset) is not sent.
        """
        complete = True
        for then in op.then:
            call_record = record
            if then.lookup is not None:
                found = self._look_up(key, then.lookup, record)
                if isinstance(found, Refusal):
                    complete = False
                if found is None or isinstance(found, Refusal):
                    continue
                call_record = {**record, then.lookup.into: found}
            for call in self._render_each(key, then, call_record):
                if then.body is not None and not call.body:
                    continue  # nothing of its body is set: nothing to send
                if isinstance(self._send(key, call), Refusal):
                    complete = False
        return complete

    def _remember(
        self,
        key: str,
        remote_id: str,
        digest: str | None,
        fields: dict[str, Any],
        kept: dict[str, Any] | None = None,
    ) -> None:
        kept = kept or {}
        self.id_map.written(self.stream, key, self.object_type, remote_id, digest, fields, kept)
        self.entries[key] = MapEntry(remote_id, digest, fields, kept)

    # ------------------------------------------------------------------ references

    def _resolve_references(self, key: str, record: dict[str, Any]) -> str:
        """Fill each reference field with the far side's id(s) of what its key field names.

        ``"ok"``; ``"rejected"`` (a key not translated, ``missing: reject``); or
        ``"deferred"`` (``missing: defer``: the record waits for the end of the stream). A
        record without the key leaves the field as it is (a top-level message).
        """
        for name, reference in self.references.items():
            value = record.get(reference.key)
            if value in (None, ""):
                continue
            keys = (
                [str(v) for v in value if v not in (None, "")]
                if isinstance(value, list)
                else [str(value)]
            )
            found = [self._translate(reference, k) for k in keys]
            unknown = [k for k, f in zip(keys, found, strict=True) if f is None]
            if unknown:
                missing = (
                    "reject" if self.final and reference.missing == "defer" else reference.missing
                )
                if missing == "defer":
                    return "deferred"
                where = (
                    f"value map {reference.map!r}"
                    if reference.map is not None
                    else f"the id map of stream {reference.stream or self.stream!r}"
                )
                if missing == "reject":
                    self._reject_unsent(
                        key,
                        f"{reference.key} {', '.join(map(repr, unknown))} is not in {where} "
                        f"(its {name} is translated there; write the referenced object first, "
                        "or add the value to the map)",
                    )
                    return "rejected"
                LOGGER.info(
                    "%s %s: %s %s not in %s; %s left without it",
                    self.stream,
                    key,
                    reference.key,
                    ", ".join(unknown),
                    where,
                    name,
                )
            ids = [f for f in found if f is not None]
            if isinstance(value, list) or reference.list:
                record[name] = ids
            elif ids:
                record[name] = ids[0]
        return "ok"

    def _translate(self, reference: IdReference, source: str) -> Any:
        """The far side's id of ``source`` through the reference, None when not known yet."""
        if reference.map is not None:
            table = self.value_maps.get(reference.map)
            if table is None:
                raise ConfigError(
                    f"target-{self.service}: {self.object_type}'s {reference.key} is "
                    f"translated by value map {reference.map!r}, which the value_maps setting "
                    f"does not give (given: {', '.join(self.value_maps) or 'none'}); e.g. "
                    f'{{"value_maps": {{"{reference.map}": "{reference.map}.yaml"}}}}'
                )
            return table.get(source)
        stream = reference.stream or self.stream
        remote_id = self._parent_id(stream, source)
        if remote_id is None and self.plan is None and self._sent_waiting():
            remote_id = self._parent_id(stream, source)  # it may have waited in a batch
        if remote_id is None and self.plan is not None:
            remote_id = f"<{stream} {source}>"  # would be written first
        return remote_id

    def retry_deferred(self, *, final: bool) -> None:
        """Write the records deferred for a reference again, as long as that gets any
        written; ``final`` (the end of the input): those still missing get the fallback of
        their reference, a reject."""
        while self.deferred:
            waiting, self.deferred = self.deferred, []
            for record in waiting:
                self.write(record)
            if len(self.deferred) == len(waiting):
                break  # nothing new to go on
        if final and self.deferred:
            waiting, self.deferred = self.deferred, []
            self.final = True
            try:
                for record in waiting:
                    self.write(record)
            finally:
                self.final = False

    def _parent_id(self, stream: str, key: str) -> str | None:
        if stream == self.stream:
            found = self.entries.get(key)
            return found.remote_id if found is not None else None
        return self.id_map.remote_id(stream, key)

    def _sent_waiting(self) -> bool:
        """Send the creates waiting for a batch (in every stream, a parent may be among
        them); whether there were any."""
        waiting = bool(self.pending) or self.flush_all is not self.flush
        self.flush_all()
        return waiting

    def _look_up(self, key: str, lookup: ValueLookup, record: dict[str, Any]) -> Any:
        """The value a follow-up's lookup finds: None when no result matches (the call is
        not made), a :class:`Refusal` when the service refused the lookup (a reject)."""
        scopes = {"record": record, "config": self.config}
        try:
            call = RenderedCall(
                method="GET",
                path=str(render(lookup.path, scopes)),
                endpoint=lookup.path,
                params={k: v for k, v in render(lookup.params, scopes).items() if v is not None},
                body=None,
            )
            wanted = render(lookup.match, scopes)
        except MissingValueError:
            return None  # the record does not say what to look for: nothing to do
        if any(value is None for value in wanted.values()):
            return None
        answer = self._send(key, call)
        if isinstance(answer, Refusal) or answer is None:
            return answer
        for found in extract_jsonpath(lookup.records, answer):
            if all(str(dig(found, name)) == str(value) for name, value in wanted.items()):
                return dig(found, lookup.value)
        LOGGER.info(
            "%s %s: %s offers no result matching %s; %s is left as it is",
            self.stream,
            key,
            call.path,
            wanted,
            self.object_type,
        )
        return None

    # ------------------------------------------------------------------ recovery

    def _recover(self, key: str, record: dict[str, Any]) -> str | None:
        """Find the object an unfinished create may have made, by the identity's lookup."""
        identity = self.obj.identity
        if not isinstance(identity, LookupIdentity) or self.sender is None:
            return None
        scopes = {"record": record, "config": self.config}
        try:
            params = fill(identity.params, scopes)
            body = fill(identity.body, scopes) if identity.body is not None else None
            call = RenderedCall(
                method=identity.method,
                path=str(render(identity.path, scopes)),
                endpoint=identity.path,
                params={} if params is UNSET else params,
                body={} if body is UNSET else body,
            )
            wanted = render(identity.match, scopes)
        except MissingValueError:
            return None
        answer = self.sender.send(call)
        if isinstance(answer, Refusal) or answer is None:
            return None
        for found in extract_jsonpath(identity.records, answer):
            if all(str(body_value(found, name)) == str(value) for name, value in wanted.items()):
                remote_id = body_value(found, identity.id)
                if remote_id not in (None, ""):
                    LOGGER.info(
                        "%s %s: found the object an interrupted create made (%s)",
                        self.stream,
                        key,
                        remote_id,
                    )
                    self.tally.recovered += 1
                    return str(remote_id)
        return None

    # ------------------------------------------------------------------ helpers

    def _render(self, key: str, op: WriteOperation, record: dict[str, Any]) -> list[Any] | None:
        calls = self._render_each(key, op, record)
        return calls or None

    def _render_each(self, key: str, call: Any, record: dict[str, Any]) -> list[RenderedCall]:
        if self.obj.budget is not None:  # the calls about to be sent count in this partition
            try:
                per = render(self.obj.budget.per, {"record": record, "config": self.config})
            except MissingValueError:
                per = None
            self._partition = "" if per in (None, "") else str(per)
        try:
            return render_calls(call, record, self.config)
        except MissingValueError as exc:
            self._reject_unsent(key, f"{call.method} {call.path}: {exc}", call=call)
            return []

    def _send(self, key: str, call: RenderedCall, *, gone_ok: bool = False) -> Any:
        assert self.sender is not None
        if self.budget is not None and self._partition:  # no partition: nothing to share
            self.budget.take(self._partition)
        answer = self.sender.send(call)
        if isinstance(answer, Refusal):
            if gone_ok and answer.status == 404:
                return None
            self.tally.rejected += 1
            self.id_map.reject(
                Reject(self.stream, key, self.object_type, call.label, answer.status, answer.error)
            )
        return answer

    def _reject_unsent(self, key: str, message: str, call: Any = None) -> None:
        self.tally.rejected += 1
        if self.plan is not None:
            self.plan.reject(self.object_type, key, message)
            return
        label = f"{call.method} {call.path}" if call is not None else ""
        self.id_map.reject(Reject(self.stream, key, self.object_type, label, None, message))
