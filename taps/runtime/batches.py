"""Parquet BATCH files whose columns always have one type, whatever the API sends.

The Singer SDK's Parquet batcher lets Arrow infer each column from the values; a field whose
schema allows several types (ClickUp's ``custom_fields[].value``: text, a number, a list of
ids, an object) then fails the whole sync ("Could not convert '10' with type str"). Here
every value is first shaped by the stream's JSON Schema: a part whose schema does not fix
one type (``{}``, ``["string", "number"]``, a free-form object, ``anyOf``) is written as
JSON text, typed parts keep their structure. A top-level column Arrow still cannot read as
one type (the API broke its own schema) is written as JSON text too, in that file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from uuid import uuid4

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq
from singer_sdk.batch import BaseBatcher, lazy_chunked_generator
from singer_sdk.helpers._batch import BatchConfig

_encode = msgspec.json.Encoder(enc_hook=str, decimal_format="number").encode
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)
_SCALARS: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def json_text(value: Any) -> str | None:
    """A value as compact JSON text (None stays None)."""
    return None if value is None else _encode(value).decode()


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    return [k for k in kinds if k != "null"]


def _single_type(schema: dict[str, Any]) -> str | None:
    """The one non-null type a schema fixes, or None when it allows several or any."""
    if any(key in schema for key in ("anyOf", "oneOf", "allOf")):
        return None
    kinds = _types(schema)
    return kinds[0] if len(kinds) == 1 else None


def shape(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` with every part whose schema does not fix one type turned into JSON text."""
    if value is None:
        return None
    kind = _single_type(schema)
    if kind == "object" and isinstance(value, dict) and schema.get("properties"):
        properties = schema["properties"]
        return {
            key: shape(item, properties[key]) if key in properties else json_text(item)
            for key, item in value.items()
        }
    if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [shape(item, schema["items"]) for item in value]
    if kind in _SCALARS and isinstance(value, _SCALARS[kind]):
        if kind != "boolean" and isinstance(value, bool):
            return json_text(value)
        return value
    return json_text(value)


def shape_record(record: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A record shaped by its stream's schema (see :func:`shape`), still a mapping."""
    return shape(record, {**schema, "type": "object", "properties": schema.get("properties", {})})


def arrow_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A table of ``rows``; a column Arrow cannot read as one type is written as JSON text."""
    try:
        return pa.Table.from_pylist(rows)
    except _ARROW_ERRORS:
        pass
    names = list(dict.fromkeys(key for row in rows for key in row))
    columns = []
    for name in names:
        values = [row.get(name) for row in rows]
        try:
            columns.append(pa.array(values))
        except _ARROW_ERRORS:
            columns.append(pa.array([json_text(v) for v in values], type=pa.string()))
    return pa.Table.from_arrays(columns, names=names)


class SchemaParquetBatcher(BaseBatcher):
    """Writes a stream's records to Parquet files shaped by its JSON Schema."""

    def __init__(
        self, tap_name: str, stream_name: str, batch_config: BatchConfig, schema: dict[str, Any]
    ) -> None:
        super().__init__(tap_name=tap_name, stream_name=stream_name, batch_config=batch_config)
        self.schema = schema

    def get_batches(self, records: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
        """Yield one manifest (a list with one file URL) per chunk of records."""
        config = self.batch_config
        storage = config.storage
        sync_id = f"{self.tap_name}--{self.stream_name}-{uuid4()}"
        gzip = config.encoding.compression == "gzip"
        shaped = (shape_record(record, self.schema) for record in records)
        for number, chunk in enumerate(lazy_chunked_generator(shaped, config.batch_size), 1):
            filename = f"{storage.prefix or ''}{sync_id}={number}.parquet" + (".gz" if gzip else "")
            table = arrow_table(list(chunk))
            with storage.open(filename, "wb") as handle:
                pq.write_table(table, handle, compression="gzip" if gzip else "snappy")
            yield [storage.get_url(filename)]
