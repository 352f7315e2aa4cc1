"""The kit's reading of a discovery document's method: its response's JSON Schema (with
Google's formats) and the query parameters to try."""

from __future__ import annotations

from typing import Any

import pytest

from brainhub.sandbox.kit.discovery import (
    discovery_methods,
    parameter_examples,
    path_parameters,
    response_schema,
    response_validator,
)

DOCUMENT: dict[str, Any] = {
    "servicePath": "drive/v3/",
    "schemas": {
        "FileList": {
            "id": "FileList",
            "type": "object",
            "properties": {
                "files": {"type": "array", "items": {"$ref": "File"}},
                "nextPageToken": {"type": "string"},
            },
        },
        "File": {
            "id": "File",
            "type": "object",
            "properties": {
                "size": {"type": "string", "format": "int64"},
                "modifiedTime": {"type": "string", "format": "date-time"},
                "thumbnail": {"type": "string", "format": "byte"},
                "kind": {"type": "string", "enum": ["drive#file"]},
                "appProperties": {"type": "object", "additionalProperties": {"type": "string"}},
                "parent": {"$ref": "File"},
                "anything": {"type": "any"},
            },
        },
    },
    "resources": {
        "files": {
            "methods": {
                "list": {
                    "httpMethod": "GET",
                    "path": "files",
                    "parameters": {
                        "pageSize": {
                            "location": "query",
                            "type": "integer",
                            "minimum": "1",
                            "maximum": "1000",
                        },
                        "orderBy": {"location": "query", "type": "string"},
                        "corpora": {
                            "location": "query",
                            "type": "string",
                            "enum": ["user", "domain", "old"],
                            "enumDeprecated": [False, False, True],
                        },
                        "includeTrashed": {"location": "query", "type": "boolean"},
                    },
                    "response": {"$ref": "FileList"},
                },
                "get": {
                    "httpMethod": "GET",
                    "path": "files/{+fileId}",
                    "parameters": {"fileId": {"location": "path", "required": True}},
                    "response": {"$ref": "File"},
                },
            },
            "resources": {
                "blobs": {"methods": {"delete": {"httpMethod": "DELETE", "path": "files/{id}/b"}}}
            },
        }
    },
}
METHODS = dict(discovery_methods(DOCUMENT))
LISTING = METHODS["/drive/v3/files"]
GOOD = {
    "size": "1024",
    "modifiedTime": "2026-03-01T09:00:00.000Z",
    "thumbnail": "aGVsbG8_",
    "kind": "drive#file",
    "appProperties": {"a": "b"},
    "anything": [1, {"x": None}],
}


def test_methods_are_found_in_nested_resources_with_paths_from_the_root() -> None:
    assert sorted(METHODS) == [
        "/drive/v3/files",
        "/drive/v3/files/{fileId}",
        "/drive/v3/files/{id}/b",
    ]
    assert path_parameters(METHODS["/drive/v3/files/{fileId}"]) == ["fileId"]


def test_the_response_schema_resolves_references_even_recursive_ones() -> None:
    schema = response_schema(DOCUMENT, LISTING)
    assert schema["$ref"] == "#/$defs/FileList"
    assert set(schema["$defs"]) == {"FileList", "File"}
    assert schema["$defs"]["File"]["properties"]["parent"] == {"$ref": "#/$defs/File"}
    validator = response_validator(DOCUMENT, LISTING)
    nested = {**GOOD, "parent": GOOD}
    assert list(validator.iter_errors({"files": [nested], "nextPageToken": "t"})) == []
    assert list(validator.iter_errors({})) == []  # discovery marks no field required


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", "12 kB"),
        ("size", 1024),
        ("modifiedTime", "yesterday"),
        ("modifiedTime", "2026-13-01T09:00:00Z"),
        ("thumbnail", "not base64!"),
        ("kind", "drive#folder"),
        ("appProperties", {"a": 1}),
        ("parent", "1F1x"),
    ],
)
def test_a_value_outside_its_type_format_or_enum_is_refused(field: str, value: Any) -> None:
    validator = response_validator(DOCUMENT, METHODS["/drive/v3/files/{fileId}"])
    assert list(validator.iter_errors({**GOOD, field: value})) != []


def test_an_unknown_schema_reference_says_which() -> None:
    broken = {**DOCUMENT, "schemas": {"FileList": DOCUMENT["schemas"]["FileList"]}}
    with pytest.raises(KeyError, match="no schema 'File'"):
        response_schema(broken, LISTING)


def test_parameter_examples_start_empty_then_try_documented_and_simple_values() -> None:
    examples = parameter_examples(LISTING, 4)
    assert examples == [
        {},
        {"corpora": "user", "includeTrashed": "true", "pageSize": "1"},
        {"corpora": "domain", "includeTrashed": "false", "pageSize": "2"},
        {"corpora": "user", "includeTrashed": "true", "pageSize": "1000"},
    ]
    assert parameter_examples(METHODS["/drive/v3/files/{fileId}"], 3) == [{}, {}, {}]
    assert parameter_examples(LISTING, 1) == [{}]
