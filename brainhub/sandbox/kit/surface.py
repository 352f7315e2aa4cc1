"""A vendor's documented read surface, derived from its OpenAPI document into our own table.

Vendor documents are reference material we may not redistribute, so the emulator never
reads them. ``scripts/derive_surface.py`` runs :func:`derive_surface` over a document and
writes ``surface.json`` beside the vendor's emulator: for each documented GET operation its
path template, query parameters (name, type, whether required, documented enum values)
and the shape of its 200 response (see :mod:`.shapes`) — names, types and enums are facts
about the API; descriptions and examples are left behind.

:func:`normalised` compares paths whatever their parameters are called (ClickUp spells
one ``{team_Id}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_PARAMETER = re.compile(r"\{[^{}/]+\}")
_MAX_DEPTH = 14


@dataclass(frozen=True)
class DocumentedOperation:
    """One documented operation of the derived surface."""

    method: str
    path: str
    operation_id: str
    query: tuple[Mapping[str, Any], ...]
    shape: Mapping[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def normalised(path: str) -> str:
    """``path`` with every ``{parameter}`` written ``{}``."""
    return _PARAMETER.sub("{}", path)


_ODATA_FUNCTION = re.compile(r"/microsoft\.graph\.(\w+)(?:\(\)|(?=\())")


def unwrap_odata_functions(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with OData function segments in their wire form: documents generated
    from Microsoft Graph's CSDL write ``/users/microsoft.graph.delta()`` for ``/users/delta``
    (and ``…/microsoft.graph.delta(token='{token}')`` for ``…/delta(token='{token}')``)."""
    paths = {_ODATA_FUNCTION.sub(r"/\1", path): item for path, item in document["paths"].items()}
    return {**document, "paths": paths}


def load_surface(path: Path) -> dict[str, DocumentedOperation]:
    """The derived surface in ``path``, by normalised operation key."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    operations = {}
    for row in rows["operations"]:
        operation = DocumentedOperation(
            method=row["method"],
            path=row["path"],
            operation_id=row["operation_id"],
            query=tuple(row["query"]),
            shape=row["shape"],
        )
        operations[f"{operation.method} {normalised(operation.path)}"] = operation
    return operations


def derive_surface(
    document: Mapping[str, Any],
    prefix: str,
    methods: tuple[str, ...] = ("get",),
    patterns: bool = False,
    max_depth: int = _MAX_DEPTH,
    omit_deep: bool = False,
):
    """Our table of ``document``'s operations with ``methods`` under ``prefix``.

    OpenAPI 3 and Swagger 2.0 documents alike (Swagger 2 puts a parameter's type on the
    parameter and a response's schema on the response). With ``patterns`` a string's
    documented ``pattern`` is kept as ``p`` (vendors whose ids have documented shapes).
    A schema that lists its values (``enum``, ``const``, ``oneOf``/``anyOf`` of constants)
    keeps them as ``e``. Shapes nest at most ``max_depth`` schemas deep; a value there is
    cut to one the schema still accepts: ``null`` where it may be null, an empty array, an
    object with only its required fields, an empty object; or with ``omit_deep`` deeper
    objects and arrays are left out (their scalars kept), so a shape of recursive
    definitions (a comment's ``parent`` comment) stays valid to the end."""
    rows = []
    for raw_path, item in document.get("paths", {}).items():
        if not raw_path.startswith(prefix):
            continue
        path = raw_path[len(prefix) :] or "/"
        shared = item.get("parameters", [])
        for method in methods:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            query = [
                _parameter(document, parameter)
                for parameter in [*shared, *operation.get("parameters", [])]
            ]
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "operation_id": operation.get("operationId", ""),
                    "query": [q for q in query if q is not None],
                    "shape": _shape(
                        document,
                        _ok_schema(document, operation),
                        _MAX_DEPTH - max_depth,
                        patterns,
                        omit_deep,
                    )
                    or {"t": "string"},
                }
            )
    rows.sort(key=lambda row: (row["path"], row["method"]))
    return {"prefix": prefix, "operations": rows}


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 20:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            target = target[int(key)] if isinstance(target, list) else target[key]
        node = target
        seen += 1
    return node


