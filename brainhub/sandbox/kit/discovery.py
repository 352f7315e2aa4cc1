"""A Google API discovery document's method, read as a conformance check reads an OpenAPI
operation: the JSON Schema of its response and parameter values to try.

Discovery documents are not OpenAPI: a method names its response as ``{"$ref": "<schema
id>"}`` into the document's ``schemas``; a schema's fields carry ``type`` (``any`` for a
free value), ``format``, ``enum``, ``items``, ``properties``, ``additionalProperties`` and
``$ref`` by schema id; no field is ever required. :func:`response_schema` writes that as a
Draft 2020-12 JSON Schema (every referenced schema under ``$defs``, so recursive schemas
stay finite) and :data:`FORMATS` checks the formats as Google sends them: ``int64`` and
``uint64`` are strings of digits, ``byte`` is base64 (either alphabet), ``date-time`` is
RFC 3339.

:func:`parameter_examples` gives the query parameters to try on a method: none at all
first, then, example by example, each documented enum value and a few simple values of the
method's integer and boolean parameters (within the documented ``minimum``/``maximum``).
Free strings (``q``, ``pageToken``, ``timeMin``…) are left out: a generated one names
nothing the server holds.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

_DIGITS = re.compile(r"-?[0-9]+")
_UNSIGNED = re.compile(r"[0-9]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("int64")
def _int64(value: object) -> bool:
    return not isinstance(value, str) or _DIGITS.fullmatch(value) is not None


@FORMATS.checks("uint64")
def _uint64(value: object) -> bool:
    return not isinstance(value, str) or _UNSIGNED.fullmatch(value) is not None


@FORMATS.checks("byte", raises=(binascii.Error, ValueError))
def _byte(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _BASE64.fullmatch(value) is None:
        return False
    padded = value + "=" * (-len(value.rstrip("=")) % 4)
    base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _DATE_TIME.fullmatch(value) is None:
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def discovery_methods(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every method of ``document`` as (path from the root, method), the path written as
    :func:`~brainhub.sandbox.kit.surface.derive_discovery_surface` writes it."""
    service_path = "/" + str(document.get("servicePath", "")).strip("/")

    def walk(resources: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                path = (service_path.rstrip("/") + "/" + method["path"]).replace("{+", "{")
                yield path, method
            yield from walk(resource.get("resources", {}))

    yield from walk(document.get("resources", {}))


def response_schema(document: Mapping[str, Any], method: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of ``method``'s response body in ``document``.

    A method without a response answers an empty body; its schema accepts only ``{}``.
    """
    response = method.get("response")
    if not response:
        return {"type": "object", "maxProperties": 0}
    schemas = document.get("schemas", {})
    definitions: dict[str, Any] = {}
    pending = [response["$ref"]]
    while pending:
        name = pending.pop()
        if name in definitions:
            continue
        if name not in schemas:
            raise KeyError(f"the discovery document has no schema {name!r} (named by $ref)")
        definitions[name] = _field(schemas[name], pending)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/$defs/{response['$ref']}",
        "$defs": definitions,
    }


def response_validator(document: Mapping[str, Any], method: Mapping[str, Any]) -> Any:
    """A validator of ``method``'s response body that checks Google's formats."""
    return Draft202012Validator(response_schema(document, method), format_checker=FORMATS)


def _field(node: Mapping[str, Any], pending: list[str]) -> dict[str, Any]:
    if "$ref" in node:
        pending.append(node["$ref"])
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind = node.get("type")
    schema: dict[str, Any] = {}
    if kind in ("object", "array", "string", "boolean", "integer", "number"):
        schema["type"] = kind
    if "format" in node:
        schema["format"] = node["format"]
    if "enum" in node:
        schema["enum"] = list(node["enum"])
    if "properties" in node:
        schema["properties"] = {
            name: _field(sub, pending) for name, sub in node["properties"].items()
        }
    if isinstance(node.get("additionalProperties"), Mapping):
        schema["additionalProperties"] = _field(node["additionalProperties"], pending)
    if isinstance(node.get("items"), Mapping):
        schema["items"] = _field(node["items"], pending)
    return schema


def path_parameters(method: Mapping[str, Any]) -> list[str]:
    """The names of ``method``'s path parameters, in the order its path writes them."""
    return re.findall(r"\{\+?([^{}]+)\}", str(method.get("path", "")))


def parameter_examples(method: Mapping[str, Any], count: int) -> list[dict[str, str]]:
    """``count`` sets of query parameters to try on ``method`` (the first one empty), as
    strings on the wire; the ``n``-th set gives every parameter with documented values its
    ``n``-th one (cycling)."""
    choices = {
        name: values
        for name, parameter in sorted(method.get("parameters", {}).items())
        if parameter.get("location") == "query" and not parameter.get("required")
        for values in [_values(parameter)]
        if values
    }
    examples: list[dict[str, str]] = [{}]
    for n in range(1, count):
        examples.append({name: values[(n - 1) % len(values)] for name, values in choices.items()})
    return examples[:count]


def _values(parameter: Mapping[str, Any]) -> list[str]:
    kind = parameter.get("type")
    if "enum" in parameter:
        deprecated = parameter.get("enumDeprecated") or [False] * len(parameter["enum"])
        return [str(v) for v, old in zip(parameter["enum"], deprecated, strict=False) if not old]
    if kind == "boolean":
        return ["true", "false"]
    if kind == "integer":
        low = int(parameter.get("minimum", 1))
        high = int(parameter.get("maximum", max(low, 1) + 49))
        return [str(v) for v in dict.fromkeys((low, min(low + 1, high), high))]
    return []


#: Google's error body, which every JSON API of Google answers and no discovery document
#: describes: ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
#: "status"}}``.
ERROR_BODY: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "errors", "status"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string", "minLength": 1},
                "status": {"type": "string", "pattern": "^[A-Z_]+$"},
                "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["message", "domain", "reason"],
                        "properties": {
                            "message": {"type": "string"},
                            "domain": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}
