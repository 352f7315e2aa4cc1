"""Bad mapping files and SQL models give one clear error naming the file and line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from transforms.engine import (
    Catalog,
    MappingCycleError,
    MappingError,
    Project,
    compile_output,
    load_mapping_text,
)
from transforms.engine.types import column_type

HEAD = "version: 1\noutputs:\n  stg.posts:\n    from: raw.posts\n"

BAD_FILES = [
    pytest.param(
        HEAD + "    fields:\n      subject: {from: title, apply: [upcase]}\n",
        "m.yaml:6: output 'stg.posts', field 'subject': unknown function 'upcase' "
        "(did you mean 'uppercase'?) (valid: uppercase, lowercase, trim,",
        id="unknown-function",
    ),
    pytest.param(
        HEAD + "    fields:\n      a: id\n      b:\n        from: title\n        apply:\n"
        "          - trim\n          - {replace: [x]}\n",
        "m.yaml:11: output 'stg.posts', field 'b': replace takes 2 argument(s), got 1",
        id="wrong-argument-count",
    ),
    pytest.param(
        HEAD + "    fields:\n      a: {from: title, apply: [{regex_extract: ['(a', 1]}]}\n",
        "m.yaml:6: output 'stg.posts', field 'a': regex_extract: invalid pattern '(a'",
        id="bad-regex",
    ),
    pytest.param(
        HEAD + "    fields:\n      a: {from: title, apply: [{to_timestamp: iso}]}\n",
        "m.yaml:6: output 'stg.posts', field 'a': to_timestamp: format must be epoch_s, epoch_ms",
        id="bad-time-format",
    ),
    pytest.param(
        HEAD + "    feilds:\n      a: id\n",
        "m.yaml:5: at outputs.stg.posts: unknown key 'feilds' (did you mean 'fields'?)",
        id="unknown-key",
    ),
    pytest.param(
        HEAD + "    on_rule_failure: explode\n",
        "m.yaml:5: at outputs.stg.posts.on_rule_failure: 'explode' is not one of ['reject', 'fail']",
        id="bad-setting",
    ),
    pytest.param(
        "version: 1\noutputs:\n  posts:\n    from: raw.posts\n",
        "m.yaml:3: at outputs: 'posts' is not valid: `schema.table`, each part a letter",
        id="unqualified-output-name",
    ),
    pytest.param(
        HEAD + "    fields:\n      a: id\n    rules:\n      - {rule: not_null, field: b}\n",
        "m.yaml:8: output 'stg.posts': rule 'not_null' checks unknown field 'b' (output fields: a)",
        id="rule-on-unknown-field",
    ),
    pytest.param(
        HEAD + "    rules:\n      - {rule: accepted_values, field: a}\n",
        "m.yaml:6: at outputs.stg.posts.rules.0: 'values' is a required property",
        id="rule-missing-values",
    ),
    pytest.param(
        HEAD + "    filter: {field: a, op: in, value: x}\n",
        "m.yaml:5: filter op 'in' needs a list of values",
        id="filter-in-without-list",
    ),
    pytest.param(
        HEAD + "    filter: {field: a, op: like, value: x}\n",
        "m.yaml:5: at outputs.stg.posts.filter.op: 'like' is not one of ['eq', 'ne',",
        id="filter-unknown-op",
    ),
    pytest.param(
        HEAD + "    fields:\n      s: {from: a, apply: [{map_values: {x: 1, y: two}}]}\n",
        "m.yaml:6: output 'stg.posts', field 's': map_values: every value of the table must be of one kind",
        id="map-values-mixed-kinds",
    ),
    pytest.param(
        HEAD + "    fields:\n      s: {from: a, apply: [{replace: {x: y}}]}\n",
        "m.yaml:6: output 'stg.posts', field 's': replace takes plain values, not a table",
        id="table-for-a-plain-function",
    ),
    pytest.param(
        HEAD + "    group_by: [a]\n",
        "m.yaml:3: at outputs.stg.posts: 'measures' is a dependency of 'group_by'",
        id="group-without-measures",
    ),
    pytest.param(
        "version: 1\noutputs:\n  stg.posts:\n    from: raw.posts\n    fields: {a: id\n",
        "m.yaml:6: invalid YAML",
        id="broken-yaml",
    ),
    pytest.param(
        HEAD + "    fields:\n      a: id\n      a: title\n",
        "m.yaml:7: invalid YAML: duplicate key 'a'",
        id="duplicate-field",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_mapping_file(text: str, expected: str) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping_text(text, "m.yaml")
    assert str(caught.value).startswith(expected), str(caught.value)


@pytest.fixture
def catalog() -> Catalog:
    connection = duckdb.connect()
    relation = connection.sql(
        "SELECT 1 AS id, 'x' AS title, {'status': 'open', 'type': 'open'} AS status, "
        "[{'id': 1, 'username': 'ann'}] AS assignees"
    )
    columns = {c: column_type(t) for c, t in zip(relation.columns, relation.dtypes, strict=True)}
    return Catalog({"raw.posts": columns}, strict=True)


COMPILE_ERRORS = [
    pytest.param(
        "    fields:\n      a: id\n      b: titel\n",
        "m.yaml:7: output 'stg.posts', field 'b': path 'titel': posts has no column 'titel' "
        "(did you mean 'title'?) (columns: id, title, status, assignees)",
        id="unknown-column",
    ),
    pytest.param(
        "    fields:\n      s: status.state\n",
        "m.yaml:6: output 'stg.posts', field 's': path 'status.state': the object has no column "
        "'state' (did you mean 'status'?) (columns: status, type)",
        id="unknown-nested-field",
    ),
    pytest.param(
        "    fields:\n      s: {from: status, apply: [uppercase]}\n",
        "m.yaml:6: output 'stg.posts', field 's': uppercase needs a single value but gets a struct",
        id="function-on-an-object",
    ),
    pytest.param(
        "    fields:\n      s: {from: title, apply: [{join: ','}]}\n",
        "m.yaml:6: output 'stg.posts', field 's': join needs a list, gets a text",
        id="join-on-text",
    ),
    pytest.param(
        "    fields:\n      s: {from: title, apply: [adf_text, {map_values: {a: 1}}]}\n      n: {from: id, apply: [adf_text]}\n",
        "m.yaml:7: output 'stg.posts', field 'n': adf_text needs a document or text, gets a integer",
        id="adf-text-on-a-number",
    ),
    pytest.param(
        "    filter: {field: nope, op: eq, value: 1}\n",
        "m.yaml:5: output 'stg.posts', filter: path 'nope': posts has no column 'nope'",
        id="filter-unknown-column",
    ),
    pytest.param(
        "    fields:\n      t: title\n    group_by: [{field: t, bucket: week}]\n    measures: {n: count}\n",
        "m.yaml:7: output 'stg.posts': group_by 't': bucket 'week' needs a timestamp or date, got a text",
        id="bucket-on-text",
    ),
    pytest.param(
        "    joins:\n      - {source: raw.users, on: {id: id}}\n",
        "m.yaml:6: output 'stg.posts': source 'raw.users' does not exist (known: raw.posts)",
        id="join-unknown-source",
    ),
]


@pytest.mark.parametrize(("body", "expected"), COMPILE_ERRORS)
def test_mapping_that_does_not_fit_the_warehouse(
    catalog: Catalog, body: str, expected: str
) -> None:
    (output,) = load_mapping_text(HEAD + body, "m.yaml")
    with pytest.raises(MappingError) as caught:
        compile_output(output, catalog)
    assert str(caught.value).startswith(expected), str(caught.value)


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_cycle_between_outputs_names_every_step(tmp_path: Path) -> None:
    write(
        tmp_path,
        "svc/a.yaml",
        "version: 1\noutputs:\n  s.a:\n    from: s.c\n  s.b:\n    from: s.a\n",
    )
    write(tmp_path, "svc/s.c.sql", "-- a model\nSELECT * FROM s.b\n")
    with pytest.raises(MappingCycleError) as caught:
        Project.load([tmp_path], display_root=tmp_path)
    assert str(caught.value) == (
        "svc/a.yaml:3: outputs depend on each other in a cycle: s.a → s.c → s.b → s.a "
        "(s.a at svc/a.yaml:3, s.c at svc/s.c.sql:1, s.b at svc/a.yaml:5)"
    )


def test_output_declared_twice(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\noutputs:\n  s.a:\n    from: raw.x\n")
    write(tmp_path, "b.yaml", "version: 1\n\noutputs:\n  s.a:\n    from: raw.y\n")
    with pytest.raises(
        MappingError, match=r"^b.yaml:4: output 's.a' is declared twice \(first at a.yaml:3\)"
    ):
        Project.load([tmp_path], display_root=tmp_path)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.sql", "SELECT 1", "x.sql:1: SQL model output name 'x' must be schema.table"),
        ("s.x.sql", "SELECT 1;\nDROP TABLE y", "s.x.sql:1: a SQL model must be exactly one SELECT"),
        ("s.x.sql", "CREATE TABLE y (a INT)", "s.x.sql:1: a SQL model must be exactly one SELECT"),
        (
            "s.x.sql",
            "SELECT 1\nFROM\nWHERE",
            's.x.sql:3: SQL model does not parse: syntax error at or near "WHERE"',
        ),
    ],
)
def test_bad_sql_model(tmp_path: Path, name: str, text: str, expected: str) -> None:
    write(tmp_path, name, text)
    with pytest.raises(MappingError) as caught:
        Project.load([tmp_path], display_root=tmp_path)
    assert str(caught.value).startswith(expected), str(caught.value)
