"""docs/mapping-reference.md is generated from the mapping JSON Schema and stays current."""

from __future__ import annotations

from pathlib import Path

from transforms.engine import load_mapping_text, mapping_schema
from transforms.engine.docs import REFERENCE_PATH, render_mapping_reference
from transforms.engine.functions import SPECS

REPO = Path(__file__).resolve().parents[3]


def test_committed_reference_matches_the_schema() -> None:
    committed = (REPO / REFERENCE_PATH).read_text(encoding="utf-8")
    assert committed == render_mapping_reference(), (
        "regenerate with: python -c 'from pathlib import Path; "
        'from transforms.engine.docs import write_mapping_reference; write_mapping_reference(Path("."))\''
    )


def test_every_key_and_function_is_documented() -> None:
    page = render_mapping_reference()
    schema = mapping_schema()
    keys = set(schema["properties"])
    for definition in schema["$defs"].values():
        keys |= set(definition.get("properties", {}))
    missing = sorted(key for key in keys if f"`{key}`" not in page)
    assert not missing
    assert all(f"| `{name}` |" in page for name in SPECS)


def test_every_schema_node_has_title_or_description_and_examples() -> None:
    schema = mapping_schema()
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), name
        assert (
            definition.get("examples") or "$ref" in definition or "properties" not in definition
        ), name
        for key, node in definition.get("properties", {}).items():
            assert "$ref" in node or (node.get("description") and node.get("examples")), (
                f"{name}.{key}"
            )


def test_the_documented_example_loads() -> None:
    page = render_mapping_reference()
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    outputs = load_mapping_text(example, "example.yaml")
    assert [o.name for o in outputs] == ["stg_blog.posts", "mart_blog.posts_per_author_per_week"]
