"""Property: for any schema and records, target-duckdb loads exactly the records given (read
back equal, types included) or exits 1 with one line naming the first bad input line.

Names are drawn to hurt: unicode, quotes, backslashes, control characters, dots, hyphens,
the empty string, names differing only in case, ``_sdc_``-prefixed and internal
(``__bh_line``) names. Values are valid for their schema, or occasionally of another type.
Each stream is sent once per run (a stream whose types change between SCHEMA messages is
schema evolution, tested on its own).
"""

from __future__ import annotations

import decimal
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainhub.sql import quote_identifier
from targets.duckdb.layout import METADATA_COLUMNS
from targets.duckdb.streams import split_stream_name
from targets.duckdb.target import TargetDuckDB
from targets.duckdb.types import JSON, from_json_schema

SCHEMA_NAME = "raw_prop"

ODD = ['"', "\\", "\n", "\t", "\x00", ".", "-", " ", "é", "名", "💥", "A", "a", "_", "~", "/"]
names = st.one_of(
    st.sampled_from(["", "id2", "ID2", "a.b", "a_b", "A_B", "__bh_line", "_sdc_custom", "1st"]),
    st.text(alphabet=st.sampled_from(ODD), max_size=4),
    st.text(max_size=6),
).filter(lambda n: n not in METADATA_COLUMNS and n != "id")

SCALARS = {
    "integer": st.integers(-(2**63), 2**63 - 1),
    "number": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "decimal": st.integers(-(10**12), 10**12).map(lambda n: n / 100),
    "string": st.text(),
    "boolean": st.booleans(),
}


def _schema_for(kind: str) -> dict[str, Any]:
    if kind == "decimal":
        return {"type": ["number", "null"], "multipleOf": 0.01}
    return {"type": [kind, "null"]}


