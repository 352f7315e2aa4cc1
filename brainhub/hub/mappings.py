"""Data mappings of the Python API, written in the transform stage's mapping language.

A sync with mappings runs ``mapper-duckdb`` between the tap and ``target-duckdb``: each
stream of the sync that has a mapping's source field becomes the output
``<integration>.<stream>``, every column kept (``keep_unmapped``) and each mapping's target
field added (``external_id: {from: id, apply: [to_string]}``). Streams without one load
into ``raw_<service>`` unchanged. The file is checked by the mapping language's own loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from brainhub.errors import ConfigError
from brainhub.hub.config import DataMapping
from brainhub.spec.model import ConnectorSpec
from brainhub.spec.schemas import load_stream_schema, schema_fields
from transforms.engine.functions import SPECS as FUNCTIONS
from transforms.engine.loader import load_mapping_text


def check_transform(transform: str | None) -> None:
    """Refuse a transform the mapping language has no function for, listing the valid ones."""
    if transform is None or transform in FUNCTIONS:
        return
    raise ConfigError(
        f"unknown transform {transform!r}; valid transforms: {', '.join(sorted(FUNCTIONS))}"
    )


def mapping_document(
    integration: str,
    spec: ConnectorSpec,
    streams: Iterable[str],
    mappings: Sequence[DataMapping],
) -> dict[str, Any]:
    """The mapping file's content: one output per stream that a mapping applies to."""
    outputs: dict[str, Any] = {}
    for stream in streams:
        fields = schema_fields(load_stream_schema(spec.streams[stream].schema_file))
        mine = [m for m in mappings if m.stream in (None, stream) and m.source in fields]
        if not mine:
            continue
        mapped: dict[str, Any] = {}
        for mapping in mine:  # the source column stays (a field it feeds is not copied)
            mapped.setdefault(mapping.source, mapping.source)
        for mapping in mine:
            apply = [mapping.transform] if mapping.transform else []
            mapped[mapping.target] = {"from": mapping.source, "apply": apply}
        outputs[f"{integration}.{stream}"] = {
            "description": f"{stream} of {spec.name} with the mappings of {integration}",
            "from": f"raw_{spec.name}.{stream}",
            "keep_unmapped": True,
            "fields": mapped,
        }
    unused = [m for m in mappings if not any(m.source in _fields(spec, s) for s in streams)]
    if unused:
        raise ConfigError(
            f"integration {integration!r}: no stream of the sync ({', '.join(streams)}) has "
            f"the field {unused[0].source!r}"
        )
    return {"version": 1, "in_flight": True, "outputs": outputs}


def _fields(spec: ConnectorSpec, stream: str) -> set[str]:
    return set(schema_fields(load_stream_schema(spec.streams[stream].schema_file)))


def write_mapping_file(path: Path, document: dict[str, Any]) -> Path:
    """Write the mapping file (no secrets: names of fields and functions only), checked."""
    text = (
        "# Written by the Python API (brainhub.hub); rewritten at every sync.\n"
        + yaml.safe_dump(document, sort_keys=False)
    )
    load_mapping_text(text, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
