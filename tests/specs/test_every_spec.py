"""Every connector spec in the repository loads, and its parts agree with each other."""

from __future__ import annotations

import pytest

from brainhub.spec.loader import load_spec
from brainhub.spec.schemas import load_stream_schema
from taps.runtime.registry import services, spec_path

SERVICES = services()


def test_there_are_connectors() -> None:
    assert "clickup" in SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_spec_loads_and_checks(service: str) -> None:
    spec = load_spec(spec_path(service))
    assert spec.service == service
    assert spec.streams


@pytest.mark.parametrize("service", SERVICES)
def test_streams_have_schemas_with_their_keys(service: str) -> None:
    spec = load_spec(spec_path(service))
    for stream in spec.streams.values():
        schema = load_stream_schema(stream.schema_file)
        assert schema.get("type") == "object", f"{service}.{stream.name}: schema is not an object"
        properties = schema["properties"]
        for key in stream.primary_key:
            assert key in properties, f"{service}.{stream.name}: key {key!r} not in schema"
        if stream.incremental:
            assert stream.incremental.cursor in properties
        assert "$ref" not in str(schema), f"{service}.{stream.name}: unresolved $ref"


@pytest.mark.parametrize("service", SERVICES)
def test_parents_exist_and_form_no_cycle(service: str) -> None:
    spec = load_spec(spec_path(service))
    for stream in spec.streams.values():
        ancestors: set[str] = set()
        frontier = list(stream.parent_names)
        while frontier:
            parent = frontier.pop()
            assert parent in spec.streams, f"{service}.{stream.name}: unknown parent {parent}"
            assert parent != stream.name, f"{service}.{stream.name}: is its own ancestor"
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.extend(spec.streams[parent].parent_names)


@pytest.mark.parametrize("service", SERVICES)
def test_secrets_are_marked(service: str) -> None:
    spec = load_spec(spec_path(service))
    credential_words = ("token", "secret", "password", "key")
    for name, setting in spec.settings.items():
        if any(word in name for word in credential_words) and not name.endswith("_ids"):
            assert setting.secret, f"{service}: setting {name!r} looks like a credential"
