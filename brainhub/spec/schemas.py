"""Stream JSON Schemas: read from files, with ``$ref`` to shared fragments inlined.

A stream schema may say ``{"$ref": "shared.json#/$defs/user"}``; Singer SCHEMA messages must
stand alone, so references to other files (and to the file's own ``$defs``) are inlined.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from brainhub.errors import SpecError

#: Deepest nesting of objects and lists accepted in a schema file.
MAX_SCHEMA_DEPTH = 200


def load_stream_schema(path: Path) -> dict[str, Any]:
    """The schema at ``path`` with every ``$ref`` inlined."""
    document = _read(path)
    return _inline(document, path, document, ())


def schema_fields(schema: dict[str, Any]) -> set[str]:
    """Top-level property names of a record schema."""
    return set(schema.get("properties", {}))


@cache
def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"cannot read schema: {exc.strerror}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"invalid JSON at line {exc.lineno}: {exc.msg}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"not UTF-8 text (byte at offset {exc.start}); save the schema as UTF-8", file=str(path)
        ) from None
    except RecursionError:
        raise SpecError(f"nested deeper than {MAX_SCHEMA_DEPTH} levels", file=str(path)) from None


def _inline(node: Any, path: Path, document: Any, stack: tuple[str, ...], depth: int = 0) -> Any:
    if depth > MAX_SCHEMA_DEPTH:
        raise SpecError(f"nested deeper than {MAX_SCHEMA_DEPTH} levels", file=str(path))
    deeper = depth + 1
    if isinstance(node, list):
        return [_inline(item, path, document, stack, deeper) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target_path, target_doc, target = _resolve(node["$ref"], path, document)
        key = f"{target_path}#{node['$ref'].partition('#')[2]}"
        if key in stack:
            raise SpecError(f"$ref cycle: {' -> '.join((*stack, key))}", file=str(path))
        resolved = _inline(target, target_path, target_doc, (*stack, key), deeper)
        extra = {k: v for k, v in node.items() if k != "$ref"}
        return {**resolved, **_inline(extra, path, document, stack, deeper)}
    return {
        key: _inline(value, path, document, stack, deeper)
        for key, value in node.items()
        if key != "$defs"
    }


def _resolve(ref: str, path: Path, document: Any) -> tuple[Path, Any, Any]:
    file_part, _, pointer = ref.partition("#")
    target_path = (path.parent / file_part) if file_part else path
    target_doc = _read(target_path) if file_part else document
    node = target_doc
    for token in filter(None, pointer.split("/")):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            raise SpecError(f"$ref {ref!r} points at nothing", file=str(path))
        node = node[token]
    return target_path, target_doc, node
