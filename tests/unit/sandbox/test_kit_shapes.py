"""Answers shaped from documented shapes: every field, consistent values, real ids."""

from __future__ import annotations

import base64
import copy

from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import derive_surface

DOCUMENT = {
    "openapi": "3.1.0",
    "paths": {
        "/v2/team/{team_id}/view": {
            "get": {
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Views"},
                                "example": {"views": [{"id": "secret example"}]},
                            }
                        }
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Views": {
                "type": "object",
                "properties": {
                    "views": {"type": "array", "items": {"$ref": "#/components/schemas/View"}}
                },
            },
            "View": {
                "type": "object",
                "description": "prose that stays behind",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "type": {"type": "string", "enum": ["list", "board"]},
                    "team_id": {"type": "string"},
                    "date_created": {"type": ["string", "null"]},
                    "creator": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/User"}]},
                    "protected": {"type": "boolean"},
                },
            },
            "User": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "username": {"type": "string"}},
            },
        }
    },
}


def _shape():
    surface = derive_surface(DOCUMENT, "/v2")
    (operation,) = surface["operations"]
    return operation


def test_the_derived_surface_keeps_names_types_and_enums_only():
    operation = _shape()
    assert operation["path"] == "/team/{team_id}/view"
    assert operation["query"] == [{"name": "page", "required": False, "type": "integer"}]
    view = operation["shape"]["o"]["views"]["a"]["o"]
    assert view["type"] == {"t": "string", "e": ["list", "board"]}
    assert view["creator"] == {"o": {"id": {"t": "integer"}, "username": {"t": "string"}}}
    text = repr(operation)
    assert "secret example" not in text
    assert "prose" not in text


def test_every_documented_field_is_filled_with_context_ids_and_the_same_values_each_time():
    shape = _shape()["shape"]
    context = {"team_id": "9015", "user": {"id": 7, "username": "Ada"}}
    shaper = Shaper(base_ms=1_700_000_000_000, host="example.com")
    first = shaper.fill(shape, context, "GET /team/{team_id}/view|team_id=9015")
    (view,) = first["views"]
    assert set(view) == {"id", "name", "type", "team_id", "date_created", "creator", "protected"}
    assert view["team_id"] == "9015"
    assert view["creator"] == {"id": 7, "username": "Ada"}
    assert view["type"] == "list"
    assert view["date_created"].isdigit()
    assert int(view["date_created"]) <= 1_700_000_000_000
    assert isinstance(view["protected"], bool)
    assert shaper.fill(shape, context, "GET /team/{team_id}/view|team_id=9015") == first


def test_an_id_inside_an_object_takes_the_path_id_of_that_object():
    shape = {"o": {"view": {"o": {"id": {"t": "string"}, "parent_id": {"t": "string"}}}}}
    body = Shaper(0, "h").fill(shape, {"view_id": "3c-9"}, "s")
    assert body["view"]["id"] == "3c-9"
    assert body["view"]["parent_id"] != "3c-9"


def test_completing_a_hand_modelled_answer_adds_missing_fields_and_changes_nothing_shared():
    shape = {
        "o": {
            "items": {"a": {"o": {"id": {"t": "string"}, "color": {"t": "string"}}}},
            "total": {"t": "integer"},
        }
    }
    shared_item = {"id": "a1"}
    body = {"items": [shared_item]}
    before = copy.deepcopy(body)
    completed = Shaper(0, "h").complete(shape, body, {}, "s")
    assert completed == {"items": [{"id": "a1", "color": "#7b68ee"}], "total": completed["total"]}
    assert isinstance(completed["total"], int)
    assert body == before
    assert shared_item == {"id": "a1"}


def test_dates_and_uuids_are_filled_in_their_documented_formats():
    import uuid

    shape = {"o": {"startDate": {"t": "string", "f": "date"}, "key": {"t": "string", "f": "uuid"}}}
    filled = Shaper(1_772_323_200_000, "example.com").fill(shape, {}, "op")
    assert filled["startDate"] == "2026-03-01"
    assert uuid.UUID(filled["key"]).version == 4


def test_strings_of_integer_and_byte_formats_are_digits_and_base64() -> None:
    shape = {"o": {"size": {"t": "string", "f": "int64"}, "image": {"t": "string", "f": "byte"}}}
    filled = Shaper(0, "example.com").fill(shape, {}, "seed")
    assert filled["size"].isdigit()
    assert base64.urlsafe_b64decode(filled["image"]).decode().startswith("image ")
