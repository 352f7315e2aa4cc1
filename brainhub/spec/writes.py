"""The spec's ``writes:`` section, typed: how records become create/update/delete calls.

One entry per object type (``tasks``, ``comments``), beside the streams that read them::

    writes:
      tasks:
        mode: upsert                     # insert | update | upsert | mirror | append
        identity: {type: id_field, field: id}
        operations:
          create:
            method: POST
            path: /list/{record.list_id}/task
            body: {name: "{record.name}", status: "{record.status}"}
            id_from: id                  # where the new object's id is in the response
            then:                        # follow-up calls; {record.id} is the new id
              - {method: POST, path: "/task/{record.id}/tag/{record.tag}"}
          update: {method: PUT, path: "/task/{record.id}", body: {name: "{record.name}"}}

Bodies and paths are templates over the record (``{record.x}``) and the settings
(``{config.x}``); in a body, ``{$each: "{record.tags}", $as: {name: "{record.item}"}}`` is a
list with one ``$as`` per item of a record's list field. A lookup's ``match`` names result
fields by dotted path or JSONPath (``$.properties.Name.title[0].plain_text``). An object type
may also declare a ``budget`` (at most ``rate`` calls per partition, e.g.
``{per: "{record.channel}", rate: 1/s}``), ``references`` (a record field filled with a
parent's id from the id map), ``batch`` (an endpoint taking many creates per request) and,
per operation, ``keep`` (answer values kept beside the id for later calls). :func:`write_problems` holds the checks a JSON Schema cannot express.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import msgspec

from brainhub.spec.blocks import Block
from brainhub.spec.jsonpaths import jsonpath_problem, path_problem
from brainhub.spec.placeholders import PLACEHOLDER, placeholder_problems, placeholders_in

Where = tuple[str | int, ...]

MODES = ("insert", "update", "upsert", "mirror", "append")
#: Scopes a write template may use.
WRITE_SCOPES = ("config", "record")
#: Keys of a body template mapping that renders one value per item of a record's list field.
EACH, EACH_AS = "$each", "$as"
#: A body template mapping that renders an e-mail (RFC 2822) encoded base64url, as Gmail's
#: ``raw`` takes it: ``{$rfc2822_base64url: {headers: {To: …, Subject: …}, text: …}}``.
MIME_MESSAGE = "$rfc2822_base64url"
MIME_MESSAGE_KEYS = ("headers", "text")
#: Units of a budget's rate (``1/s``, ``30/min``), in seconds.
RATE_UNITS = {"s": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hour": 3600.0}


class MediaUpload(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A file's content sent with a call: alone (the body is the bytes), or after the JSON
    ``body`` as a ``multipart/related`` request (Google's media uploads)."""

    content: str
    content_type: str = "application/octet-stream"
    #: How the record holds the content: as text (sent UTF-8) or base64.
    encoding: Literal["text", "base64"] = "text"


class CallTemplate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What every call of a write has: method, path template, query and body templates."""

    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    path: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    body: dict[str, Any] | None = None
    #: The declared host (``hosts:``) the path is appended to; None: the base URL.
    host: str | None = None
    #: A file's content uploaded with the call (see :class:`MediaUpload`).
    media: MediaUpload | None = None


class ValueLookup(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A GET made before a follow-up call to find a value the call needs.

    The first result (at ``records``) whose fields equal the rendered ``match`` gives its
    ``value`` field, which the call reads as ``{record.<into>}``; with none, no call.
    """

    path: str
    match: dict[str, str]
    into: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    records: str = "$[*]"
    value: str = "id"


class WriteCall(CallTemplate, frozen=True, kw_only=True):
    """A follow-up call; with ``for_each``, one call per item of a record's list field."""

    #: A record field holding a list: one call per item (``{record.item}``), none if empty.
    for_each: str | None = None
    #: A value looked up before the call (e.g. the transition that reaches a status).
    lookup: ValueLookup | None = None


