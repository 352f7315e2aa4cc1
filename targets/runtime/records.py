"""What one record renders to: its source key, the fields a write sends, its calls.

A record's *written fields* are the record fields the object type's templates read
(``{record.x}`` anywhere in its operations); their hash decides whether a record changed
since it was last written. Settings never enter them, so neither the id map nor a plan
ever holds a secret.

Body templates are filled by :func:`fill`: a value the record does not have leaves its key
out, and a list item left empty leaves the item out (a template list left with no item at
all is unset too, so ``{title: [{text: {content: "{record.name}"}}]}`` sends nothing when
the record has no name). A mapping ``{$each: "{record.tags}", $as: {name: "{record.item}"}}``
is the list of ``$as`` filled once per item of the record's list field (the item is
``{record.item}``; ``$as`` defaults to the item itself): ``[{name: "a"}, {name: "b"}]``.
An empty list stays an empty list; a missing one is unset. A mapping
``{$rfc2822_base64url: {headers: {To: "{record.to}", Subject: …}, text: "{record.body}"}}``
is an e-mail built from them (UTF-8, RFC 2822) and encoded base64url, as Gmail's ``raw``
takes it.
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

from brainhub.spec.placeholders import (
    MissingValueError,
    dig,
    format_time,
    placeholders_in,
    render,
)
from brainhub.spec.writes import (
    MIME_MESSAGE,
    CallTemplate,
    IdempotencyKey,
    IdFieldIdentity,
    WriteObject,
)

#: Name under which a ``for_each`` call's current item is seen: ``{record.item}``.
ITEM = "item"
#: Keys of a body template mapping that renders one value per item of a list field.
EACH, EACH_AS = "$each", "$as"
#: What a template value the record does not have fills to (its key is left out).
UNSET: Any = object()


@dataclass(frozen=True)
class RenderedCall:
    """One HTTP call, filled in: ``endpoint`` is its path template (for logs and rejects)."""

    method: str
    path: str
    endpoint: str
    params: dict[str, Any]
    body: dict[str, Any] | None
    #: Headers of this call only (an idempotency key), beside the connection's.
    headers: dict[str, str] = field(default_factory=dict)
    #: The declared host the path goes to (None: the base URL).
    host: str | None = None
    #: A file uploaded with the call: its bytes and media type.
    media: tuple[bytes, str] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.endpoint}"


def id_field(obj: WriteObject) -> str:
    """The record field templates read the service's id from: the identity's, else ``id``."""
    return obj.identity.field if isinstance(obj.identity, IdFieldIdentity) else "id"


def written_field_names(obj: WriteObject) -> tuple[str, ...]:
    """The record fields the object type's operations read, sorted (its id field and the
    values follow-up lookups provide left out)."""
    parts: list[Any] = []
    names: set[str] = set()
    looked_up: set[str] = set()  # values a follow-up's lookup provides, not the record
    for name in obj.operations.declared():
        op = getattr(obj.operations, name)
        parts += [op.path, op.params, op.body, [(c.path, c.params, c.body) for c in op.then]]
        parts += [(m.content, m.content_type) for m in (op.media,) if m is not None]
        parts += [(c.lookup.path, c.lookup.params, c.lookup.match) for c in op.then if c.lookup]
        names |= {c.for_each for c in op.then if c.for_each}
        looked_up |= {c.lookup.into for c in op.then if c.lookup}
    names |= {n.split(".")[0] for scope, n in placeholders_in(parts) if scope == "record" and n}
    return tuple(sorted(names - {id_field(obj), ITEM} - looked_up - obj.kept_fields()))


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
    body = fill(call.body, scopes) if call.body is not None else None
    params = fill(call.params, scopes)
    return RenderedCall(
        method=call.method,
        path=str(render(call.path, scopes)),
        endpoint=call.path,
        params={} if params is UNSET else params,
        body={} if body is UNSET else body,
        host=call.host,
        media=_media(call, scopes),
    )


def _media(call: CallTemplate, scopes: Mapping[str, Any]) -> tuple[bytes, str] | None:
    """The bytes and media type of the call's upload; a record without content uploads none.

    Raises:
        MissingValueError: base64 content that does not decode (names the template).
    """
    media = call.media
    if media is None:
        return None
    content = render(media.content, scopes)
    if content is None:
        return None
    kind = render(media.content_type, scopes) or "application/octet-stream"
    if media.encoding == "text":
        return str(content).encode("utf-8"), str(kind)
    try:
        return base64.b64decode(str(content), validate=True), str(kind)
    except (ValueError, binascii.Error):
        raise NotBase64Error(media.content) from None


class NotBase64Error(MissingValueError):
    """A record's upload content, declared base64, does not decode (the record is rejected)."""

    def __init__(self, template: str) -> None:
        super().__init__("record", None)
        self.args = (f"{template} is not base64 (media.encoding: base64)",)


def fill(template: Any, scopes: Mapping[str, Any]) -> Any:
    """``template`` filled from ``scopes``, without what is unset (:data:`UNSET` if all is).

    Raises:
        MissingValueError: text around a placeholder needs a value the scopes lack.
    """
    if isinstance(template, str):
        return _as_sent(render(template, scopes))
    if isinstance(template, Mapping):
        if MIME_MESSAGE in template:
            return _mime_message(template[MIME_MESSAGE], scopes)
        if EACH in template:
            return _fill_each(template, scopes)
        kept = {k: v for k, item in template.items() if (v := fill(item, scopes)) is not UNSET}
        return kept or UNSET
    if isinstance(template, list):
        items = [v for item in template if (v := fill(item, scopes)) is not UNSET]
        return items if items or not template else UNSET
    return UNSET if template is None else template


def _mime_message(template: Mapping[str, Any], scopes: Mapping[str, Any]) -> Any:
    """An e-mail (RFC 2822, UTF-8 text) from the filled headers and text, base64url-encoded;
    a header whose value is unset is left out."""
    message = EmailMessage(policy=email.policy.SMTP)
    for name, value in (template.get("headers") or {}).items():
        filled = fill(value, scopes)
        if filled is not UNSET:
            message[str(name)] = str(filled)
    text = fill(template.get("text", ""), scopes)
    message.set_content("" if text is UNSET else str(text))
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


def _fill_each(template: Mapping[str, Any], scopes: Mapping[str, Any]) -> Any:
    items = render(template[EACH], scopes)
    if items is None:
        return UNSET
    shape = template.get(EACH_AS, f"{{record.{ITEM}}}")
    record = scopes.get("record") or {}
    filled = []
    for item in items if isinstance(items, list) else [items]:
        value = fill(shape, {**scopes, "record": {**record, ITEM: item}})
        if value is not UNSET:
            filled.append(value)
    return filled


def _as_sent(value: Any) -> Any:
    """A rendered value as a JSON body carries it (:func:`_json_ready`); ``None`` as
    :data:`UNSET`."""
    return UNSET if value is None else _json_ready(value)


def _json_ready(value: Any) -> Any:
    """``value`` with every date or time the record holds as one (a ``date-time`` field),
    however deep in lists and objects, as ISO 8601 text."""
    if isinstance(value, datetime):
        return format_time(value, "iso8601")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    return value


def with_idempotency_key(call: RenderedCall, where: IdempotencyKey, key: str) -> RenderedCall:
    """``call`` carrying ``key`` where the service reads its idempotency key."""
    if where.header:
        return replace(call, headers={**call.headers, where.header: key})
    if where.body:
        return replace(call, body={**(call.body or {}), where.body: key})
    return replace(call, params={**call.params, str(where.params): key})