def _parameter(document: Mapping[str, Any], raw: Any) -> dict[str, Any] | None:
    parameter = _resolve(document, raw)
    if not isinstance(parameter, Mapping) or parameter.get("in") != "query":
        return None
    # Swagger 2.0 parameters carry their type themselves; OpenAPI 3 ones in ``schema``
    schema = _resolve(document, parameter.get("schema", parameter))
    row: dict[str, Any] = {
        "name": parameter["name"],
        "required": bool(parameter.get("required")),
        "type": _first_type(schema) or "string",
    }
    if isinstance(schema, Mapping) and schema.get("type") == "array":
        row["items"] = _first_type(_resolve(document, schema.get("items", {}))) or "string"
    if isinstance(schema, Mapping) and "enum" in schema:
        row["enum"] = list(schema["enum"])
    return row


def _ok_schema(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Any:
    responses = operation.get("responses", {})
    # Graph writes "2XX" and names shared responses by reference
    response = _resolve(document, responses.get("200") or responses.get("2XX") or {})
    if "schema" in response:  # Swagger 2.0
        return response["schema"]
    content = response.get("content", {})
    for media in ("application/json", *content):
        if media in content:
            return content[media].get("schema", {})
    return {}


def _first_type(schema: Any) -> str | None:
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else "null"
    return kind if isinstance(kind, str) else None


def _definition_name(raw: Any) -> str | None:
    """The name ``raw`` refers to when it is ``{"$ref": "#/definitions/<name>"}`` (Swagger
    2.0) or ``{"$ref": "#/components/schemas/<name>"}`` (OpenAPI 3)."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("$ref"), str):
        return None
    for prefix in ("#/definitions/", "#/components/schemas/"):
        if raw["$ref"].startswith(prefix):
            return unquote(raw["$ref"][len(prefix) :]).replace("~1", "/").replace("~0", "~")
    return None


def _discriminators(document: Mapping[str, Any], schema: Any, seen: int = 0) -> dict[str, Any]:
    """The discriminators ``schema``'s ``allOf`` inherits, by property name, with the OpenAPI
    3 ``mapping`` (value → reference) when there is one (Swagger 2.0 names a bare property)."""
    found: dict[str, Any] = {}
    if not isinstance(schema, Mapping) or seen > _MAX_DEPTH:
        return found
    for raw in schema.get("allOf", []):
        branch = _resolve(document, raw)
        if not isinstance(branch, Mapping):
            continue
        found.update(_discriminators(document, branch, seen + 1))
        discriminator = branch.get("discriminator")
        if isinstance(discriminator, str):
            found[discriminator] = {}
        elif isinstance(discriminator, Mapping) and discriminator.get("propertyName"):
            found[discriminator["propertyName"]] = dict(discriminator.get("mapping", {}))
    return found


def _discriminator_value(name: str, mapping: Mapping[str, Any]) -> str:
    """The value a definition called ``name`` carries in its base's discriminator: the
    mapping's key that refers to it, else (both specifications' default) its name."""
    for value, target in mapping.items():
        if _definition_name({"$ref": target}) == name or target == name:
            return str(value)
    return name


def _all_of(
    document: Mapping[str, Any],
    schema: Mapping[str, Any],
    name: str | None,
    depth: int,
    patterns: bool,
    omit_deep: bool,
) -> dict[str, Any] | None:
    """One shape of a composed schema: every branch's properties (and the schema's own)
    merged in order; a definition inheriting a discriminator carries its own value in it.
    A composition of one non-object schema (a reference given a description) is that
    schema's shape."""
    found = [_shape(document, branch, depth + 1, patterns, omit_deep) for branch in schema["allOf"]]
    if "properties" in schema:
        own = {key: value for key, value in schema.items() if key != "allOf"}
        found.append(_shape(document, own, depth + 1, patterns, omit_deep))
    parts = [part for part in found if part is not None]
    objects = [part["o"] for part in parts if "o" in part]
    if not objects and (omit_deep or depth + 1 <= _MAX_DEPTH):
        return parts[0] if parts else None
    merged: dict[str, Any] = {}
    for fields in objects:
        merged.update(fields)
    if name is not None:
        for field, mapping in _discriminators(document, schema).items():
            if merged.get(field, {}).get("t", "string") == "string":
                merged[field] = {"t": "string", "e": [_discriminator_value(name, mapping)]}
    return {"o": merged}