@st.composite
def property_schemas(draw: st.DrawFn, depth: int = 0) -> tuple[dict[str, Any], st.SearchStrategy]:
    """A property schema and a strategy for its valid values."""
    kinds = [*SCALARS, "array"] + (["object"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind in SCALARS:
        return _schema_for(kind), st.one_of(st.none(), SCALARS[kind])
    if kind == "array":
        item = draw(st.sampled_from(["integer", "string"]))
        values = st.one_of(st.none(), st.lists(SCALARS[item], max_size=3))
        return {"type": ["array", "null"], "items": {"type": item}}, values
    fields = draw(st.dictionaries(names, property_schemas(depth + 1), min_size=1, max_size=3))
    schema = {"type": ["object", "null"], "properties": {k: v[0] for k, v in fields.items()}}
    values = st.one_of(st.none(), st.fixed_dictionaries({k: v[1] for k, v in fields.items()}))
    return schema, values


WRONG = st.sampled_from(["text", 1.5, True, [1], {"k": 1}, -7])


@st.composite
def streams(draw: st.DrawFn) -> dict[str, Any]:
    """A stream: its name, schema, and records (some maybe invalid)."""
    stream = draw(st.one_of(names, st.sampled_from(["tasks", "Tasks", "sales-orders"])))
    fields = draw(st.dictionaries(names, property_schemas(), max_size=5))
    properties = {"id": {"type": "integer"}} | {k: v[0] for k, v in fields.items()}
    records = []
    for n in range(draw(st.integers(1, 4))):
        record: dict[str, Any] = {"id": n}
        for name, (_schema, values) in fields.items():
            if draw(st.booleans()):
                record[name] = draw(values)
        if fields and draw(st.integers(0, 9)) == 0:  # now and then, a value of another type
            name = draw(st.sampled_from(sorted(fields)))
            record[name] = draw(WRONG)
        records.append(record)
    return {"stream": stream, "properties": properties, "records": records}


def _kind(schema: dict[str, Any]) -> str:
    declared = schema["type"]
    return declared if isinstance(declared, str) else next(k for k in declared if k != "null")


def _is_valid(value: Any, schema: dict[str, Any]) -> bool:
    if value is None:
        return schema["type"] != "integer"  # only the key is not nullable
    kind = _kind(schema)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok and ("multipleOf" not in schema or round(value, 2) == value)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        item = schema["items"]["type"]
        return isinstance(value, list) and all(
            v is not None and _is_valid(v, {"type": [item]}) for v in value
        )
    return isinstance(value, dict) and all(
        _is_valid(value.get(k), s) for k, s in schema["properties"].items()
    )


def _expected(value: Any, schema: dict[str, Any]) -> Any:
    """How a valid value reads back from its column."""
    if value is None:
        return None
    if "multipleOf" in schema:
        return decimal.Decimal(repr(value))
    kind = _kind(schema)
    if kind == "number":
        return float(value)
    if kind == "object":
        if from_json_schema(schema) == JSON:
            return value
        return {k: _expected(value.get(k), s) for k, s in schema["properties"].items()}
    return value


def _read_back(value: Any, schema: dict[str, Any]) -> Any:
    """A column's value, with JSON text (of objects DuckDB cannot hold as STRUCTs) parsed."""
    if value is None:
        return None
    if from_json_schema(schema) == JSON:
        return json.loads(value)
    if _kind(schema) == "object":
        return {k: _read_back(value.get(k), s) for k, s in schema["properties"].items()}
    return value


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(streams(), min_size=1, max_size=2, unique_by=lambda s: s["stream"]), st.booleans())
def test_loads_exactly_the_records_given_or_names_the_bad_line(runs, validate):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "warehouse.duckdb"
        config = {
            "path": str(db),
            "default_target_schema": SCHEMA_NAME,
            "staging_dir": tmp,
            "validate_records": validate,
        }
        lines: list[str] = []
        first_bad: int | None = None
        for stream in runs:
            lines.append(
                json.dumps(
                    {
                        "type": "SCHEMA",
                        "stream": stream["stream"],
                        "schema": {"type": "object", "properties": stream["properties"]},
                        "key_properties": ["id"],
                    }
                )
            )
            for record in stream["records"]:
                lines.append(
                    json.dumps({"type": "RECORD", "stream": stream["stream"], "record": record})
                )
                valid = all(_is_valid(record.get(k), s) for k, s in stream["properties"].items())
                if not valid and first_bad is None:
                    first_bad = len(lines)
        (Path(tmp) / "config.json").write_text(json.dumps(config))
        (Path(tmp) / "input.singer").write_text("\n".join(lines) + "\n")
        result = CliRunner().invoke(
            TargetDuckDB.cli,
            ["--config", f"{tmp}/config.json", "--input", f"{tmp}/input.singer"],
        )
        assert "Traceback" not in result.stderr
        if first_bad is not None:
            assert result.exit_code == 1, result.stderr
            last = result.stderr.strip().splitlines()[-1]
            assert last.startswith(f"target-duckdb: line {first_bad}, stream "), last
            return
        assert result.exit_code == 0, result.stderr
        _check_tables(db, runs)


def _check_tables(db: Path, runs: list[dict[str, Any]]) -> None:
    with duckdb.connect(str(db), read_only=True) as conn:
        for stream in runs:
            name = stream["stream"]
            schema_name, _ = split_stream_name(name, SCHEMA_NAME)
            registry = f"{quote_identifier(schema_name)}._streams"
            [(table,)] = conn.execute(
                f"SELECT table_name FROM {registry} WHERE stream = ?",  # noqa: S608
                [name],
            ).fetchall()
            properties = stream["properties"]
            data = [p for p in properties if p not in METADATA_COLUMNS]
            columns = dict(
                conn.execute(
                    f"SELECT property, column_name FROM {quote_identifier(schema_name)}._columns "  # noqa: S608
                    "WHERE table_name = ?",
                    [table],
                ).fetchall()
            )
            select = ", ".join(quote_identifier(columns[p]) for p in data)
            qualified = f"{quote_identifier(schema_name)}.{quote_identifier(table)}"
            rows = conn.execute(f"SELECT {select} FROM {qualified}").fetchall()  # noqa: S608
            got = {
                row[0]: {p: _read_back(v, properties[p]) for p, v in zip(data, row, strict=True)}
                for row in rows
            }
            want = {
                key: {p: _expected(record.get(p), properties[p]) for p in data}
                for key, record in ((r["id"], r) for r in stream["records"])
            }
            assert got.keys() == want.keys()
            for key in want:
                for prop in data:
                    assert _same(got[key][prop], want[key][prop]), (name, key, prop)


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, float):
        return got == want or (math.isnan(got) and math.isnan(want))
    if type(got) is not type(want):
        return False
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want, strict=True))
    return bool(got == want)
