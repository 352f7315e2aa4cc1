"""Values: validation checks what the schema says, and no value is ever changed silently on
its way into a column (with validation on or off)."""

from __future__ import annotations

import decimal
import json

import pytest

from .conftest import invoke_cli, record, schema


def _last_line(result) -> str:
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


# property schema, a valid value, an invalid value, the start of the reason
KEYWORDS = {
    "enum": (
        {"type": "string", "enum": ["open", "done"]},
        "done",
        "later",
        "'v': 'later' is not one of",
    ),
    "const": ({"type": "integer", "const": 3}, 3, 4, "'v': 3 was expected"),
    "maxLength": ({"type": "string", "maxLength": 3}, "abc", "abcd", "'v': 'abcd' is too long"),
    "minLength": ({"type": "string", "minLength": 2}, "ab", "a", "'v': 'a' is too short"),
    "pattern": (
        {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"},
        "AB-12",
        "ab-12",
        "'v': 'ab-12' does not match",
    ),
    "minimum": ({"type": "integer", "minimum": 0}, 0, -1, "'v': -1 is less than the minimum of 0"),
    "maximum": (
        {"type": "number", "maximum": 1.5},
        1.5,
        1.75,
        "'v': 1.75 is greater than the maximum",
    ),
    "exclusiveMinimum": (
        {"type": "number", "exclusiveMinimum": 0},
        0.5,
        0,
        "'v': 0 is less than or equal",
    ),
    "multipleOf of a number": (
        {"type": "number", "multipleOf": 0.01},
        0.07,
        1.23456,
        "'v': 1.23456 is not a multiple of 0.01",
    ),
    "multipleOf of an integer": (
        {"type": "integer", "multipleOf": 5},
        15,
        12,
        "'v': 12 is not a multiple of 5",
    ),
    "maxItems": (
        {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
        [1, 2],
        [1, 2, 3],
        "'v': [1, 2, 3] is too long",
    ),
    "nested maxLength": (
        {"type": "object", "properties": {"code": {"type": "string", "maxLength": 2}}},
        {"code": "ab"},
        {"code": "abc"},
        "'v.code': 'abc' is too long",
    ),
    "additionalProperties false": (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        {"a": 1},
        {"a": 1, "b": 2},
        "'v': Additional properties are not allowed",
    ),
    "allOf (checked by jsonschema)": (
        {"allOf": [{"type": "integer"}, {"minimum": 10}]},
        10,
        9,
        "'v': 9 is less than the minimum of 10",
    ),
    "uniqueItems (checked by jsonschema)": (
        {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
        [1, 2],
        [1, 1],
        "'v': [1, 1] has non-unique elements",
    ),
}


@pytest.mark.parametrize("keyword", list(KEYWORDS))
def test_validation_enforces_the_schema_keywords(keyword, config, query, tmp_path):
    prop, good, bad, reason = KEYWORDS[keyword]
    messages = [
        schema("items", {"id": {"type": "integer"}, "v": prop}),
        record("items", {"id": 1, "v": good}),
        record("items", {"id": 2, "v": bad}),
    ]
    result = invoke_cli({**config, "on_invalid_record": "reject"}, messages, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert query("SELECT id FROM raw_test.items") == [(1,)]
    [(line, why)] = query("SELECT line, reason FROM raw_test._rejected")
    assert line == 3
    assert why.startswith(f"record violates schema: {reason}"), why


NUMBERS = [0.07, 1.1, 19.99, -0.01, 12345678.9, 0, 5]


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "types-only"])
def test_decimal_values_land_exactly_and_inexact_ones_are_refused(
    validate, config, query, tmp_path
):
    price = {"type": ["number", "null"], "multipleOf": 0.01}
    messages = [schema("prices", {"id": {"type": "integer"}, "price": price})]
    messages += [record("prices", {"id": i, "price": n}) for i, n in enumerate(NUMBERS)]
    messages.append(record("prices", {"id": 99, "price": 1.23456}))
    settings = {**config, "validate_records": validate, "batch_size_rows": len(NUMBERS)}
    result = invoke_cli(settings, messages, tmp_path)
    assert result.exit_code == 1
    assert _last_line(result) == (
        "target-duckdb: line 9, stream 'prices': record violates schema: 'price': 1.23456 is "
        "not a multiple of 0.01"
    )
    stored = dict(query("SELECT id, price FROM raw_test.prices"))
    assert stored == {i: decimal.Decimal(repr(n)) for i, n in enumerate(NUMBERS)}


CONVERSIONS = {
    "a fraction for an integer key": (
        {"type": "integer"},
        7.9,
        "'id' is not of type 'integer' or 'null' (got 7.9)",
    ),
    "a string for a boolean": (
        {"type": "boolean"},
        "yes",
        "'v' is not of type 'boolean' or 'null' (got \"yes\")",
    ),
    "a number for a string": (
        {"type": "string"},
        12,
        "'v' is not of type 'string' or 'null' (got 12)",
    ),
    "a numeric string for an integer": (
        {"type": "integer"},
        "12",
        "'v' is not of type 'integer' or 'null' (got \"12\")",
    ),
    "an object for a string": (
        {"type": "string"},
        {"a": 1},
        "'v' is not of type 'string' or 'null'",
    ),
    "a boolean for a number": (
        {"type": "number"},
        True,
        "'v' is not of type 'number' or 'null' (got true)",
    ),
    "an integer beyond 64 bits": (
        {"type": "integer"},
        2**63,
        "'v' is not of type 'integer' or 'null'",
    ),
}


@pytest.mark.parametrize("case", list(CONVERSIONS))
def test_values_are_never_converted_even_without_validation(case, config, query, tmp_path):
    prop, value, reason = CONVERSIONS[case]
    key = 7.9 if case.startswith("a fraction") else 1
    data = {"id": key} if case.startswith("a fraction") else {"id": key, "v": value}
    messages = [
        schema("items", {"id": {"type": "integer"}, "v": prop}),
        record("items", {"id": 0, "v": None}),
        record("items", data),
    ]
    result = invoke_cli({**config, "validate_records": False}, messages, tmp_path)
    assert result.exit_code == 1
    assert _last_line(result).startswith(
        f"target-duckdb: line 3, stream 'items': record violates schema: {reason}"
    )


def test_without_validation_keywords_are_not_enforced_but_types_are(config, query, tmp_path):
    messages = [
        schema("items", {"id": {"type": "integer"}, "v": {"type": "string", "maxLength": 1}}),
        record("items", {"id": 1, "v": "long"}),
    ]
    result = invoke_cli({**config, "validate_records": False}, messages, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert query("SELECT id, v FROM raw_test.items") == [(1, "long")]


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "types-only"])
@pytest.mark.parametrize("compressed", [False, True], ids=["jsonl", "jsonl.gz"])
def test_batch_files_are_checked_like_record_messages(
    validate, compressed, config, query, tmp_path
):
    import gzip

    rows = [{"id": 1, "done": True}, {"id": 2, "done": "yes"}]
    text = "".join(json.dumps(r) + "\n" for r in rows).encode()
    path = tmp_path / ("batch.jsonl.gz" if compressed else "batch.jsonl")
    path.write_bytes(gzip.compress(text) if compressed else text)
    messages = [
        schema("items", {"id": {"type": "integer"}, "done": {"type": "boolean"}}),
        {
            "type": "BATCH",
            "stream": "items",
            "encoding": {"format": "jsonl", "compression": "gzip" if compressed else "none"},
            "manifest": [f"file://{path}"],
        },
    ]
    result = invoke_cli({**config, "validate_records": validate}, messages, tmp_path)
    assert result.exit_code == 1
    assert _last_line(result).startswith(
        f"target-duckdb: line 2, stream 'items': BATCH file '{path}', row 2: record violates "
        "schema: 'done' is not of type 'boolean'"
    )
    assert query("SELECT count(*) FROM raw_test.items") == [(0,)]
