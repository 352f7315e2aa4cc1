"""Derive Jira's documented read surface (our own table) from Atlassian's two documents.

    python scripts/derive_surface_jira.py ../shared/apis/jira/jira-platform-v3.openapi.json \
        ../shared/apis/jira/jira-software-agile.openapi.json

Jira documents its read surface in two documents, the platform API and the agile API,
each with full paths (``/rest/api/3/...``, ``/rest/agile/1.0/...``); their GET operations
make one table, written to ``brainhub/sandbox/services/jira/surface.json`` as
``scripts/derive_surface.py`` writes the other vendors'. Properties the documents mark
``writeOnly`` belong to requests only and are left out of the shapes. The documents stay
outside the repository.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from brainhub.sandbox.kit.surface import derive_surface

#: The documents' paths carry the whole API prefix, as the emulator's routes do.
PREFIX = ""


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
    if len(argv) != 2:
        print("usage: derive_surface_jira.py <platform.json> <agile.json>", file=sys.stderr)
        return 2
    documents = []
    for source in argv:
        try:
            documents.append(json.loads(Path(source).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            print(f"{source}: cannot read an OpenAPI JSON document: {exc}", file=sys.stderr)
            return 2
    surface = merged_surface(documents, PREFIX)
    out = Path(__file__).resolve().parents[1] / "brainhub/sandbox/services/jira/surface.json"
    out.write_text(json.dumps(surface, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(surface['operations'])} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
