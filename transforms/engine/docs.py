"""Render ``docs/mapping-reference.md`` from the mapping JSON Schema and the function table.

The schema is the single source: every key's title, description, type, allowed values,
default and examples come from ``mapping.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from transforms.engine.functions import SPECS
from transforms.engine.loader import mapping_schema

REFERENCE_PATH = Path("docs") / "mapping-reference.md"

_EXAMPLE = """
version: 1
outputs:
  stg_blog.posts:
    from: raw_blog.posts
    filter: {field: status, op: ne, value: draft}
    fields:
      external_id: {from: id, apply: [to_string]}
      subject: {from: title, apply: [uppercase]}
      content: {from: body, apply: [trim]}
      author_id: {from: userId, apply: [to_int]}
      published_at: {from: published, apply: [{to_timestamp: epoch_ms}]}
    rules:
      - {rule: not_null, field: external_id}
      - {rule: unique, field: external_id}
  mart_blog.posts_per_author_per_week:
    from: stg_blog.posts
    group_by: [author_id, {field: published_at, bucket: week, as: week}]
    measures: {posts: count}
"""

_RUNNING = """
## Running mappings

After a load, as a Meltano utility or on its own:

```
transform-duckdb run [--select NAME ...] [--path DB] [--project-dir DIR] [--mappings PATH ...]
transform-duckdb validate    # check every output against the warehouse's columns and types
transform-duckdb preview NAME [--limit 10] [--format table|jsonl]
meltano run tap-clickup target-duckdb transform-duckdb:run
```

`--select` takes output names, globs (`stg_clickup.*`), `+name` (with what it reads) and
`name+` (with what reads it). The warehouse is `--path`, else `$TRANSFORM_DUCKDB_PATH`,
else `$TARGET_DUCKDB_PATH`, else `data/warehouse.duckdb` under the project. Each output is
built in its own transaction; its rejected rows land in `<output>__rejected` with `_rule`,
`_field`, `_reason` and `_record` (the source row as JSON).

In flight, as a Singer mapper between a tap and a target:

```
tap-x | mapper-duckdb --config config.json | target-y
meltano run tap-clickup clickup-staging target-duckdb
```

Settings: `mapping_files` (files, folders or inline YAML; `mappings` is accepted as an
alias outside Meltano), `batch_size` (default 50000), `unmatched_streams` (`pass` or
`drop`). An output reads stream `tasks` when its `from` is `raw_clickup.tasks` or `tasks`;
output `stg_clickup.tasks` becomes stream `stg_clickup-tasks` with a SCHEMA derived from
the mapped types, and rejected rows go to stream `stg_clickup-tasks__rejected`. Targets
following the Singer SDK's `schema-table` convention (target-duckdb does) load them into
`stg_clickup.tasks` and `stg_clickup.tasks__rejected`, away from the raw tables. Records
are mapped in micro-batches, and a STATE message is passed on only after every record
before it. In flight, `unique` holds within each micro-batch; aggregations, joins and SQL
models are post-load only. A schema loaded in flight belongs to the target that loaded it:
`transform-duckdb run` does not write into it (drop the schema, e.g. `DROP SCHEMA
stg_clickup CASCADE`, to build those outputs after load instead). Every input line is
checked before use; a malformed one (not UTF-8 or JSON, an unknown message type, a RECORD
before its SCHEMA, a `stream` that is not text…) stops the mapper with one line naming
the input line, and exit status 1.
"""

_SQL_MODELS = """
## SQL models

For what the mapping format cannot say, a `.sql` file beside the mapping files holds one
SELECT (or WITH … SELECT); `transform-duckdb` creates its table. The table is named by a
leading comment `-- output: schema.table`, or else by the file name
(`mart_clickup.overdue_tasks.sql`), and follows the same placement rules as outputs. What
it reads is found by DuckDB's parser, so it runs after the outputs it reads.

A SQL model reads only warehouse tables. It runs with DuckDB's external access switched
off (`enable_external_access = false`), so reading files (`read_csv`, `read_json`,
`read_parquet`, `FROM 'file.csv'`, `glob`), writing them (`COPY`), `ATTACH`, URLs and
installing or loading extensions are refused, by `run`, `validate` and `preview` alike. A
model that must read outside the warehouse says so among its leading comments:

```sql
-- output: stg_clickup.holidays
-- trusted: true
SELECT * FROM read_csv('reference/holidays.csv')
```

