"""Loading behaviour: types on disk, load methods, deletes, versions, metadata, state."""

from __future__ import annotations

import datetime
import decimal
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from singer_sdk import Target

from targets.duckdb.target import TargetDuckDB

from .conftest import record, schema, state


@pytest.fixture(params=[True, False], ids=["validated", "duckdb-checked"])
def config(request, db_path, tmp_path):
    """Every test here runs with Python-side validation and with DuckDB-only checks."""
    return {
        "path": str(db_path),
        "default_target_schema": "raw_test",
        "staging_dir": str(tmp_path),
        "validate_records": request.param,
    }


TASK = {
    "id": {"type": "string"},
    "priority": {"type": ["integer", "null"]},
    "points": {"type": ["number", "null"]},
}

ALL_TYPES = {
    "id": {"type": "integer"},
    "price": {"type": ["number", "null"], "multipleOf": 0.01},
    "ratio": {"type": "number"},
    "name": {"type": "string"},
    "due": {"type": ["string", "null"], "format": "date-time"},
    "day": {"type": "string", "format": "date"},
    "at": {"type": "string", "format": "time"},
    "done": {"type": "boolean"},
    "status": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "order": {"type": "integer"}},
    },
    "custom": {"type": "object"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "assignees": {
        "type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
    },
    "Odd Name!": {"type": "string"},
}


def columns(query):
    rows = query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_test' AND table_name = 'tasks' ORDER BY ordinal_position"
    )
    return dict(rows)


def test_every_type_lands_with_its_information(run, query):
    data = {
        "id": 1,
        "price": 12.34,
        "ratio": 0.125,
        "name": "Ünïcode ✓",
        "due": "2024-03-01T12:30:00+02:00",
        "day": "2024-03-01",
        "at": "08:15:00",
        "done": True,
        "status": {"name": "open", "order": 2},
        "custom": {"anything": [1, {"goes": True}]},
        "tags": ["a", "b"],
        "assignees": [{"id": 7}, {"id": 8}],
        "Odd Name!": "x",
    }
    run([schema("tasks", ALL_TYPES), record("tasks", data)])
    types = columns(query)
    assert types["price"] == "DECIMAL(38,2)"
    assert types["due"] == "TIMESTAMP WITH TIME ZONE"
    assert types["status"] == 'STRUCT("name" VARCHAR, "order" BIGINT)'
    assert types["custom"] == "JSON"
    assert types["tags"] == "VARCHAR[]"
    assert types["assignees"] == "STRUCT(id BIGINT)[]"
    assert "Odd_Name_" in types
    row = query(
        'SELECT price, ratio, name, due, day, "at", done, status, custom, tags, assignees, '
        '"Odd_Name_" FROM raw_test.tasks'
    )[0]
    assert row[0] == decimal.Decimal("12.34")
    assert row[1] == 0.125
    assert row[2] == "Ünïcode ✓"
    assert row[3] == datetime.datetime(2024, 3, 1, 10, 30, tzinfo=datetime.UTC)
    assert row[4] == datetime.date(2024, 3, 1)
    assert row[5] == datetime.time(8, 15)
    assert row[6] is True
    assert row[7] == {"name": "open", "order": 2}
    assert json.loads(row[8]) == {"anything": [1, {"goes": True}]}
    assert row[9] == ["a", "b"]
    assert row[10] == [{"id": 7}, {"id": 8}]
    assert row[11] == "x"


def test_upsert_replaces_by_key_and_last_record_in_a_batch_wins(run, query):
    run(
        [
            schema("tasks", TASK),
            record("tasks", {"id": "a", "priority": 1}),
            record("tasks", {"id": "b", "priority": 1}),
            record("tasks", {"id": "a", "priority": 2}),
        ]
    )
    run([schema("tasks", TASK), record("tasks", {"id": "b", "priority": 9})])
    assert query("SELECT id, priority FROM raw_test.tasks ORDER BY id") == [("a", 2), ("b", 9)]


