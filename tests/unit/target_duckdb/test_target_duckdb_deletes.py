"""Deletes reach the warehouse. A full-table stream sends ACTIVATE_VERSION as it starts
(the SDK's mechanics) and its records carry that version; at the end of a successful run the
rows of older versions are retired: marked with ``_sdc_deleted_at`` by default, deleted with
``hard_delete``. Records carrying ``_sdc_deleted_at`` (an incremental stream's deletions)
follow the same setting. The input here is hand-written Singer, as a tap sends it."""

from __future__ import annotations

import json

import pytest

from .conftest import invoke_cli

LISTS = {"id": {"type": "string"}, "name": {"type": ["string", "null"]}}
COMMENTS = {
    "id": {"type": "string"},
    "text": {"type": ["string", "null"]},
    "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"},
}


def full_table_sync(version: int, ids: list[str], *, bad_record: bool = False) -> list[str]:
    """One run of a tap: a full-table stream and an incremental stream with a deletion."""
    lines = [
        '{"type": "SCHEMA", "stream": "lists", "key_properties": ["id"], '
        f'"schema": {{"type": "object", "properties": {json.dumps(LISTS)}}}}}',
        f'{{"type": "ACTIVATE_VERSION", "stream": "lists", "version": {version}}}',
    ]
    for list_id in ids:
        lines.append(
            '{"type": "RECORD", "stream": "lists", '
            f'"record": {{"id": "{list_id}", "name": "List {list_id}"}}, "version": {version}, '
            '"time_extracted": "2024-06-01T00:00:00+00:00"}'
        )
    lines.append('{"type": "STATE", "value": {"bookmarks": {"lists": {}}}}')
    if bad_record:
        lines.append('{"type": "RECORD", "stream": "lists", "record": {"name": "no id"}}')
    return lines


def comments_sync(*records: dict) -> list[str]:
    lines = [
        '{"type": "SCHEMA", "stream": "comments", "key_properties": ["id"], '
        f'"schema": {{"type": "object", "properties": {json.dumps(COMMENTS)}}}}}'
    ]
    lines += [json.dumps({"type": "RECORD", "stream": "comments", "record": r}) for r in records]
    return lines


@pytest.fixture(params=[True, False], ids=["validated", "duckdb-checked"])
def settings(request, config):
    return {**config, "validate_records": request.param, "batch_size_rows": 2}


def test_soft_delete_is_the_default_for_versions_and_deleted_records(
    settings, query, tmp_path, caplog
):
    first = full_table_sync(100, ["a", "b", "c"]) + comments_sync({"id": "x", "text": "hi"})
    assert invoke_cli(settings, first, tmp_path).exit_code == 0
    gone = {"id": "x", "text": None, "_sdc_deleted_at": "2024-06-02T00:00:00Z"}
    second = full_table_sync(200, ["a", "c"]) + comments_sync(gone)
    result = invoke_cli(settings, second, tmp_path)
    assert result.exit_code == 0, result.stderr
    rows = query(
        "SELECT id, _sdc_table_version, _sdc_deleted_at IS NOT NULL FROM raw_test.lists ORDER BY id"
    )
    assert rows == [("a", 200, False), ("b", 100, True), ("c", 200, False)]
    assert query("SELECT id, CAST(_sdc_deleted_at AS VARCHAR) FROM raw_test.comments") == [
        ("x", "2024-06-02 00:00:00+00")
    ]
    assert "Stream 'lists': version 200 activated, 1 rows of older versions marked" in caplog.text


def test_hard_delete_removes_retired_and_deleted_rows(settings, query, tmp_path):
    settings = {**settings, "hard_delete": True}
    first = full_table_sync(100, ["a", "b", "c"]) + comments_sync({"id": "x"}, {"id": "y"})
    assert invoke_cli(settings, first, tmp_path).exit_code == 0
    gone = {"id": "x", "_sdc_deleted_at": "2024-06-02T00:00:00Z"}
    second = full_table_sync(200, ["a", "c"]) + comments_sync(gone)
    assert invoke_cli(settings, second, tmp_path).exit_code == 0
    assert query("SELECT id FROM raw_test.lists ORDER BY id") == [("a",), ("c",)]
    assert query("SELECT id FROM raw_test.comments") == [("y",)]


@pytest.mark.parametrize("hard_delete", [False, True], ids=["soft", "hard"])
def test_a_failed_run_retires_nothing(settings, query, tmp_path, hard_delete):
    settings = {**settings, "hard_delete": hard_delete}
    assert invoke_cli(settings, full_table_sync(100, ["a", "b", "c"]), tmp_path).exit_code == 0
    failed = invoke_cli(settings, full_table_sync(200, ["a", "c"], bad_record=True), tmp_path)
    assert failed.exit_code == 1
    assert "key property 'id' is missing" in failed.stderr.strip().splitlines()[-1]
    rows = query("SELECT id, _sdc_deleted_at IS NULL FROM raw_test.lists ORDER BY id")
    assert rows == [("a", True), ("b", True), ("c", True)]