class IdempotencyKey(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Where a create carries its idempotency key: a header, a body field or a parameter.

    The key is made once per record's create and kept with its intent row, so a retried
    request, and a create sent again after the run was killed, carry the same key.
    """

    header: str | None = None
    body: str | None = None
    params: str | None = None

    def places(self) -> list[tuple[str, str]]:
        """``(where, name)`` of each place given."""
        return [(k, v) for k in ("header", "body", "params") if (v := getattr(self, k))]


class WriteOperation(CallTemplate, frozen=True, kw_only=True):
    """A create, update, delete or upsert: its call, the id it answers, its follow-up calls."""

    id_from: str | None = None
    then: tuple[WriteCall, ...] = ()
    #: Record field → where its value is in a create's answer: kept in the id map beside
    #: the id, and seen by later calls as ``{record.<field>}`` (Slack's channel id).
    keep: dict[str, str] = msgspec.field(default_factory=dict)
    #: The service's idempotency key for creates (a header such as ``Idempotency-Key``).
    idempotency_key: IdempotencyKey | None = None


class WriteOperations(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The operations an object type supports (at least one)."""

    create: WriteOperation | None = None
    update: WriteOperation | None = None
    delete: WriteOperation | None = None
    upsert: WriteOperation | None = None

    def declared(self) -> tuple[str, ...]:
        """Names of the operations given."""
        return tuple(n for n in ("create", "update", "delete", "upsert") if getattr(self, n))


class IdentityBlock(Block, frozen=True):
    """How a record finds the object it stands for at the service."""


class IdFieldIdentity(IdentityBlock, frozen=True, tag="id_field"):
    """The record carries the service's id in a field (empty until created)."""

    field: str


class LookupIdentity(IdentityBlock, frozen=True, tag="lookup"):
    """A request finds the object: the first result whose fields match the record's."""

    path: str
    match: dict[str, str]
    method: Literal["GET", "POST"] = "GET"
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    body: dict[str, Any] | None = None
    records: str = "$[*]"
    id: str = "id"


class UpsertKeyIdentity(IdentityBlock, frozen=True, tag="upsert_key"):
    """The service itself upserts by these record fields (an external id)."""

    fields: tuple[str, ...]


Identity = IdFieldIdentity | LookupIdentity | UpsertKeyIdentity
IDENTITY_KINDS: tuple[type[IdentityBlock], ...] = Identity.__args__


class WriteBudget(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """At most ``rate`` calls per partition (``per``, a template over the record)."""

    per: str
    rate: str

    @property
    def per_second(self) -> float:
        """Calls per second the budget allows in one partition."""
        count, unit = self.rate.split("/")
        return float(count) / RATE_UNITS[unit.strip()]


#: What a reference whose object is not known yet does: reject the record, leave the value
#: out, or wait for the end of the stream (the parent may come later in it).
MISSING = ("reject", "empty", "defer")


class IdReference(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A record field filled with the far side's id of what another field names.

    The ``key`` field holds a source key (or a list of them): each is translated by the id
    map's row of ``stream`` (an object written before: a parent task, a thread) or by the
    value map ``map`` (a table of source user → far-side user id, the ``value_maps``
    setting). Neither given: the record's own stream (a subtask's parent).
    """

    #: The record field holding the source key (or list of keys) to translate.
    key: str
    #: The stream the referenced record was written from (default: the record's own).
    stream: str | None = None
    #: A value map named in the ``value_maps`` setting, instead of the id map.
    map: str | None = None
    #: What to do when a key is not translated yet.
    missing: Literal["reject", "empty", "defer"] = "reject"
    #: The field is a list: a lone key gives a list of one id (ClickUp's assignees).
    list: bool = False


class WriteBatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A batch endpoint that takes many creates in one request, answering each one.

    The creates of up to ``size`` new records go in one call: each record's create, rendered
    as it would be sent alone, becomes one ``item`` (default: the create's body) in the list
    at ``items_at`` of the batch body. The answer says per item whether it was made: either
    ``results`` holds one result per item in order with its ``status`` (Asana's ``/batch``),
    or ``results`` lists the made items in order and ``failures`` names the others by
    ``failure_index`` (Jira's bulk create).
    """

    path: str
    size: int
    items_at: str
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    #: The rest of the batch body (a template over settings).
    body: dict[str, Any] = msgspec.field(default_factory=dict)
    #: One item: a template over the record, the settings and the create as it would be
    #: sent alone (``{call.method}``, ``{call.path}``, ``{call.body}``).
    item: Any = None
    #: JSONPath of the per-item results in the answer.
    results: str = "$[*]"
    #: Field of a result holding the item's HTTP status (results answer every item).
    status: str | None = None
    #: Field of a result holding the item's answer, read by the create's ``id_from``.
    answer: str | None = None
    #: JSONPath of the failed items' entries (results then list only the made ones).
    failures: str | None = None
    failure_index: str = "index"
    failure_error: str | None = None
    failure_status: str | None = None
    #: Whether the service counts each item against its rate limit as a request (Asana).
    counts_each: bool = False


class WriteObject(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One object type a target writes."""

    mode: Literal["insert", "update", "upsert", "mirror", "append"]
    operations: WriteOperations
    identity: Identity | None = None
    description: str = ""
    budget: WriteBudget | None = None
    #: Record field → the parent whose id (from the id map) it is filled with.
    references: dict[str, IdReference] = msgspec.field(default_factory=dict)
    #: A batch endpoint the creates of new records go through, many per request.
    batch: WriteBatch | None = None

    def kept_fields(self) -> set[str]:
        """Record fields the operations keep from a create's answer."""
        return {
            name
            for op_name in self.operations.declared()
            for name in getattr(self.operations, op_name).keep
        }


def decode_writes(raw: Any) -> dict[str, WriteObject]:
    """The typed ``writes:`` section of a (schema-checked) spec."""
    return msgspec.convert(raw or {}, dict[str, WriteObject])


#: Operations each mode needs (any one of the alternatives).
NEEDED: dict[str, tuple[tuple[str, ...], ...]] = {
    "insert": (("create",),),
    "append": (("create",),),
    "update": (("update",),),
    "upsert": (("upsert",), ("create", "update")),
    "mirror": (("create", "update", "delete"), ("upsert", "delete")),
}


def write_problems(
    writes: dict[str, WriteObject], known_settings: set[str]
) -> Iterator[tuple[Where, str]]:
    """What the JSON Schema cannot check in ``writes:``: ``(path, message)`` pairs."""
    for name, obj in writes.items():
        base: Where = ("writes", name)
        yield from _mode_problems(obj, base)
        for op_name in obj.operations.declared():
            op: WriteOperation = getattr(obj.operations, op_name)
            where = (*base, "operations", op_name)
            yield from _template_problems(op, where, known_settings)
            for i, call in enumerate(op.then):
                yield from _template_problems(call, (*where, "then", i), known_settings)
                if call.lookup is not None:
                    yield from _lookup_problems(call.lookup, (*where, "then", i, "lookup"))
                    yield from _template_problems(
                        call.lookup, (*where, "then", i, "lookup"), known_settings
                    )
            if op.idempotency_key is not None:
                if op_name not in ("create", "upsert"):
                    yield (*where, "idempotency_key"), "an idempotency key is for creates only"
                if len(op.idempotency_key.places()) != 1:
                    yield (
                        (*where, "idempotency_key"),
                        "give exactly one of header, body or params (where the key goes)",
                    )
            if op.id_from is not None and (message := path_problem(op.id_from)):
                yield (*where, "id_from"), message
            for field_name, answer_path in op.keep.items():
                if message := path_problem(answer_path):
                    yield (*where, "keep", field_name), message
        yield from _budget_problems(obj, base, known_settings)
        yield from reference_problems(obj.references, (*base, "references"))
        if obj.batch is not None:
            yield from _batch_problems(obj, (*base, "batch"), known_settings)
        identity = obj.identity
        if isinstance(identity, LookupIdentity):
            where = (*base, "identity")
            yield from _template_problems(identity, where, known_settings)
            if message := jsonpath_problem(identity.records):
                yield (*where, "records"), message
            for field in (*identity.match, identity.id):
                if message := path_problem(field):
                    yield (*where, "match" if field in identity.match else "id"), message


def reference_problems(
    references: dict[str, IdReference], where: Where
) -> Iterator[tuple[Where, str]]:
    """What is wrong with ``references`` (the spec's or the ``references`` setting's)."""
    for name, reference in references.items():
        if reference.map is not None and reference.stream is not None:
            yield (
                (*where, name),
                "a reference reads the id map of a stream or a value map, not both",
            )
        if reference.map is not None and reference.missing == "defer":
            yield (
                (*where, name, "missing"),
                "a value map does not grow during a run: missing may be reject or empty, not defer",
            )


def _batch_problems(
    obj: WriteObject, where: Where, known_settings: set[str]
) -> Iterator[tuple[Where, str]]:
    batch = obj.batch
    assert batch is not None
    if obj.operations.create is None:
        yield where, "a batch sends creates: declare a create operation"
    yield from _template_problems(batch, where, known_settings)
    if any(
        scope == "record" for scope, _ in placeholders_in([batch.path, batch.params, batch.body])
    ):
        yield where, "a batch's path, params and body hold many records: use {config.x} only"
    if (batch.status is None) == (batch.failures is None):
        yield (
            where,
            (
                "say how the answer reports each item: either status (a result per item, "
                "Asana's /batch) or failures (made items in results, failed ones named by "
                "failure_index, Jira's bulk create)"
            ),
        )
    for message in placeholder_problems([batch.item]):
        yield (*where, "item"), message
    for scope, name in placeholders_in([batch.item]):
        if scope == "config" and (name or "").split(".")[0] not in known_settings:
            yield (*where, "item"), f"{{config.{name}}} names no setting"
        elif scope not in (*WRITE_SCOPES, "call"):
            yield (
                (*where, "item"),
                f"{{{scope}}} is not valid in a batch item (valid: {{record.x}}, {{config.x}}, "
                "{call.method}, {call.path}, {call.body})",
            )
    for key in ("results", "failures"):
        value = getattr(batch, key)
        if value is not None and (problem := jsonpath_problem(value)):
            yield (*where, key), problem
    for key in ("items_at", "status", "answer", "failure_index", "failure_error", "failure_status"):
        value = getattr(batch, key)
        if value is not None and (problem := path_problem(value)):
            yield (*where, key), problem


def _lookup_problems(lookup: ValueLookup, where: Where) -> Iterator[tuple[Where, str]]:
    if message := jsonpath_problem(lookup.records):
        yield (*where, "records"), message
    if message := path_problem(lookup.value):
        yield (*where, "value"), message


def _budget_problems(
    obj: WriteObject, base: Where, known_settings: set[str]
) -> Iterator[tuple[Where, str]]:
    budget = obj.budget
    if budget is None:
        return
    count, _, unit = budget.rate.partition("/")
    try:
        valid = float(count) > 0 and unit.strip() in RATE_UNITS
    except ValueError:
        valid = False
    if not valid:
        yield (
            (*base, "budget", "rate"),
            f"rate {budget.rate!r} is not a positive count per unit "
            f"(valid: e.g. 1/s, 30/min; units: {', '.join(RATE_UNITS)})",
        )
    for message in placeholder_problems([budget.per]):
        yield (*base, "budget", "per"), message
    for scope, name in placeholders_in([budget.per]):
        if scope not in WRITE_SCOPES or (
            scope == "config" and (name or "").split(".")[0] not in known_settings
        ):
            yield (
                (*base, "budget", "per"),
                f"{{{scope}{'.' + name if name else ''}}} is not valid in a budget "
                "(valid: {record.x}, or {config.x} of a declared setting)",
            )


def _mode_problems(obj: WriteObject, base: Where) -> Iterator[tuple[Where, str]]:
    declared = set(obj.operations.declared())
    needed = NEEDED[obj.mode]
    if not any(set(option) <= declared for option in needed):
        options = " or ".join(" and ".join(option) for option in needed)
        have = ", ".join(sorted(declared)) or "none"
        yield (*base, "operations"), f"mode {obj.mode} needs {options} (given: {have})"
    if obj.mode not in ("insert", "append") and obj.identity is None:
        yield (
            (*base, "mode"),
            f"mode {obj.mode} finds existing objects: give an identity "
            "(id_field, lookup or upsert_key)",
        )
    if isinstance(obj.identity, UpsertKeyIdentity) and "upsert" not in declared:
        yield (*base, "identity"), "an upsert_key identity needs an upsert operation"


def _template_problems(
    block: msgspec.Struct, where: Where, known_settings: set[str]
) -> Iterator[tuple[Where, str]]:
    parts = [getattr(block, key, None) for key in ("path", "params", "body", "match")]
    for message in placeholder_problems(parts):
        yield where, message
    for key in ("params", "body"):
        for inner, message in each_problems(getattr(block, key, None), ()):
            yield (*where, key, *inner), message
    for scope, name in placeholders_in(parts):
        if scope not in WRITE_SCOPES:
            yield (
                where,
                (
                    f"{{{scope}{'.' + name if name else ''}}} is not valid in a write "
                    "(valid: {record.x}, {config.x})"
                ),
            )
        elif scope == "config" and (name or "").split(".")[0] not in known_settings:
            yield (
                where,
                (
                    f"{{config.{name}}} names no setting (settings: {', '.join(sorted(known_settings))})"
                ),
            )


def _mime_problems(template: dict[str, Any], where: Where) -> Iterator[tuple[Where, str]]:
    message = template[MIME_MESSAGE]
    if len(template) > 1:
        yield where, f"a {MIME_MESSAGE} mapping takes nothing beside it"
    keys = ", ".join(MIME_MESSAGE_KEYS)
    if not isinstance(message, dict) or set(message) - set(MIME_MESSAGE_KEYS):
        yield (*where, MIME_MESSAGE), f"{MIME_MESSAGE} takes a mapping of {keys}"
    elif not isinstance(message.get("headers", {}), dict):
        yield (*where, MIME_MESSAGE, "headers"), "headers maps header names to templates"


def each_problems(template: Any, where: Where) -> Iterator[tuple[Where, str]]:
    """What is wrong with the ``$each`` (and ``$rfc2822_base64url``) mappings of a body."""
    if isinstance(template, dict):
        if MIME_MESSAGE in template:
            yield from _mime_problems(template, where)
            return
        if EACH in template:
            extra = sorted(set(template) - {EACH, EACH_AS})
            source = template[EACH]
            whole = PLACEHOLDER.fullmatch(source) if isinstance(source, str) else None
            if extra:
                yield (
                    where,
                    (
                        f"a {EACH} mapping takes only {EACH} and {EACH_AS} (given also: "
                        f"{', '.join(extra)})"
                    ),
                )
            if whole is None or whole.group(1) != "record" or not whole.group(2):
                yield (
                    (*where, EACH),
                    (
                        f"{EACH} names one record field holding a list, as a lone placeholder "
                        f'(e.g. "{{record.tags}}"; given: {source!r})'
                    ),
                )
            yield from each_problems(template.get(EACH_AS), (*where, EACH_AS))
            return
        for key, value in template.items():
            yield from each_problems(value, (*where, key))
    elif isinstance(template, list):
        for index, value in enumerate(template):
            yield from each_problems(value, (*where, index))