def test_upsert_across_many_small_batches(run, query):
    messages = [schema("tasks", TASK)]
    messages += [record("tasks", {"id": str(i % 7), "priority": i}) for i in range(50)]
    run(messages, batch_size_rows=3)
    rows = dict(query("SELECT id, priority FROM raw_test.tasks"))
    assert rows == {str(k): max(i for i in range(50) if i % 7 == k) for k in range(7)}


def test_append_only_keeps_every_record(run, query):
    messages = [schema("tasks", TASK), record("tasks", {"id": "a"}), record("tasks", {"id": "a"})]
    run(messages, load_method="append-only")
    run(messages, load_method="append-only")
    assert query("SELECT count(*) FROM raw_test.tasks") == [(4,)]


def test_stream_without_keys_is_appended(run, query):
    messages = [schema("events", {"n": {"type": "integer"}}, keys=()), record("events", {"n": 1})]
    run(messages)
    run(messages)
    assert query("SELECT count(*) FROM raw_test.events") == [(2,)]


def test_overwrite_replaces_the_table_once_per_run(run, query):
    run([schema("tasks", TASK), record("tasks", {"id": "old"})])
    run(
        [schema("tasks", TASK)] + [record("tasks", {"id": f"n{i}"}) for i in range(5)],
        load_method="overwrite",
        batch_size_rows=2,
    )
    assert query("SELECT count(*), min(id) FROM raw_test.tasks") == [(5, "n0")]
    run([schema("tasks", TASK)], load_method="overwrite")
    assert query("SELECT count(*) FROM raw_test.tasks") == [(0,)]


def test_hard_delete_removes_rows_soft_delete_marks_them(run, query):
    deleted = {"id": "a", "_sdc_deleted_at": "2024-05-01T00:00:00Z"}
    base = [schema("tasks", TASK), record("tasks", {"id": "a"}), record("tasks", {"id": "b"})]
    run(base)
    run([schema("tasks", TASK), record("tasks", deleted)])
    assert query("SELECT id, _sdc_deleted_at IS NOT NULL FROM raw_test.tasks ORDER BY id") == [
        ("a", True),
        ("b", False),
    ]
    run([schema("tasks", TASK), record("tasks", deleted)], hard_delete=True)
    assert query("SELECT id FROM raw_test.tasks") == [("b",)]


