"""Conversion failures and rule failures: rejected with the reason, nulled, or failing the run."""

from __future__ import annotations

import json

import duckdb
import pytest

from transforms.engine import TransformRunError, load_mapping_text, run_models

POSTS = """
CREATE SCHEMA raw;
CREATE TABLE raw.posts AS SELECT * FROM (VALUES
    (1, 'hello', '  first body ', '10', '2024-01-05'),
    (2, 'world', 'second', 'abc', '2024-13-01'),
    (3, 'again', 'third', '12', '2024-02-01'),
    (4, NULL, 'fourth', '13', NULL)
) AS t(id, title, body, "userId", published);
"""


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for statement in POSTS.strip().split(";"):
        if statement.strip():
            connection.execute(statement)
    return connection


def mapping(**settings: str) -> str:
    extra = "".join(f"    {key}: {value}\n" for key, value in settings.items())
    return (
        "version: 1\n"
        "outputs:\n"
        "  stg.posts:\n"
        "    from: raw.posts\n"
        f"{extra}"
        "    fields:\n"
        "      external_id: {from: id, apply: [to_string]}\n"
        "      subject: {from: title, apply: [uppercase]}\n"
        "      content: {from: body, apply: [trim]}\n"
        "      author_id: {from: userId, apply: [to_int]}\n"
        "      published_on: {from: published, apply: [to_date]}\n"
    )


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def test_seed_mapping_and_unconvertible_rows_go_to_rejects_with_the_reason(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    results = run_models(warehouse, load_mapping_text(mapping(), "m.yaml"))
    assert (results[0].rows, results[0].rejected) == (3, 1)
    assert rows(warehouse, "SELECT * FROM stg.posts ORDER BY external_id") == [
        ("1", "HELLO", "first body", 10, __import__("datetime").date(2024, 1, 5)),
        ("3", "AGAIN", "third", 12, __import__("datetime").date(2024, 2, 1)),
        ("4", None, "fourth", 13, None),
    ]
    ((rule, field, reason, record),) = rows(warehouse, "SELECT * FROM stg.posts__rejected")
    assert (rule, field, reason) == ("to_int", "author_id", "to_int could not convert 'abc'")
    assert json.loads(record)["userId"] == "abc"


def test_the_first_failing_check_of_a_row_is_its_reason(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    text = mapping() + "    rules:\n      - {rule: not_null, field: subject}\n"
    run_models(warehouse, load_mapping_text(text, "m.yaml"))
    assert rows(warehouse, "SELECT _rule, _field, _reason FROM stg.posts__rejected") == [
        ("to_int", "author_id", "to_int could not convert 'abc'"),
        ("not_null", "subject", "value is null"),
    ]
    assert rows(warehouse, "SELECT external_id FROM stg.posts ORDER BY 1") == [("1",), ("3",)]


def test_unparseable_date_is_rejected_by_its_own_check(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    text = mapping().replace("apply: [to_int]", "apply: [to_string]")
    run_models(warehouse, load_mapping_text(text, "m.yaml"))
    assert rows(warehouse, "SELECT _rule, _reason FROM stg.posts__rejected") == [
        ("to_date", "to_date could not convert '2024-13-01'")
    ]


def test_on_conversion_error_null_keeps_the_row_with_a_null(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    results = run_models(
        warehouse, load_mapping_text(mapping(on_conversion_error="null"), "m.yaml")
    )
    assert (results[0].rows, results[0].rejected) == (4, 0)
    assert rows(
        warehouse, "SELECT author_id, published_on FROM stg.posts WHERE external_id = '2'"
    ) == [(None, None)]
    tables = rows(
        warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'stg'"
    )
    assert tables == [("posts",)]


def test_on_conversion_error_fail_stops_without_building_anything(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(TransformRunError) as caught:
        run_models(warehouse, load_mapping_text(mapping(on_conversion_error="fail"), "m.yaml"))
    assert str(caught.value) == (
        "m.yaml:3: output 'stg.posts', field 'author_id': to_int could not convert 'abc' "
        "(to_int; the output is set to fail on this)"
    )
    assert rows(
        warehouse, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'stg'"
    ) == [(0,)]


def test_rule_failure_fail_names_the_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    text = mapping(on_conversion_error="null", on_rule_failure="fail") + (
        "    rules:\n      - {rule: accepted_values, field: author_id, values: [10, 12]}\n"
    )
    with pytest.raises(
        TransformRunError, match=r"field 'author_id': value '13' is not one of: 10, 12"
    ):
        run_models(warehouse, load_mapping_text(text, "m.yaml"))


@pytest.mark.parametrize(
    ("rule", "kept"),
    [
        ("{rule: not_null, field: subject}", ["1", "2", "3"]),
        ("{rule: accepted_values, field: subject, values: [HELLO, WORLD]}", ["1", "2", "4"]),
        ("{rule: regex, field: subject, pattern: '^[A-H]'}", ["1", "3", "4"]),
        ("{rule: range, field: id, min: 2, max: 3}", ["2", "3"]),
        ("{rule: range, field: id, max: 1}", ["1"]),
    ],
)
def test_each_rule_rejects_exactly_the_rows_that_break_it(
    warehouse: duckdb.DuckDBPyConnection, rule: str, kept: list[str]
) -> None:
    text = (
        "version: 1\noutputs:\n  stg.p:\n    from: raw.posts\n    fields:\n"
        "      external_id: {from: id, apply: [to_string]}\n      id: id\n"
        "      subject: {from: title, apply: [uppercase]}\n"
        f"    rules:\n      - {rule}\n"
    )
    run_models(warehouse, load_mapping_text(text, "m.yaml"))
    assert [r[0] for r in rows(warehouse, "SELECT external_id FROM stg.p ORDER BY 1")] == kept
    rejected = rows(warehouse, "SELECT count(*) FROM stg.p__rejected")[0][0]
    assert rejected == 4 - len(kept)


def test_unique_rejects_every_copy_of_a_duplicated_value(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("INSERT INTO raw.posts VALUES (5, 'hello', 'x', '1', NULL)")
    text = (
        "version: 1\noutputs:\n  stg.p:\n    from: raw.posts\n    fields:\n"
        "      id: id\n      title: title\n"
        "    rules:\n      - {rule: unique, field: title}\n"
    )
    run_models(warehouse, load_mapping_text(text, "m.yaml"))
    assert rows(warehouse, "SELECT id FROM stg.p ORDER BY 1") == [(2,), (3,), (4,)]
    assert rows(warehouse, "SELECT _reason FROM stg.p__rejected") == [
        ("value 'hello' appears 2 times",),
        ("value 'hello' appears 2 times",),
    ]


def test_a_later_clean_run_replaces_the_rejects(warehouse: duckdb.DuckDBPyConnection) -> None:
    outputs = load_mapping_text(mapping(), "m.yaml")
    run_models(warehouse, outputs)
    warehouse.execute("""UPDATE raw.posts SET "userId" = '11' WHERE id = 2""")
    warehouse.execute("UPDATE raw.posts SET published = NULL WHERE id = 2")
    run_models(warehouse, outputs)
    assert rows(warehouse, "SELECT count(*) FROM stg.posts") == [(4,)]
    assert rows(warehouse, "SELECT count(*) FROM stg.posts__rejected") == [(0,)]
