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
