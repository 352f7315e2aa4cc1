"""Shaped values honour the documented constraints: listed values, patterns, formats,
nullability, and a depth cut that stays valid (each checked against the schema itself)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import jsonschema
import pytest

from brainhub.sandbox.kit.patterns import patterned
from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import derive_surface

SNOWFLAKE = "^(0|[1-9][0-9]*)$"


def _document(schema: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    ok = {"200": {"content": {"application/json": {"schema": schema}}}}
    return {
        "openapi": "3.1.0",
        "paths": {"/things/{thing_id}": {"get": {"responses": ok}}},
        "components": {"schemas": schemas or {}},
    }


def _answer(
    schema: dict[str, Any],
    schemas: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    max_depth: int = 14,
) -> Any:
    """The shaped answer for ``schema``, which must be valid against it."""
    document = _document(schema, schemas)
    surface = derive_surface(document, "", patterns=True, max_depth=max_depth)
    (operation,) = surface["operations"]
    shaper = Shaper(base_ms=1_700_000_000_000, host="example.com")
    answer = shaper.fill(operation["shape"], context or {}, "GET /things/{thing_id}")
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(answer)]
    assert errors == []
    return answer


def test_a_one_of_of_constants_gives_a_documented_constant_of_the_parent_type():
    kinds = {
        "type": "integer",
        "oneOf": [
            {"title": "TEXT", "const": 0},
            {"title": "VOICE", "const": 2},
            {"title": "THREAD", "const": 10},
            {"title": "PRIVATE_THREAD", "const": 11},
        ],
    }
    thread = {
        "type": "object",
        "properties": {
            "type": {
                "type": "integer",
                "enum": [10, 11],
                "allOf": [{"$ref": "#/components/schemas/Kinds"}],
            },
            "kind": {"$ref": "#/components/schemas/Kinds"},
            "scope": {"anyOf": [{"enum": ["bot", "identify"]}, {"const": "email"}]},
        },
    }
    answer = _answer(thread, {"Kinds": kinds})
    assert answer == {"type": 10, "kind": 0, "scope": "bot"}


def test_a_value_from_the_context_outside_the_listed_values_is_not_taken():
    user = {
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "discriminator": {"type": "string", "oneOf": [{"const": "0000"}]},
        },
    }
    context = {"user": {"username": "ada", "discriminator": "0"}}
    assert _answer(user, context=context) == {"username": "ada", "discriminator": "0000"}


def test_snowflake_ids_match_their_pattern_and_keep_the_path_ids():
    snowflake = {"type": "string", "pattern": SNOWFLAKE, "format": "snowflake"}
    thing = {
        "type": "object",
        "properties": {
            "id": {"$ref": "#/components/schemas/Snowflake"},
            "thing_id": {"$ref": "#/components/schemas/Snowflake"},
            "label": {"$ref": "#/components/schemas/Snowflake"},
            "colour": {"type": "string", "pattern": "^#(([0-9a-fA-F]{2}){3}|([0-9a-fA-F]){3})$"},
        },
    }
    answer = _answer(thing, {"Snowflake": snowflake}, context={"thing_id": "1260022608691331073"})
    assert answer["thing_id"] == "1260022608691331073"
    for name in ("id", "label"):  # "label" would be words: made from the pattern instead
        assert re.fullmatch(SNOWFLAKE, answer[name]), answer[name]
    assert re.fullmatch("#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", answer["colour"])


@pytest.mark.parametrize(
    "pattern",
    [
        SNOWFLAKE,
        r"^\d{10}\.\d{6}$",
        "^[UW][A-Z0-9]{8,}$|^$",
        "^(A[A-Z0-9]{1,})?$",
        "^#(([0-9a-fA-F]{2}){3}|([0-9a-fA-F]){3})$",
        "^[^,]+$",
        r"^(?:v\d+)\.x-[a-z]{2,4}$",
    ],
)
def test_a_value_made_from_a_pattern_matches_it_whatever_the_choices(pattern):
    made = {patterned(pattern, number) for number in (0, 1, 7, 12_345_678_901)}
    for value in made:
        assert re.fullmatch(pattern, value), (pattern, value)


def test_patterns_beyond_the_simple_forms_are_refused_and_the_value_kept():
    with pytest.raises(ValueError, match="unsupported"):
        patterned(r"^(?=a)\w+$", 0)
    answer = _answer({"type": "object", "properties": {"name": {"type": "string"}}})
    assert isinstance(answer["name"], str)


def test_strings_follow_their_documented_formats():
    thing = {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "key": {"type": "string", "format": "uuid"},
            "link": {"type": "string", "format": "uri"},
            "contact": {"type": "string", "format": "email"},
            "size": {"type": "string", "format": "int64"},
            "count": {"type": "integer", "format": "int64"},
        },
    }
    answer = _answer(thing)
    assert uuid.UUID(answer["key"])
    assert answer["link"].startswith("https://example.com/")
    assert "@" in answer["contact"]
    assert answer["size"].isdigit()
    assert isinstance(answer["count"], int)


def test_nullable_values_are_values_of_their_type_and_null_where_none_can_be_valid():
    # RFC 3339's time needs an offset, which this pattern refuses: only null is valid
    time_of_day = {"type": "string", "format": "time", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
    thing = {
        "type": "object",
        "properties": {
            "note": {"type": ["string", "null"]},
            "level": {"type": "integer", "nullable": True},
            "starts": {"anyOf": [time_of_day, {"type": "null"}]},
        },
    }
    answer = _answer(thing)
    assert isinstance(answer["note"], str)
    assert isinstance(answer["level"], int)
    assert answer["starts"] is None


def _nested(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for _ in range(levels):
        schema = {"type": "object", "properties": {"inner": schema}}
    return schema


@pytest.mark.parametrize(
    ("leaf", "expected"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, {}),
        ({"type": "array", "items": {"type": "string"}}, []),
        ({"anyOf": [{"type": "object", "properties": {}}, {"type": "null"}]}, None),
        ({"type": "integer", "oneOf": [{"const": 3}]}, 3),
        (
            {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "more": {"type": "object"}},
            },
            {"name": "Name 0"},
        ),
    ],
)
def test_a_value_where_the_shapes_stop_is_valid_not_a_string(leaf, expected):
    # the shapes keep three levels below the answer: the leaf's values are cut
    answer = _answer(_nested(4, leaf), max_depth=3)
    inner = answer["inner"]["inner"]["inner"]["inner"]
    if isinstance(expected, dict) and expected:
        assert set(inner) == set(expected)
    else:
        assert inner == expected
