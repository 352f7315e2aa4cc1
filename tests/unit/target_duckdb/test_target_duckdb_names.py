"""Names: any property name loads into a column of its own; any stream name finds its own
table, in this run and in every later one."""

from __future__ import annotations

import pytest

from .conftest import record, schema

ODD_NAMES = {
    'say "hi"': "say__hi_",
    "back\\slash": "back_slash",
    "line\nbreak": "line_break",
    "nul\x00": "nul_",
    "": "_",
    "__bh_line": "__bh_line_2",
    "Case": "Case",
    "case": "case_2",
    "a.b": "a_b",
    "a/b~c": "a_b_c",
    "ünï": "_n_",
}


@pytest.fixture(params=[True, False], ids=["validated", "types-only"])
def validate(request):
    return request.param


def test_odd_property_names_each_get_a_column(run, query, validate):
    properties = {"id": {"type": "integer"}}
    properties |= {name: {"type": ["string", "null"]} for name in ODD_NAMES}
    data = {"id": 1} | {name: f"value of {name!r}" for name in ODD_NAMES}
    run([schema("odd", properties), record("odd", data)], validate_records=validate)
    columns = [quote(c) for c in ODD_NAMES.values()]
    [row] = query(f"SELECT {', '.join(columns)} FROM raw_test.odd")  # noqa: S608
    assert row == tuple(f"value of {name!r}" for name in ODD_NAMES)


def test_objects_read_as_json_drop_unlisted_keys_like_structs_do(run, query, validate):
    status = {"type": "object", "properties": {"order": {"type": "integer"}}}
    properties = {"id": {"type": "integer"}, "": {"type": "string"}, "status": status}
    run(
        [
            schema("odd", properties),  # the "" property makes records read as JSON
            record("odd", {"id": 1, "": "x", "status": {"order": 2, "unlisted": True}}),
        ],
        validate_records=validate,
    )
    assert query("SELECT _, status FROM raw_test.odd") == [("x", {"order": 2})]


def test_odd_names_inside_objects_are_kept(run, query, validate):
    nested = {"type": "object", "properties": {'q"': {"type": "integer"}, "": {"type": "integer"}}}
    run(
        [
            schema("odd", {"id": {"type": "integer"}, "obj": nested}),
            record("odd", {"id": 1, "obj": {'q"': 2, "": 3}}),
        ],
        validate_records=validate,
    )
    [(obj,)] = query("SELECT obj FROM raw_test.odd")
    assert obj == '{"q\\"":2,"":3}'


def test_a_stream_of_3000_properties_loads_under_the_default_memory_limit(run, query):
    width = 3000
    properties = {"id": {"type": "integer"}}
    properties |= {f"p{i}": {"type": ["string", "null"]} for i in range(width)}
    records = [
        record("wide", {"id": n} | {f"p{i}": f"{n}-{i}-padding" for i in range(width)})
        for n in range(50)
    ]
    run([schema("wide", properties), *records])
    assert query("SELECT count(*), min(p0), max(p2999) FROM raw_test.wide") == [
        (50, "0-0-padding", "9-2999-padding")
    ]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(query) -> dict[str, str]:
    rows = query("SELECT stream, table_name FROM raw_test._streams")
    return dict(rows)


def test_streams_differing_in_case_keep_their_own_tables_across_runs(run, query):
    item = {"id": {"type": "integer"}}
    run([schema("Tasks", item), record("Tasks", {"id": 1})])
    run([schema("tasks", item), record("tasks", {"id": 2})])
    run([schema("Tasks", item), record("Tasks", {"id": 3})])
    assert _tables(query) == {"Tasks": "Tasks", "tasks": "tasks_2"}
    assert query('SELECT id FROM raw_test."Tasks" ORDER BY id') == [(1,), (3,)]
    assert query("SELECT id FROM raw_test.tasks_2") == [(2,)]


