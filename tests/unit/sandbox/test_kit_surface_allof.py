"""The kit's shapes of composed schemas (``allOf``), in Swagger 2.0 ``definitions`` and
OpenAPI 3 ``components`` alike: every branch's properties merged (and the schema's own
beside its ``allOf``), an inherited discriminator carrying the definition's own value, and
a composition of one non-object schema shaped as that schema."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.kit.surface import derive_surface


def _get(schema: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": "read", "responses": {"200": schema}}}


SWAGGER2 = {
    "swagger": "2.0",
    "definitions": {
        "object": {
            "type": "object",
            "discriminator": "type",
            "required": ["type"],
            "properties": {"type": {"type": "string"}},
        },
        "comment": {
            "allOf": [
                {"$ref": "#/definitions/object"},
                {"type": "object", "properties": {"id": {"type": "integer"}}},
            ]
        },
        "task_comment": {
            "allOf": [{"$ref": "#/definitions/comment"}],
            "properties": {"pending": {"type": "boolean"}},
        },
        "state": {"type": "string", "enum": ["OPEN", "DONE"]},
        "task": {
            "type": "object",
            "properties": {
                "state": {"allOf": [{"$ref": "#/definitions/state"}], "description": "state"},
                "comment": {"$ref": "#/definitions/task_comment"},
            },
        },
    },
    "paths": {"/task": _get({"schema": {"$ref": "#/definitions/task"}})},
}

OPENAPI3 = {
    "openapi": "3.0.0",
    "components": {
        "schemas": {
            "base": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "id": {"type": "string"}},
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"repo-tag": "#/components/schemas/tag"},
                },
            },
            "tag": {
                "allOf": [
                    {"$ref": "#/components/schemas/base"},
                    {"type": "object", "properties": {"name": {"type": "string"}}},
                ]
            },
            "branch": {"allOf": [{"$ref": "#/components/schemas/base"}]},
        }
    },
    "paths": {
        "/tag": _get(
            {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/tag"}}}}
        ),
        "/branch": _get(
            {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/branch"}}}}
        ),
    },
}


def _shapes(document: dict[str, Any]) -> dict[str, Any]:
    return {row["path"]: row["shape"] for row in derive_surface(document, "")["operations"]}


def test_swagger2_definitions_merge_every_branch_and_carry_their_discriminator_value():
    task = _shapes(SWAGGER2)["/task"]["o"]
    assert task["comment"] == {
        "o": {
            "type": {"t": "string", "e": ["task_comment"]},
            "id": {"t": "integer"},
            "pending": {"t": "boolean"},
        }
    }


def test_a_composition_of_one_scalar_schema_is_that_schema():
    task = _shapes(SWAGGER2)["/task"]["o"]
    assert task["state"] == {"t": "string", "e": ["OPEN", "DONE"]}


def test_openapi3_components_take_the_mapping_value_or_their_name():
    shapes = _shapes(OPENAPI3)
    assert shapes["/tag"] == {
        "o": {
            "kind": {"t": "string", "e": ["repo-tag"]},
            "id": {"t": "string"},
            "name": {"t": "string"},
        }
    }
    assert shapes["/branch"]["o"]["kind"] == {"t": "string", "e": ["branch"]}


RECURSIVE = {
    "swagger": "2.0",
    "definitions": {
        "comment": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "parent": {"$ref": "#/definitions/comment"},
            },
        }
    },
    "paths": {"/comment": _get({"schema": {"$ref": "#/definitions/comment"}})},
}


def _depth(shape: dict[str, Any]) -> int:
    parent = shape["o"].get("parent")
    return 1 + (_depth(parent) if parent and "o" in parent else 0)


def test_past_the_depth_limit_objects_are_left_out_when_asked_and_scalars_kept():
    (cut,) = derive_surface(RECURSIVE, "", max_depth=3, omit_deep=True)["operations"]
    shape = cut["shape"]
    assert _depth(shape) == 4
    deepest = shape["o"]["parent"]["o"]["parent"]["o"]["parent"]
    assert deepest == {"o": {"id": {"t": "integer"}}}  # its own parent left out
    # without omit_deep the value at the cut is one the schema accepts: here an empty object
    (cut_valid,) = derive_surface(RECURSIVE, "", max_depth=3)["operations"]
    assert cut_valid["shape"]["o"]["parent"]["o"]["parent"]["o"]["parent"]["o"]["parent"] == {
        "t": "object"
    }
