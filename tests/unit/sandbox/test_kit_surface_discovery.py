"""The kit derives a surface from Google API discovery documents: methods nested under
``resources``, paths under the ``servicePath`` (several APIs on one root), query
parameters by ``location``, repeated ones as arrays, responses through ``$ref`` names."""

from __future__ import annotations

from brainhub.sandbox.kit.surface import derive_discovery_surface

CALENDAR = {
    "servicePath": "calendar/v3/",
    "parameters": {"fields": {"type": "string", "location": "query"}},
    "schemas": {
        "Events": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "Event"}},
                "nextSyncToken": {"type": "string"},
            },
        },
        "Event": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["confirmed", "cancelled"]},
                "updated": {"type": "string", "format": "date-time"},
                "extendedProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    },
    "resources": {
        "events": {
            "methods": {
                "list": {
                    "id": "calendar.events.list",
                    "httpMethod": "GET",
                    "path": "calendars/{calendarId}/events",
                    "parameters": {
                        "calendarId": {"type": "string", "location": "path", "required": True},
                        "maxResults": {"type": "integer", "location": "query"},
                        "eventTypes": {"type": "string", "location": "query", "repeated": True},
                    },
                    "response": {"$ref": "Events"},
                },
                "insert": {"id": "calendar.events.insert", "httpMethod": "POST", "path": "x"},
            }
        }
    },
}
DOCS = {
    "servicePath": "",
    "schemas": {"Document": {"type": "object", "properties": {"title": {"type": "string"}}}},
    "resources": {
        "documents": {
            "methods": {
                "get": {
                    "id": "docs.documents.get",
                    "httpMethod": "GET",
                    "path": "v1/documents/{+documentId}",
                    "response": {"$ref": "Document"},
                }
            }
        }
    },
}


def test_get_methods_of_several_documents_share_one_root() -> None:
    surface = derive_discovery_surface([CALENDAR, DOCS])
    assert [(row["path"], row["operation_id"]) for row in surface["operations"]] == [
        ("/calendar/v3/calendars/{calendarId}/events", "calendar.events.list"),
        ("/v1/documents/{documentId}", "docs.documents.get"),
    ]


def test_query_parameters_and_the_response_shape_are_kept() -> None:
    events = derive_discovery_surface([CALENDAR])["operations"][0]
    assert events["query"] == [
        {"name": "eventTypes", "required": False, "type": "array", "items": "string"},
        {"name": "fields", "required": False, "type": "string"},
        {"name": "maxResults", "required": False, "type": "integer"},
    ]
    item = events["shape"]["o"]["items"]["a"]["o"]
    assert item["status"] == {"t": "string", "e": ["confirmed", "cancelled"]}
    assert item["updated"] == {"t": "string", "f": "date-time"}
    assert item["extendedProperties"] == {"o": {}}
    assert events["shape"]["o"]["nextSyncToken"] == {"t": "string"}


def test_an_object_too_deep_to_shape_is_still_an_object_and_scalars_keep_their_type() -> None:
    document = {
        "servicePath": "v1/",
        "schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "child": {"$ref": "Node"},
                    "count": {"type": "integer"},
                },
            }
        },
        "resources": {
            "nodes": {
                "methods": {
                    "get": {"httpMethod": "GET", "path": "node", "response": {"$ref": "Node"}}
                }
            }
        },
    }
    shape = derive_discovery_surface([document])["operations"][0]["shape"]
    depth = 0
    while shape["o"]:
        assert shape["o"]["count"] == {"t": "integer"}
        shape, depth = shape["o"]["child"], depth + 1
    assert shape == {"o": {}}
    assert depth > 10