def test_a_stream_finds_its_table_again_after_a_colliding_stream_appeared(run, query):
    item = {"id": {"type": "integer"}}
    run([schema("a.b", item), record("a.b", {"id": 1})])
    run([schema("a_b", item), record("a_b", {"id": 2}), schema("a.b", item)])
    run([schema("a_b", item), record("a_b", {"id": 3}), schema("a.b", item)])
    run([schema("a.b", item), record("a.b", {"id": 4})])
    assert _tables(query) == {"a.b": "a_b", "a_b": "a_b_2"}
    assert query("SELECT id FROM raw_test.a_b ORDER BY id") == [(1,), (4,)]
    assert query("SELECT id FROM raw_test.a_b_2 ORDER BY id") == [(2,), (3,)]


def test_streams_in_one_run_never_share_a_table(run, query):
    item = {"id": {"type": "integer"}}
    names = ["x.y", "x_y", "X_Y", "x-y", "_rejected", "_streams", "1st"]
    messages = []
    for n, name in enumerate(names):
        messages += [schema(name, item), record(name, {"id": n})]
    run(messages)
    tables = _tables(query)
    assert tables == {
        "x.y": "x_y",
        "x_y": "x_y_2",
        "X_Y": "X_Y_3",
        "_rejected": "_rejected_2",
        "_streams": "_streams_2",
        "1st": "_1st",
    }
    for n, name in enumerate(names):
        if name in tables:
            table = tables[name].replace('"', '""')
            assert query(f'SELECT id FROM raw_test."{table}"') == [(n,)]  # noqa: S608
    assert query("SELECT id FROM x.y") == [(3,)]  # "x-y" is table y of schema x


def test_schema_table_stream_names_land_in_that_schema(run, query):
    item = {"id": {"type": "integer"}}
    run(
        [
            schema("sales-orders", item),
            record("sales-orders", {"id": 1}),
            schema("erp-sales-items", item),
            record("erp-sales-items", {"id": 2}),
        ]
    )
    assert query("SELECT id FROM sales.orders") == [(1,)]
    assert query("SELECT id FROM sales.items") == [(2,)]
    assert dict(query("SELECT stream, table_name FROM sales._streams")) == {
        "sales-orders": "orders",
        "erp-sales-items": "items",
    }


def test_a_property_keeps_its_column_when_other_properties_come_and_go(run, query):
    both = {"id": {"type": "integer"}, "a_b": {"type": "integer"}, "a.b": {"type": "integer"}}
    dotted = {"id": {"type": "integer"}, "a.b": {"type": "integer"}}
    run([schema("t", both), record("t", {"id": 1, "a_b": 10, "a.b": 11})])
    run([schema("t", dotted), record("t", {"id": 2, "a.b": 21})])
    run(
        [
            schema(
                "t",
                {"id": {"type": "integer"}, "a.b": {"type": "integer"}, "A_B": {"type": "integer"}},
            ),
            record("t", {"id": 3, "a.b": 31, "A_B": 32}),
        ]
    )
    assert query("SELECT id, a_b, a_b_2, A_B_3 FROM raw_test.t ORDER BY id") == [
        (1, 10, 11, None),
        (2, None, 21, None),
        (3, None, 31, 32),
    ]
    recorded = query("SELECT property, column_name FROM raw_test._columns WHERE table_name = 't'")
    assert dict(recorded) == {"id": "id", "a_b": "a_b", "a.b": "a_b_2", "A_B": "A_B_3"}


def test_tables_loaded_before_names_were_recorded_are_taken_over(run, query, db_path):
    import duckdb

    with duckdb.connect(str(db_path)) as conn:
        conn.execute("CREATE SCHEMA raw_test")
        conn.execute("CREATE TABLE raw_test.tasks (id BIGINT, title VARCHAR)")
        conn.execute("INSERT INTO raw_test.tasks VALUES (1, 'old')")
        conn.execute('CREATE TABLE raw_test."Users" (id BIGINT)')
    item = {"id": {"type": "integer"}, "title": {"type": "string"}}
    run(
        [
            schema("tasks", item),
            record("tasks", {"id": 2, "title": "new"}),
            schema("users", {"id": {"type": "integer"}}),
            record("users", {"id": 5}),
        ]
    )
    assert query("SELECT id, title FROM raw_test.tasks ORDER BY id") == [(1, "old"), (2, "new")]
    assert dict(query("SELECT stream, table_name FROM raw_test._streams")) == {
        "tasks": "tasks",
        "users": "users_2",
    }
    assert query('SELECT count(*) FROM raw_test."Users"') == [(0,)]
