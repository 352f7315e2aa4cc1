"""The ``writes:`` section: valid and invalid object types, each invalid one with its message."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from brainhub.errors import SpecError
from brainhub.spec.loader import load_spec
from brainhub.spec.writes import IdFieldIdentity, LookupIdentity, UpsertKeyIdentity, WriteCall

BASE = """
name: demo
base_url: https://api.example.com
settings:
  api_token: {type: string, secret: true}
  list_id: {type: string}
auth: {type: bearer, token: "{config.api_token}"}
streams:
  tasks: {path: /tasks, primary_key: id}
writes:
"""

CREATE = 'create: {method: POST, path: "/list/{config.list_id}/task", body: {name: "{record.name}"}, id_from: id}'
UPDATE = 'update: {method: PUT, path: "/task/{record.id}", body: {name: "{record.name}"}}'
DELETE = 'delete: {method: DELETE, path: "/task/{record.id}"}'
UPSERT = 'upsert: {method: PUT, path: "/tasks", body: {external_id: "{record.key}", name: "{record.name}"}}'


def _object(mode: str, operations: list[str], identity: str | None = None) -> str:
    lines = ["  tasks:", f"    mode: {mode}"]
    if identity:
        lines.append(f"    identity: {identity}")
    lines.append("    operations:")
    lines += [f"      {op}" for op in operations]
    return "\n".join(lines) + "\n"


def write_spec(tmp_path: Path, text: str) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    schema = {"properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    (tmp_path / "schemas" / "tasks.json").write_text(json.dumps(schema))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text))
    return path


ID = "{type: id_field, field: id}"
VALID = {
    "insert": _object("insert", [CREATE]),
    "append without identity": _object("append", [CREATE]),
    "update by id field": _object("update", [UPDATE], ID),
    "upsert by create and update": _object("upsert", [CREATE, UPDATE], ID),
    "upsert by the service's key": _object("upsert", [UPSERT], "{type: upsert_key, fields: [key]}"),
    "mirror": _object("mirror", [CREATE, UPDATE, DELETE], ID),
    "lookup identity": _object(
        "upsert",
        [CREATE, UPDATE],
        '{type: lookup, path: "/list/{config.list_id}/task", records: "$.tasks[*]", '
        'match: {name: "{record.name}"}}',
    ),
    "follow-up calls": _object(
        "insert",
        [
            CREATE
            + "\n"
            + '        then: [{method: POST, path: "/task/{record.id}/tag/{record.tag}"}]'
        ],
    )
    .replace("id_from: id}", "id_from: id,")
    .replace("\n        then:", " then:")
    .replace('"}]\n', '"}]}\n'),
    "a list built per item with $each": _object(
        "insert",
        [
            'create: {method: POST, path: /t, body: {tags: {$each: "{record.tags}", '
            '$as: {name: "{record.item}"}}}}'
        ],
    ),
    "a lookup matching on a JSONPath": _object(
        "upsert",
        [CREATE, UPDATE],
        '{type: lookup, path: /tasks, records: "$.results[*]", '
        'match: {"$.title[0].plain_text": "{record.name}"}}',
    ),
}

BUDGETED = _object("append", [CREATE]).replace(
    "    operations:", '    budget: {per: "{record.channel}", rate: 1/s}\n    operations:'
)
REFERENCED = _object("insert", [CREATE]).replace(
    "    operations:",
    "    references: {thread_ts: {stream: tasks, key: parent_key}}\n    operations:",
)
VALID["budget per partition"] = BUDGETED
VALID["references to a parent"] = REFERENCED
VALID["answer values kept"] = _object(
    "insert", [CREATE.replace("id_from: id}", "id_from: id, keep: {channel_id: channel}}")]
)

INVALID = {
    "unknown mode": (
        _object("sync", [CREATE]),
        "line 12: writes.tasks.mode: 'sync' is not valid here (valid: insert, update, upsert, mirror, append)",
    ),
    "unknown operation": (
        _object("insert", ['replace: {method: PUT, path: "/t"}']),
        "line 14: writes.tasks.operations: unknown key 'replace' (valid keys: create, delete, update, upsert)",
    ),
    "operation without a path": (
        _object("insert", ["create: {method: POST}"]),
        "line 14: writes.tasks.operations.create: missing required key 'path'",
    ),
    "GET is not a write": (
        _object("insert", ['create: {method: GET, path: "/t"}']),
        "writes.tasks.operations.create.method: 'GET' is not valid here (valid: POST, PUT, PATCH, DELETE)",
    ),
    "unknown identity kind": (
        _object("update", [UPDATE], "{type: by_name}"),
        "writes.tasks.identity: unknown type 'by_name' (valid types: id_field, lookup, upsert_key)",
    ),
    "identity missing its field": (
        _object("update", [UPDATE], "{type: id_field}"),
        "writes.tasks.identity: missing required key 'field'",
    ),
    "mode without the operations it needs": (
        _object("mirror", [CREATE, UPDATE], ID),
        "writes.tasks.operations: mode mirror needs create and update and delete or upsert and delete (given: create, update)",
    ),
    "upsert with only a create": (
        _object("upsert", [CREATE], ID),
        "writes.tasks.operations: mode upsert needs upsert or create and update (given: create)",
    ),
    "update without identity": (
        _object("update", [UPDATE]),
        "writes.tasks.mode: mode update finds existing objects: give an identity (id_field, lookup or upsert_key)",
    ),
    "upsert key without an upsert operation": (
        _object("upsert", [CREATE, UPDATE], "{type: upsert_key, fields: [key]}"),
        "writes.tasks.identity: an upsert_key identity needs an upsert operation",
    ),
    "parent placeholder in a write": (
        _object("insert", [CREATE.replace("{config.list_id}", "{parent.id}")]),
        "writes.tasks.operations.create: {parent.id} is not valid in a write (valid: {record.x}, {config.x})",
    ),
    "unknown setting": (
        _object("insert", [CREATE.replace("{config.list_id}", "{config.list}")]),
        "writes.tasks.operations.create: {config.list} names no setting (settings: api_token, base_url, list_id, max_workers, start_date)",
    ),
    "bad placeholder in a follow-up": (
        _object(
            "insert",
            [
                CREATE.replace(
                    "id_from: id}", 'id_from: id, then: [{method: POST, path: "/t/{record.}"}]}'
                )
            ],
        ),
        "writes.tasks.operations.create.then[0]: {record.} is not a placeholder",
    ),
    "bad id path": (
        _object("insert", [CREATE.replace("id_from: id", 'id_from: "$.data["')]),
        "writes.tasks.operations.create.id_from:",
    ),
    "budget rate without a unit": (
        BUDGETED.replace("rate: 1/s", "rate: 1/fortnight"),
        "writes.tasks.budget.rate: '1/fortnight' does not match",
    ),
    "budget rate of zero": (
        BUDGETED.replace("rate: 1/s", "rate: 0/s"),
        "writes.tasks.budget.rate: rate '0/s' is not a positive count per unit (valid: e.g. 1/s, 30/min",
    ),
    "budget over a parent": (
        BUDGETED.replace("{record.channel}", "{parent.id}"),
        "writes.tasks.budget.per: {parent.id} is not valid in a budget",
    ),
    "reference without its key": (
        REFERENCED.replace(", key: parent_key", ""),
        "writes.tasks.references.thread_ts: missing required key 'key'",
    ),
    "bad kept path": (
        _object("insert", [CREATE.replace("id_from: id}", 'id_from: id, keep: {c: "a..b"}}')]),
        "writes.tasks.operations.create.keep.c:",
    ),
    "object type not snake_case": (
        _object("insert", [CREATE]).replace("  tasks:", "  Tasks:"),
        "'Tasks' does not match",
    ),
    "$each naming no record field": (
        _object("insert", ['create: {method: POST, path: /t, body: {tags: {$each: "tags"}}}']),
        "writes.tasks.operations.create.body.tags.$each: $each names one record field holding "
        "a list, as a lone placeholder (e.g. \"{record.tags}\"; given: 'tags')",
    ),
    "$each with a stray key": (
        _object(
            "insert",
            ['create: {method: POST, path: /t, body: {tags: {$each: "{record.tags}", as: 1}}}'],
        ),
        "writes.tasks.operations.create.body.tags: a $each mapping takes only $each and $as "
        "(given also: as)",
    ),
    "lookup match on a broken JSONPath": (
        _object(
            "upsert",
            [CREATE, UPDATE],
            '{type: lookup, path: /tasks, match: {"$.title[": "{record.name}"}}',
        ),
        "writes.tasks.identity.match: '$.title[' is not a valid JSONPath",
    ),
}


BATCHED = _object("insert", [CREATE]).replace(
    "    operations:",
    '    batch: {path: /bulk, size: 50, items_at: issueUpdates, results: "$.issues[*]", '
    'failures: "$.errors[*]", failure_index: failedElementNumber}\n    operations:',
)
PER_ITEM_STATUS = BATCHED.replace(
    'failures: "$.errors[*]", failure_index: failedElementNumber',
    'status: status_code, answer: body, item: {relative_path: "{call.path}", '
    'data: "{call.body}", name: "{record.name}"}',
)
VALID["batch with failures by position"] = BATCHED
VALID["batch with a status per item"] = PER_ITEM_STATUS
INVALID.update(
    {
        "batch without a size": (
            BATCHED.replace("size: 50, ", ""),
            "writes.tasks.batch: missing required key 'size'",
        ),
        "batch of zero": (BATCHED.replace("size: 50", "size: 0"), "writes.tasks.batch.size:"),
        "batch saying neither how items fare": (
            BATCHED.replace(', failures: "$.errors[*]", failure_index: failedElementNumber', ""),
            "writes.tasks.batch: say how the answer reports each item: either status",
        ),
        "batch saying both": (
            BATCHED.replace("failure_index:", "status: code, failure_index:"),
            "writes.tasks.batch: say how the answer reports each item",
        ),
        "batch path naming a record field": (
            BATCHED.replace("path: /bulk", 'path: "/bulk/{record.list}"'),
            "writes.tasks.batch: a batch's path, params and body hold many records: use "
            "{config.x} only",
        ),
        "batch item of an unknown scope": (
            PER_ITEM_STATUS.replace("{call.path}", "{parent.path}"),
            "writes.tasks.batch.item: {parent} is not valid in a batch item",
        ),
        "batch without a create": (
            BATCHED.replace("mode: insert", "mode: update").replace(CREATE, UPDATE)
            + "    identity: {type: id_field, field: id}\n",
            "writes.tasks.batch: a batch sends creates: declare a create operation",
        ),
        "batch results on a broken JSONPath": (
            BATCHED.replace('"$.issues[*]"', '"$.issues["'),
            "writes.tasks.batch.results: '$.issues[' is not a valid JSONPath",
        ),
    }
)

VALID["references by a value map and to the own stream"] = REFERENCED.replace(
    "references: {thread_ts: {stream: tasks, key: parent_key}}",
    "references: {assignees: {map: users, key: logins, missing: empty, list: true}, "
    "parent: {key: parent_key, missing: defer}}",
)
INVALID.update(
    {
        "reference to a stream and a value map": (
            REFERENCED.replace("stream: tasks,", "stream: tasks, map: users,"),
            "writes.tasks.references.thread_ts: a reference reads the id map of a stream or a "
            "value map, not both",
        ),
        "deferred value map reference": (
            REFERENCED.replace("stream: tasks,", "map: users, missing: defer,"),
            "writes.tasks.references.thread_ts.missing: a value map does not grow during a run",
        ),
        "unknown missing policy": (
            REFERENCED.replace("stream: tasks,", "stream: tasks, missing: later,"),
            "writes.tasks.references.thread_ts.missing: 'later' is not valid here",
        ),
    }
)

VALID["create with an idempotency key header"] = _object(
    "insert",
    [CREATE.replace("id_from: id}", "id_from: id, idempotency_key: {header: Idempotency-Key}}")],
)
INVALID.update(
    {
        "idempotency key on an update": (
            _object("update", [UPDATE.replace("}}", "}, idempotency_key: {header: K}}")], ID),
            "writes.tasks.operations.update.idempotency_key: an idempotency key is for creates only",
        ),
        "idempotency key in two places": (
            _object(
                "insert",
                [
                    CREATE.replace(
                        "id_from: id}", "id_from: id, idempotency_key: {header: K, body: k}}"
                    )
                ],
            ),
            "writes.tasks.operations.create.idempotency_key:",
        ),
    }
)


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_writes_load(tmp_path: Path, text: str) -> None:
    spec = load_spec(write_spec(tmp_path, BASE + text))
    assert set(spec.writes) == {"tasks"}


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_writes_say_what_and_where(tmp_path: Path, text: str, expected: str) -> None:
    path = write_spec(tmp_path, BASE + text)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_writes_are_typed(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, BASE + VALID["follow-up calls"]))
    tasks = spec.writes["tasks"]
    create = tasks.operations.create
    assert tasks.mode == "insert"
    assert tasks.operations.declared() == ("create",)
    assert create is not None
    assert (create.method, create.path, create.id_from) == (
        "POST",
        "/list/{config.list_id}/task",
        "id",
    )
    assert create.body == {"name": "{record.name}"}
    assert create.then == (WriteCall(method="POST", path="/task/{record.id}/tag/{record.tag}"),)


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (ID, IdFieldIdentity(field="id")),
        ("{type: upsert_key, fields: [key]}", UpsertKeyIdentity(fields=("key",))),
        (
            '{type: lookup, path: /tasks, match: {name: "{record.name}"}}',
            LookupIdentity(path="/tasks", match={"name": "{record.name}"}),
        ),
    ],
)
def test_identities_are_typed(tmp_path: Path, identity: str, expected: object) -> None:
    ops = [UPSERT] if "upsert_key" in identity else [CREATE, UPDATE]
    spec = load_spec(write_spec(tmp_path, BASE + _object("upsert", ops, identity)))
    assert spec.writes["tasks"].identity == expected


def test_a_spec_without_writes_has_none(tmp_path: Path) -> None:
    assert load_spec(write_spec(tmp_path, BASE.replace("writes:\n", ""))).writes == {}


INVALID.update(
    {
        "$rfc2822_base64url with an unknown key": (
            _object(
                "insert",
                [
                    "create: {method: POST, path: /send, body: {raw: {$rfc2822_base64url: "
                    '{headers: {To: "{record.to}"}, html: "{record.body}"}}}}'
                ],
            ),
            "writes.tasks.operations.create.body.raw.$rfc2822_base64url: $rfc2822_base64url "
            "takes a mapping of headers, text",
        ),
    }
)