def _full_table(version, ids):
    return [
        schema("tasks", TASK),
        {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": version},
        *[record("tasks", {"id": i}, version=version) for i in ids],
        {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": version},
    ]


def test_activate_version_hard_deletes_rows_of_older_versions(run, query):
    run(_full_table(1, ["a", "b", "c"]), hard_delete=True)
    run(_full_table(2, ["a", "c"]), hard_delete=True)
    assert query("SELECT id, _sdc_table_version FROM raw_test.tasks ORDER BY id") == [
        ("a", 2),
        ("c", 2),
    ]


def test_activate_version_soft_deletes_rows_of_older_versions(run, query):
    run(_full_table(1, ["a", "b", "c"]))
    run(_full_table(2, ["a", "c"]))
    rows = query("SELECT id, _sdc_deleted_at IS NULL FROM raw_test.tasks ORDER BY id")
    assert rows == [("a", True), ("b", False), ("c", True)]


def test_batch_messages_load_jsonl_gzip_and_parquet(run, query, tmp_path):
    jsonl = tmp_path / "part-1.jsonl.gz"
    with gzip.open(jsonl, "wt") as handle:
        handle.write('{"id": "j1", "priority": 1}\n{"id": "j2", "priority": 2}\n')
    parquet = tmp_path / "part-2.parquet"
    pq.write_table(pa.table({"id": ["p1", "j1"], "priority": [5, 6]}), parquet)
    run(
        [
            schema("tasks", TASK),
            record("tasks", {"id": "r1", "priority": 0}),
            {
                "type": "BATCH",
                "stream": "tasks",
                "encoding": {"format": "jsonl", "compression": "gzip"},
                "manifest": [f"file://{jsonl}"],
            },
            {
                "type": "BATCH",
                "stream": "tasks",
                "encoding": {"format": "parquet", "compression": "none"},
                "manifest": [str(parquet)],
            },
        ]
    )
    rows = query("SELECT id, priority FROM raw_test.tasks ORDER BY id")
    assert rows == [("j1", 6), ("j2", 2), ("p1", 5), ("r1", 0)]


def test_metadata_columns(run, query):
    run(
        [
            schema("tasks", TASK),
            record("tasks", {"id": "a"}, time_extracted="2024-01-02T03:04:05Z"),
            record("tasks", {"id": "b"}),
        ]
    )
    rows = query(
        "SELECT id, _sdc_extracted_at, _sdc_received_at IS NOT NULL, _sdc_batched_at IS NOT NULL,"
        " _sdc_sequence FROM raw_test.tasks ORDER BY id"
    )
    assert rows[0][1] == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert rows[1][1] is None
    assert all(r[2] and r[3] for r in rows)
    run([schema("tasks", TASK), record("tasks", {"id": "b"})])
    later = query("SELECT _sdc_sequence FROM raw_test.tasks WHERE id = 'b'")[0][0]
    assert later > rows[1][4]  # a later batch sorts after an earlier one


def test_without_record_metadata_only_delete_and_version_columns_remain(run, query):
    run([schema("tasks", TASK), record("tasks", {"id": "a"})], add_record_metadata=False)
    assert [c for c in columns(query) if c.startswith("_sdc")] == [
        "_sdc_deleted_at",
        "_sdc_table_version",
    ]


def test_flattening_goes_through_the_sdk_mapper(run, query):
    nested = {
        "id": {"type": "string"},
        "status": {"type": "object", "properties": {"name": {"type": "string"}}},
    }
    run(
        [schema("tasks", nested), record("tasks", {"id": "a", "status": {"name": "open"}})],
        flattening_enabled=True,
        flattening_max_depth=1,
    )
    assert query("SELECT id, status__name FROM raw_test.tasks") == [("a", "open")]


def test_stream_maps_rename_and_filter(run, query):
    run(
        [
            schema("tasks", TASK),
            record("tasks", {"id": "a", "priority": 1}),
            record("tasks", {"id": "b", "priority": 5}),
        ],
        stream_maps={"tasks": {"__filter__": "priority > 2", "label": "'P' + str(priority)"}},
    )
    assert query("SELECT id, label FROM raw_test.tasks") == [("b", "P5")]


def test_state_is_emitted_only_after_preceding_records_are_committed(config, monkeypatch):
    seen = []
    original = Target._write_state_message

    def spy(self, value):  # the SDK's writer: runs when the state line is actually written
        count = self.warehouse.conn.execute("SELECT count(*) FROM raw_test.tasks").fetchone()[0]
        seen.append((value["n"], count))
        original(self, value)

    monkeypatch.setattr(Target, "_write_state_message", spy)
    messages = [schema("tasks", TASK)]
    for i in range(1, 41):
        messages.append(record("tasks", {"id": str(i)}))
        if i % 5 == 0:
            messages.append(state({"n": i}))
    import io
    from contextlib import redirect_stdout

    from .conftest import encode

    target = TargetDuckDB(config={**config, "batch_size_rows": 8})
    with redirect_stdout(io.StringIO()):
        target.listen(io.BytesIO(encode(messages)))
    assert seen, "no state was emitted"
    assert all(count >= n for n, count in seen)
    assert seen[-1] == (40, 40)


def test_names_are_sanitised_and_collisions_resolved(run, query):
    properties = {
        "id": {"type": "integer"},
        "Name": {"type": "string"},
        "name": {"type": "string"},
        "a-b": {"type": "string"},
        "a_b": {"type": "integer"},
    }
    data = {"id": 1, "Name": "Upper", "name": "lower", "a-b": "dash", "a_b": 2}
    run([schema("Weird Stream!", properties), record("Weird Stream!", data)])
    rows = query('SELECT id, "Name", name_2, a_b, a_b_2 FROM raw_test."Weird_Stream_"')
    assert rows == [(1, "Upper", "lower", 2, "dash")]
