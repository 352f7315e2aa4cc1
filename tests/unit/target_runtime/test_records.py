"""What a record renders to: calls (one per item with for_each), written fields, keys."""

from __future__ import annotations

import base64
import email
import email.policy
import json
from datetime import UTC, date, datetime

import pytest

from brainhub.spec.placeholders import MissingValueError
from brainhub.spec.writes import MediaUpload, WriteCall
from targets.runtime.calls import media_payload
from targets.runtime.cli import load_writer_spec
from targets.runtime.records import (
    fields_hash,
    render_calls,
    source_key,
    written_field_names,
    written_fields,
)

FIELD_CALL = WriteCall(
    method="POST",
    path="/task/{record.id}/field/{record.item.id}",
    body={"value": "{record.item.value}"},
    for_each="custom_fields",
)


def test_for_each_makes_one_call_per_item() -> None:
    record = {"id": "t1", "custom_fields": [{"id": "f1", "value": 1}, {"id": "f2", "value": "x"}]}

    calls = render_calls(FIELD_CALL, record, {})

    assert [(c.method, c.path, c.body) for c in calls] == [
        ("POST", "/task/t1/field/f1", {"value": 1}),
        ("POST", "/task/t1/field/f2", {"value": "x"}),
    ]
    assert {c.label for c in calls} == {"POST /task/{record.id}/field/{record.item.id}"}


@pytest.mark.parametrize("value", [None, [], "not a list"])
def test_for_each_without_a_list_makes_no_call(value: object) -> None:
    assert render_calls(FIELD_CALL, {"id": "t1", "custom_fields": value}, {}) == []


def test_unset_values_leave_their_keys_out_even_nested() -> None:
    call = WriteCall(
        method="PUT",
        path="/task/{record.id}",
        body={
            "name": "{record.name}",
            "status": "{record.status}",
            "assignees": {"add": "{record.a}"},
        },
    )

    (rendered,) = render_calls(call, {"id": "t1", "name": "N"}, {})

    assert rendered.body == {"name": "N"}


def test_dates_and_times_in_a_body_are_sent_as_iso_8601_text() -> None:
    call = WriteCall(
        method="POST", path="/cards", body={"due": "{record.due}", "days": "{record.days}"}
    )
    record = {
        "due": datetime(2027, 3, 1, 12, 0, tzinfo=UTC),
        "days": [date(2027, 3, 1), datetime(2027, 3, 2, 8, 30)],  # naive: UTC
    }

    (rendered,) = render_calls(call, record, {})

    assert rendered.body == {
        "due": "2027-03-01T12:00:00Z",
        "days": ["2027-03-01", "2027-03-02T08:30:00Z"],
    }
    json.dumps(rendered.body)


def test_a_path_needing_a_missing_field_raises() -> None:
    call = WriteCall(method="POST", path="/list/{record.list_id}/task")
    with pytest.raises(MissingValueError, match=r"\{record.list_id\}"):
        render_calls(call, {"name": "N"}, {})


def test_written_fields_are_the_record_fields_the_templates_read() -> None:
    tasks = load_writer_spec("clickup").writes["tasks"]

    names = written_field_names(tasks)

    assert "id" not in names
    assert "item" not in names
    assert {"name", "list_id", "custom_fields", "tags", "priority", "due_date"} <= set(names)
    assert written_fields({"name": "N", "key": "k", "priority": None}, names) == {"name": "N"}


def test_the_hash_ignores_key_order_and_sees_every_change() -> None:
    assert fields_hash({"a": 1, "b": [1, 2]}) == fields_hash({"b": [1, 2], "a": 1})
    assert fields_hash({"a": 1}) != fields_hash({"a": 2})


def test_source_keys_single_and_compound() -> None:
    assert source_key({"id": 7}, ["id"]) == "7"
    assert source_key({"a": 1, "b": "x"}, ["a", "b"]) == '[1, "x"]'


NOTION_LIKE = WriteCall(
    method="POST",
    path="/pages",
    body={
        "properties": {
            "Name": {"title": [{"text": {"content": "{record.name}"}}]},
            "Tags": {"multi_select": {"$each": "{record.tags}", "$as": {"name": "{record.item}"}}},
            "Owner": {"people": {"$each": "{record.owners}", "$as": {"id": "{record.item}"}}},
            "Ids": {"$each": "{record.ids}"},
        }
    },
)


def test_each_renders_one_value_per_item_of_a_list_field() -> None:
    record = {"name": "N", "tags": ["a", "b"], "owners": ["u1"], "ids": [1, 2]}

    (rendered,) = render_calls(NOTION_LIKE, record, {})

    assert rendered.body == {
        "properties": {
            "Name": {"title": [{"text": {"content": "N"}}]},
            "Tags": {"multi_select": [{"name": "a"}, {"name": "b"}]},
            "Owner": {"people": [{"id": "u1"}]},
            "Ids": [1, 2],
        }
    }


def test_a_list_whose_items_are_all_unset_leaves_its_key_out_and_an_empty_list_stays() -> None:
    (rendered,) = render_calls(NOTION_LIKE, {"tags": []}, {})

    assert rendered.body == {"properties": {"Tags": {"multi_select": []}}}


def test_written_fields_include_the_list_fields_each_reads() -> None:
    obj = load_writer_spec("notion").writes["pages"]

    assert {"tags", "owners"} <= set(written_field_names(obj))
    assert "item" not in written_field_names(obj)


def test_an_rfc2822_body_value_is_the_message_encoded_base64url() -> None:
    call = WriteCall(
        method="POST",
        path="/users/me/messages/send",
        body={
            "raw": {
                "$rfc2822_base64url": {
                    "headers": {"To": "{record.to}", "Cc": "{record.cc}", "Subject": "{record.s}"},
                    "text": "{record.body}",
                }
            }
        },
    )
    record = {"to": "ann@example.org", "s": "Grüße", "body": "Hello,\nsee you."}
    (rendered,) = render_calls(call, record, {})
    raw = rendered.body["raw"]
    assert not set(raw) & {"+", "/"}  # base64url, not base64
    parsed = email.message_from_bytes(
        base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=email.policy.default
    )
    assert parsed["To"] == "ann@example.org"
    assert parsed["Subject"] == "Grüße"
    assert "Cc" not in parsed  # the record has no cc: the header is left out
    assert parsed.get_content().splitlines() == ["Hello,", "see you."]  # CRLF on the wire


def test_an_upload_is_the_content_alone_or_json_metadata_then_the_content() -> None:
    call = WriteCall(
        method="POST",
        path="/files",
        body={"name": "{record.name}"},
        media=MediaUpload(content="{record.data}", content_type="{record.kind}", encoding="base64"),
    )
    record = {"name": "a.txt", "data": base64.b64encode(b"\x00bytes").decode(), "kind": "text/x"}
    (rendered,) = render_calls(call, record, {})
    assert rendered.media == (b"\x00bytes", "text/x")
    alone, kind = media_payload(None, *rendered.media)
    assert (alone, kind) == (b"\x00bytes", "text/x")
    both, kind = media_payload(rendered.body, *rendered.media)
    parsed = email.message_from_bytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + both, policy=email.policy.default
    )
    metadata, content = parsed.iter_parts()
    assert json.loads(metadata.get_payload(decode=True)) == {"name": "a.txt"}
    assert (content.get_content_type(), content.get_payload(decode=True)) == (
        "text/x",
        b"\x00bytes",
    )
    with pytest.raises(MissingValueError, match=r"\{record.data\} is not base64"):
        render_calls(call, {**record, "data": "not base64!"}, {})
