"""Derive a vendor's documented read surface (our own table) from its OpenAPI document.

    python scripts/derive_surface.py clickup ../shared/apis/clickup/clickup-api-v2-reference.json

writes ``brainhub/sandbox/services/<service>/surface.json``: paths, query parameters and
response shapes (names, types, enums) of every documented GET operation. The document
itself stays outside the repository.

Jira documents its read surface in two documents (the platform API and the agile API,
each with full paths): pass both, and their operations make one table::

    python scripts/derive_surface.py jira ../shared/apis/jira/jira-platform-v3.openapi.json \
        ../shared/apis/jira/jira-software-agile.openapi.json
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from brainhub.sandbox.kit.surface import derive_surface

PREFIXES = {"clickup": "/v2", "notion": "/v1", "jira": ""}
#: How many documents each service's surface is derived from.
DOCUMENTS = {"jira": 2}


def merged_surface(documents: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """One surface table from several documents of one vendor (operations in path order);
    properties the documents mark ``writeOnly`` are requests' only, never in an answer."""
    rows = [
        row
        for document in documents
        for row in derive_surface(without_write_only(document), prefix)["operations"]
    ]
    rows.sort(key=lambda row: (row["path"], row["method"]))
    return {"prefix": prefix, "operations": rows}


def without_write_only(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` without the properties marked ``writeOnly`` (directly or on
    the schema they refer to)."""
    schemas = document.get("components", {}).get("schemas", {})

    def write_only(schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if schema.get("writeOnly"):
            return True
        if "$ref" in schema:
            return write_only(schemas.get(schema["$ref"].rsplit("/", 1)[-1], {}))
        return any(write_only(part) for part in schema.get("allOf", []))

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: clean(value) for key, value in node.items()}
        if isinstance(out.get("properties"), dict):
            kept = node["properties"]
            out["properties"] = {
                key: value for key, value in out["properties"].items() if not write_only(kept[key])
            }
        return out

    return clean(copy.deepcopy(document))


def main(argv: list[str]) -> int:
    service = argv[0] if argv else ""
    wanted = DOCUMENTS.get(service, 1)
    if service not in PREFIXES or len(argv) != 1 + wanted:
        print(
            f"usage: derive_surface.py <{'|'.join(PREFIXES)}> <openapi.json> "
            "(jira: <platform.json> <agile.json>)",
            file=sys.stderr,
        )
        return 2
    documents = []
    for source in argv[1:]:
        try:
            documents.append(json.loads(Path(source).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            print(f"{source}: cannot read an OpenAPI JSON document: {exc}", file=sys.stderr)
            return 2
    surface = (
        merged_surface(documents, PREFIXES[service])
        if wanted > 1
        else derive_surface(documents[0], PREFIXES[service])
    )
    target = Path(__file__).resolve().parents[1] / "brainhub/sandbox/services" / service
    out = target / "surface.json"
    out.write_text(json.dumps(surface, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(surface['operations'])} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
