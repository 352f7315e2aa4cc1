"""The kit derives a surface from Swagger 2.0 documents (Slack's) as from OpenAPI 3 ones:
parameter types on the parameter, the response schema on the response, alternatives
written ``items: [a, b]`` read as the first, and (when asked) documented patterns."""

from __future__ import annotations

import re

from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.slack.shaping import PATTERN_VALUES, SlackShaper

DOCUMENT = {
    "swagger": "2.0",
    "basePath": "/api",
    "definitions": {
        "user_id": {"type": "string", "pattern": "^[UW][A-Z0-9]{2,}$"},
        "pin": {
            "items": [
                {"type": "object", "properties": {"type": {"enum": ["file"], "type": "string"}}},
                {"type": "object", "properties": {"type": {"enum": ["message"]}}},
            ]
        },
    },
    "paths": {
        "/pins.list": {
            "get": {
                "operationId": "pins_list",
                "parameters": [
                    {"in": "query", "name": "channel", "type": "string", "required": True},
                    {"in": "query", "name": "limit", "type": "integer"},
                    {"in": "header", "name": "token", "type": "string"},
                ],
                "responses": {
                    "200": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "by": {"$ref": "#/definitions/user_id"},
                                "pin": {"$ref": "#/definitions/pin"},
                                "items": {
                                    "type": "array",
                                    "items": [{"$ref": "#/definitions/pin"}],
                                },
                            },
                        }
                    }
                },
            },
            "post": {"operationId": "not_read", "responses": {}},
        }
    },
}


def test_swagger2_parameters_and_response_schemas_are_read():
    (row,) = derive_surface(DOCUMENT, "")["operations"]
    assert (row["method"], row["path"], row["operation_id"]) == ("GET", "/pins.list", "pins_list")
    assert row["query"] == [
        {"name": "channel", "required": True, "type": "string"},
        {"name": "limit", "required": False, "type": "integer"},
    ]
    shape = row["shape"]["o"]
    assert shape["by"] == {"t": "string"}
    assert shape["pin"] == {"o": {"type": {"t": "string", "e": ["file"]}}}
    assert shape["items"] == {"a": {"o": {"type": {"t": "string", "e": ["file"]}}}}


def test_patterns_are_kept_only_when_asked():
    with_patterns = derive_surface(DOCUMENT, "", patterns=True)["operations"][0]["shape"]
    assert with_patterns["o"]["by"] == {"t": "string", "p": "^[UW][A-Z0-9]{2,}$"}
    without = derive_surface(DOCUMENT, "")["operations"][0]["shape"]
    assert "p" not in without["o"]["by"]


def test_every_slack_pattern_value_matches_its_pattern():
    context = {"base_ts": 1_704_067_200}
    for pattern, make in PATTERN_VALUES.items():
        for number in (0, 7, 2**63 - 1):
            value = make(context, number)
            assert re.search(pattern, value), (pattern, value)


def test_slack_shapes_take_the_contexts_ids_and_write_seconds():
    shaper = SlackShaper(1_704_067_200, "acme-chat.slack.com")
    shape = {
        "o": {
            "user": {"t": "string", "p": "^[UW][A-Z0-9]{2,}$"},
            "channel": {"t": "string", "p": "^[CGD][A-Z0-9]{8,}$"},
            "created": {"t": "integer"},
            "ts": {"t": "string", "p": r"^\d{10}\.\d{6}$"},
        }
    }
    filled = shaper.fill(shape, {"user_id": "U0ABCDEFGH", "channel_id": "C0ABCDEFGHJ"}, "seed")
    assert filled["user"] == "U0ABCDEFGH"
    assert filled["channel"] == "C0ABCDEFGHJ"
    assert filled["created"] <= 1_704_067_200
    assert re.fullmatch(r"\d{10}\.\d{6}", filled["ts"])
    assert float(filled["ts"]) <= 1_704_067_200