def _composite(schema: Mapping[str, Any]) -> bool:
    kinds = ("oneOf", "anyOf", "allOf", "properties", "items")
    return _first_type(schema) in ("object", "array") or any(k in schema for k in kinds)


def _shape(
    document: Mapping[str, Any],
    raw: Any,
    depth: int,
    patterns: bool = False,
    omit_deep: bool = False,
) -> dict[str, Any] | None:
    name = _definition_name(raw)
    schema = _resolve(document, raw)
    if not isinstance(schema, Mapping):
        return {"t": "string"}
    if depth > _MAX_DEPTH and (not omit_deep or _composite(schema)):
        return None if omit_deep else _cut(document, schema)
    constants = _constants(document, schema)
    if constants:
        return _scalar_shape(document, schema, constants, patterns)
    for combinator in ("oneOf", "anyOf", "items"):
        # some documents (Slack's) write alternatives as ``items: [a, b]`` on a schema
        # that is no array; they are read as ``anyOf``
        if isinstance(schema.get(combinator), list) and schema.get("type") != "array":
            branches = [_resolve(document, b) for b in schema[combinator]]
            usable = [b for b in branches if b and _first_type(b) != "null"]
            chosen = _shape(document, usable[0] if usable else {}, depth + 1, patterns, omit_deep)
            if chosen is not None and "p" in chosen and _nullable(document, schema):
                chosen["n"] = True  # null, should no value meet the pattern and format
            return chosen
    if isinstance(schema.get("allOf"), list):
        return _all_of(document, schema, name, depth, patterns, omit_deep)
    kind = _first_type(schema)
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties", {})
        fields = {
            key: _shape(document, sub, depth + 1, patterns, omit_deep)
            for key, sub in properties.items()
        }
        return {"o": {key: shape for key, shape in fields.items() if shape is not None}}
    if kind == "array":
        if depth + 1 > _MAX_DEPTH:  # an item cut would be an empty object, maybe invalid
            return {"t": "array"}
        items = schema.get("items", {})
        if isinstance(items, list):  # Slack's "an array of any of these"
            items = {"anyOf": items}
        item = _shape(document, items, depth + 1, patterns, omit_deep)
        if item is None:
            return None
        # an item cut to an empty object may lack its required fields: no item at all
        return {"t": "array"} if item == {"t": "object"} else {"a": item}
    return _scalar_shape(document, schema, [], patterns)


def _scalar_shape(
    document: Mapping[str, Any], schema: Mapping[str, Any], constants: list[Any], patterns: bool
) -> dict[str, Any]:
    kind = _first_type(schema) or (_json_type(constants[0]) if constants else None)
    shape: dict[str, Any] = {"t": kind or "string"}
    if "format" in schema:
        shape["f"] = schema["format"]
    if constants:
        shape["e"] = constants
    if patterns and "pattern" in schema:
        shape["p"] = schema["pattern"]
        if _nullable(document, schema):
            shape["n"] = True
    return shape


