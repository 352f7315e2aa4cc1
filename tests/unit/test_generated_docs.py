"""Docs generated from code are committed as generated: the schema and specs are the source."""

from __future__ import annotations

from brainhub.docs import generated_docs


def test_generated_docs_are_current() -> None:
    stale = [
        str(path)
        for path, text in generated_docs().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with `brainhub docs --write`: {stale}"


def test_reference_documents_every_spec_key() -> None:
    from brainhub.spec.validation import spec_schema

    page = next(text for path, text in generated_docs().items() if path.name == "connector-spec.md")
    schema = spec_schema()
    keys = set(schema["properties"]) | set(schema["$defs"]["stream_fields"]["properties"])
    missing = [key for key in keys if f"`{key}`" not in page]
    assert not missing
