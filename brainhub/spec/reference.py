"""The connector spec reference page, generated from the format's JSON Schema.

``docs/connector-spec.md`` is this module's output; a test keeps the committed page equal to
it, so the schema (which also validates specs and completes in editors) is the one source.
"""

from __future__ import annotations

import json
from typing import Any

from brainhub.spec.validation import spec_schema

HEADER = """# Connector spec reference

<!-- Generated from brainhub/spec/connector-spec.schema.json by `brainhub docs --write`. Do not edit. -->

A connector spec is one YAML file per service, `taps/<service>/spec.yaml`, that the engine
turns into a Singer tap. Editors complete and check it with the JSON Schema
(`# yaml-language-server: $schema=../../brainhub/spec/connector-spec.schema.json`).

"""


def render_reference() -> str:
    """The whole reference page as Markdown."""
    schema = spec_schema()
    defs = schema["$defs"]
    out = [HEADER, schema["description"], "\n\n## Top level\n\n"]
    out.append(_table(schema["properties"], set(schema.get("required", ()))))
    sections = [
        ("Settings", "setting"),
        ("Streams", "stream_fields"),
        ("Paginators", "paginator"),
        ("Stop rules", "stop"),
        ("Incremental sync", "incremental"),
        ("Sync tokens", "sync_token_incremental"),
        ("Delta links", "delta_link"),
        ("Record tests", "condition"),
        ("Authentication", "auth"),
        ("HTTP policy", "http"),
        ("Error rules", "error_rule"),
        ("Writes", "write_object"),
        ("Write operations", "write_operation"),
        ("Follow-up calls", "write_call"),
        ("Batches", "write_batch"),
        ("Identity", "identity"),
        ("Health check", "check"),
    ]
    for title, name in sections:
        out.append(f"\n## {title}\n\n")
        node = defs[name]
        if node.get("description"):
            out.append(node["description"] + "\n\n")
        if "oneOf" in node and "properties" not in node:
            out.append(_variants(node["oneOf"]))
        else:
            out.append(_table(node.get("properties", {}), set(node.get("required", ()))))
    return "".join(out).rstrip() + "\n"


def _variants(branches: list[dict[str, Any]]) -> str:
    out = []
    for branch in branches:
        if "enum" in branch:
            kinds = ", ".join(f"`{v}`" for v in branch["enum"])
            out.append(f"- {kinds}: a bare string for the kind with its defaults.\n")
            continue
        type_schema = branch.get("properties", {}).get("type", {})
        names = [type_schema["const"]] if "const" in type_schema else type_schema.get("enum", [])
        title = ", ".join(f"`{k}`" for k in names)
        out.append(f"\n### {title}\n\n{branch.get('description', '')}\n\n")
        props = {k: v for k, v in branch.get("properties", {}).items() if k != "type"}
        out.append(_table(props, set(branch.get("required", ())) - {"type"}))
    return "".join(out)


def _table(properties: dict[str, Any], required: set[str]) -> str:
    if not properties:
        return ""
    rows = ["| key | type | required | default | description |", "|---|---|---|---|---|"]
    for name, prop in properties.items():
        rows.append(
            f"| `{name}` | {_type(prop)} | {'yes' if name in required else ''} | "
            f"{_code(prop['default']) if 'default' in prop else ''} | {_describe(prop)} |"
        )
    return "\n".join(rows) + "\n"


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return f"[{prop['$ref'].rsplit('/', 1)[-1]}](#{_anchor(prop['$ref'])})"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "oneOf" in prop:
        return " or ".join(_type(p) for p in prop["oneOf"])
    kind = prop.get("type", "any")
    return " or ".join(kind) if isinstance(kind, list) else str(kind)


def _describe(prop: dict[str, Any]) -> str:
    text = prop.get("description", "")
    if prop.get("examples"):
        text += " Example: " + ", ".join(_code(e) for e in prop["examples"][:2])
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return f"`{text}`"


def _anchor(ref: str) -> str:
    titles = {
        "setting": "settings",
        "stream_fields": "streams",
        "paginator": "paginators",
        "stop": "stop-rules",
        "incremental": "incremental-sync",
        "sync_token_incremental": "sync-tokens",
        "delta_link": "delta-links",
        "condition": "record-tests",
        "auth": "authentication",
        "http": "http-policy",
        "error_rule": "error-rules",
        "write_object": "writes",
        "write_operation": "write-operations",
        "write_call": "follow-up-calls",
        "identity": "identity",
        "check": "health-check",
    }
    return titles.get(ref.rsplit("/", 1)[-1], "top-level")
