"""Names: any property name loads into a column of its own; any stream name finds its own
table, in this run and in every later one."""

from __future__ import annotations

import pytest

from .conftest import record, schema

ODD_NAMES = {
    'say "hi"': "say__hi_",
    "back\\slash": "back_slash",
    "line\nbreak": "line_break",
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