def _constants(document: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Any]:
    """The values ``schema`` allows when it lists them: ``enum``, ``const``, or ``oneOf`` /
    ``anyOf`` branches that each list theirs (Discord's integer enums); else ``[]``."""
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    for combinator in ("oneOf", "anyOf"):
        branches = schema.get(combinator)
        if not isinstance(branches, list) or not branches:
            continue
        values: list[Any] = []
        for branch in (_resolve(document, b) for b in branches):
            if not isinstance(branch, Mapping):
                return []
            if _first_type(branch) == "null":
                continue
            listed = _constants(document, branch)
            if not listed:
                return []
            values.extend(listed)
        return values
    return []


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _nullable(document: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if schema.get("nullable") is True or kind == "null":
        return True
    if isinstance(kind, list) and "null" in kind:
        return True
    for combinator in ("oneOf", "anyOf"):
        for branch in schema.get(combinator) or []:
            resolved = _resolve(document, branch)
            if isinstance(resolved, Mapping) and _first_type(resolved) == "null":
                return True
            if isinstance(resolved, Mapping) and resolved.get("nullable") is True:
                return True
    return False


def _cut(document: Mapping[str, Any], schema: Mapping[str, Any], budget: int = 3) -> dict[str, Any]:
    """The shape of a value where the shapes stop: ``null`` where the schema allows it, an
    empty array where it is one, an object with only its required fields (themselves cut;
    none after ``budget`` levels) where it is one, its own scalar shape otherwise."""
    if _nullable(document, schema):
        return {"t": "null"}
    kind = _first_type(schema)
    if kind == "array":
        return {"t": "array"}
    if kind is None:
        for combinator in ("oneOf", "anyOf"):
            branches = [_resolve(document, b) for b in schema.get(combinator) or []]
            usable = [b for b in branches if isinstance(b, Mapping) and b]
            if usable:
                return _cut(document, usable[0], budget)
    required = schema.get("required")
    if isinstance(required, list) and required and budget > 0:
        properties = schema.get("properties", {})
        return {
            "o": {
                name: _cut(document, _resolve(document, properties.get(name, {})), budget - 1)
                for name in required
            }
        }
    if kind == "object" or kind is None:
        return {"t": "object"}
    return _scalar_shape(document, schema, _constants(document, schema), False)


def derive_discovery_surface(documents: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Our table of the GET methods of Google API discovery documents, served on one root.

    A discovery document names each method under nested ``resources`` with its
    ``httpMethod``, ``path`` (relative to the ``servicePath``), ``parameters`` (``location``
    ``query`` or ``path``) and ``response`` (``{"$ref": "<schema name>"}`` into
    ``schemas``). Paths are written from the root (``/calendar/v3/calendars/{calendarId}``),
    so the four APIs of a workspace share one emulator and one table; a reserved expansion
    ``{+name}`` is written ``{name}``.
    """
    rows = []
    for document in documents:
        service_path = "/" + str(document.get("servicePath", "")).strip("/")
        schemas = document.get("schemas", {})
        shared = document.get("parameters", {})
        for method in _discovery_methods(document.get("resources", {})):
            if method.get("httpMethod") != "GET":
                continue
            path = (service_path.rstrip("/") + "/" + method["path"]).replace("{+", "{")
            parameters = {**shared, **method.get("parameters", {})}
            query = [
                _discovery_parameter(name, parameter)
                for name, parameter in parameters.items()
                if parameter.get("location") == "query"
            ]
            response = method.get("response")
            shape = _discovery_shape(schemas, response, 0) if response else {"t": "string"}
            rows.append(
                {
                    "method": "GET",
                    "path": path,
                    "operation_id": method.get("id", ""),
                    "query": sorted(query, key=lambda q: q["name"]),
                    "shape": shape,
                }
            )
    rows.sort(key=lambda row: (row["path"], row["method"]))
    return {"prefix": "", "operations": rows}


def _discovery_methods(resources: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for resource in resources.values():
        found.extend(resource.get("methods", {}).values())
        found.extend(_discovery_methods(resource.get("resources", {})))
    return found


def _discovery_parameter(name: str, parameter: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(parameter.get("type", "string"))
    row: dict[str, Any] = {
        "name": name,
        "required": bool(parameter.get("required")),
        "type": "array" if parameter.get("repeated") else kind,
    }
    if parameter.get("repeated"):
        row["items"] = kind
    if "enum" in parameter:
        row["enum"] = list(parameter["enum"])
    return row


def _discovery_shape(schemas: Mapping[str, Any], raw: Any, depth: int) -> dict[str, Any]:
    schema = raw
    if isinstance(schema, Mapping) and "$ref" in schema:
        schema = schemas.get(schema["$ref"], {})
    if not isinstance(schema, Mapping):
        return {"t": "string"}
    kind = schema.get("type")
    if kind == "object" or (kind is None and "properties" in schema):
        if depth > _MAX_DEPTH:
            return {"o": {}}  # too deep to shape its fields, still an object
        if "properties" not in schema and "additionalProperties" in schema:
            return {"o": {}}  # a map with free keys: nothing documented to shape
        return {
            "o": {
                name: _discovery_shape(schemas, sub, depth + 1)
                for name, sub in schema.get("properties", {}).items()
            }
        }
    if kind == "array":
        return {"a": _discovery_shape(schemas, schema.get("items", {}), depth + 1)}
    shape: dict[str, Any] = {"t": kind if kind in ("integer", "number", "boolean") else "string"}
    if "format" in schema and shape["t"] == "string":
        shape["f"] = schema["format"]
    if "enum" in schema:
        shape["e"] = list(schema["enum"])
    return shape