The switch cannot be turned back on while the warehouse is open, so trusted models (and the
outputs they read) run before the others; a trusted model therefore cannot read an
untrusted SQL model. Mark as trusted only models whose every line you have reviewed.
"""

_SECTIONS = [
    ("output", "Output"),
    ("field", "Field mapping"),
    ("function", "Function"),
    ("rule", "Validation rule"),
    ("filter", "Filter"),
    ("condition", "Condition"),
    ("join", "Join"),
    ("unnest", "Unnest"),
    ("group_key", "Group key"),
    ("measure", "Measure"),
]


def render_mapping_reference() -> str:
    """The Markdown reference of the mapping format."""
    schema = mapping_schema()
    defs = schema["$defs"]
    lines = [
        "# Mapping file reference",
        "",
        "<!-- Generated from transforms/engine/mapping.schema.json; do not edit by hand. -->",
        "",
        schema["description"],
        "",
        "Mapping files live under `transforms/<service>/` (`*.yaml`), next to plain SQL models",
        "(`*.sql`, one SELECT each, named by a `-- output: schema.table` header or by the file",
        "name). `transform-duckdb run` builds every output in dependency order;",
        "`transform-duckdb validate` checks them against the warehouse; `mapper-duckdb` applies",
        "the row-level parts in flight.",
        "",
        "## Example",
        "",
        "```yaml",
        *_EXAMPLE.strip().splitlines(),
        "```",
        "",
        *_RUNNING.strip().splitlines(),
        "",
        *_SQL_MODELS.strip().splitlines(),
        "",
        "## Top level",
        "",
        *_properties_table(schema["properties"], set(schema.get("required", [])), defs),
        "",
    ]
    for name, heading in _SECTIONS:
        node = defs[name]
        lines += [f"## {heading}", "", node.get("description", ""), ""]
        if "properties" in node:
            lines += [
                *_properties_table(node["properties"], set(node.get("required", [])), defs),
                "",
            ]
        lines += _examples(node)
    lines += [
        "## Functions",
        "",
        "| function | arguments | can reject a row | result |",
        "|---|---|---|---|",
    ]
    for spec in SPECS.values():
        converts = "yes" if spec.converts else ""
        lines.append(f"| `{spec.name}` | {spec.arity_text()} | {converts} | {spec.summary} |")
    lines += ["", "## Shared values", ""]
    for name in (
        "on_conversion_error",
        "on_rule_failure",
        "keep_unmapped",
        "path",
        "qualified_name",
        "alias",
    ):
        node = defs[name]
        lines += [f"### {node.get('title', name)} (`{name}`)", "", _summary(node, defs), ""]
    return "\n".join(lines).rstrip() + "\n"


def _properties_table(
    properties: dict[str, Any], required: set[str], defs: dict[str, Any]
) -> list[str]:
    rows = ["| key | required | description |", "|---|---|---|"]
    for key, node in properties.items():
        text = _summary(node, defs).replace("\n", " ").replace("|", "\\|")
        rows.append(f"| `{key}` | {'yes' if key in required else ''} | {text} |")
    return rows


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    reference = node.get("$ref", "")
    return defs[reference.split("/")[-1]] if reference.startswith("#/$defs/") else node


def _summary(node: dict[str, Any], defs: dict[str, Any]) -> str:
    node = _resolve(node, defs)
    parts = []
    if node.get("title"):
        parts.append(f"**{node['title']}.**")
    if node.get("description"):
        parts.append(node["description"])
    if "enum" in node:
        parts.append("One of: " + ", ".join(f"`{json.dumps(v)}`" for v in node["enum"]) + ".")
    if "default" in node:
        parts.append(f"Default: `{json.dumps(node['default'])}`.")
    if node.get("examples"):
        shown = ", ".join(f"`{json.dumps(e)}`" for e in node["examples"][:3])
        parts.append(f"Examples: {shown}.")
    return " ".join(parts)


def _examples(node: dict[str, Any]) -> list[str]:
    examples = node.get("examples") or []
    if not examples:
        return []
    lines = ["Examples:", ""]
    lines += [f"- `{json.dumps(example)}`" for example in examples]
    return [*lines, ""]


def write_mapping_reference(root: Path) -> Path:
    """Write the reference under ``root``; returns its path."""
    path = root / REFERENCE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_mapping_reference(), encoding="utf-8")
    return path
