"""Runs of RECORD lines staged with one decode give exactly what line-by-line staging gives.

The same messages are sent twice: as Singer SDK taps write them (``{"type":"RECORD",
"stream":…`` — eligible for staging in runs) and with their keys in another order (never
eligible: every line takes the line-by-line path). Tables, rejected records and errors must
not differ, whatever the records: valid, of the wrong type, without their key, repeating a
key within a run or a batch, marked deleted, interleaved with STATE and other streams.
"""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import duckdb
import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.duckdb.sink import DuckDBSink
from targets.duckdb.target import TargetDuckDB

from .conftest import encode, record, schema, state

PROPERTIES = {
    "id": {"type": "integer"},
    "name": {"type": ["string", "null"], "maxLength": 3},
    "price": {"type": ["number", "null"], "multipleOf": 0.01},
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"},
}
STREAMS = ("items", "orders")
OPTIONAL = {  # one invalid value each, among valid ones
    "name": [None, "", "a", "abc", "é名", "long"],
    "price": [None, 0, 1.25, -3.5, 0.001],
    "tags": [None, [], ["a", "b"], [1]],
    "_sdc_deleted_at": [None, "2024-05-01T00:00:00+00:00", "2024-05-01T00:00:00+00:00"],
}


@st.composite
def record_values(draw: st.DrawFn) -> dict[str, Any]:
    """A record: mostly valid, now and then without a key or with a value of another type."""
    values: dict[str, Any] = {}
    roll = draw(st.integers(0, 19))
    if roll == 1:
        values["id"] = None
    elif roll == 2:
        values["id"] = "7"
    elif roll > 2:
        values["id"] = draw(st.integers(0, 9))  # keys repeat, within runs and batches
    for name, choices in OPTIONAL.items():
        if draw(st.booleans()):
            values[name] = draw(st.sampled_from(choices))
    return values


@st.composite
def messages(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """Runs of records of one stream, each maybe followed by a STATE."""
    drawn: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(1, 4))):
        stream = draw(st.sampled_from(STREAMS))
        drawn += [(stream, v) for v in draw(st.lists(record_values(), min_size=2, max_size=12))]
        if draw(st.booleans()):
            drawn.append(("STATE", len(drawn)))
    return drawn


def sdk_line(message: dict[str, Any]) -> str:
    """A message as Singer SDK taps write it: compact, ``type`` and ``stream`` first."""
    return msgspec.json.encode(message).decode()


def shuffled_line(message: dict[str, Any]) -> str:
    """The same message with its keys in another order: never staged in a run."""
    return json.dumps(dict(reversed(message.items())))


def run_target(tmp: str, lines: list[str], settings: dict[str, Any]) -> tuple[int, str, Any]:
    """Run the target's command line; return its exit code, last stderr line and what it
    left in the database (table rows without the per-run metadata, rejected records)."""
    db = Path(tmp) / "warehouse.duckdb"
    config = {"path": str(db), "default_target_schema": "raw", "staging_dir": tmp, **settings}
    (Path(tmp) / "config.json").write_text(json.dumps(config))
    (Path(tmp) / "input.singer").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(
        TargetDuckDB.cli, ["--config", f"{tmp}/config.json", "--input", f"{tmp}/input.singer"]
    )
    assert "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1] if result.exit_code else ""
    if not db.exists():
        return result.exit_code, error, None
    found: dict[str, Any] = {}
    with duckdb.connect(str(db), read_only=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for table in STREAMS:
            if table in tables:
                found[table] = sorted(
                    conn.execute(
                        f'SELECT id, name, price, tags, _sdc_deleted_at FROM raw."{table}"'  # noqa: S608
                    ).fetchall(),
                    key=repr,
                )
        if "_rejected" in tables:
            found["_rejected"] = conn.execute(
                "SELECT stream, line, reason FROM raw._rejected ORDER BY line"
            ).fetchall()
    return result.exit_code, error, found


def singer_messages(drawn: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    out = [schema(stream, PROPERTIES) for stream in STREAMS]
    for kind, value in drawn:
        out.append(state({"n": value}) if kind == "STATE" else record(kind, value))
    return out


def assert_runs_load_like_single_lines(
    drawn: list[tuple[str, Any]], settings: dict[str, Any]
) -> None:
    sent = singer_messages(drawn)
    with tempfile.TemporaryDirectory() as fast, tempfile.TemporaryDirectory() as slow:
        in_runs = run_target(fast, [sdk_line(m) for m in sent], settings)
        by_line = run_target(slow, [shuffled_line(m) for m in sent], settings)
    assert in_runs[2] is not None, in_runs[1]  # the database was opened: settings are valid
    assert in_runs == by_line


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    messages(),
    st.sampled_from(["fail", "reject"]),
    st.booleans(),
    st.sampled_from(["upsert", "append-only"]),
    st.booleans(),
    st.sampled_from([2, 3, 7, 50]),
)
def test_runs_and_single_lines_load_the_same(
    drawn, on_invalid, validate, method, hard_delete, batch_rows
):
    settings = {
        "on_invalid_record": on_invalid,
        "validate_records": validate,
        "load_method": method,
        "hard_delete": hard_delete,
        "batch_size_rows": batch_rows,
    }
    assert_runs_load_like_single_lines(drawn, settings)


KEY_ONLY = [{"id": n} for n in range(6)]


@pytest.mark.parametrize(
    ("records", "settings"),
    [
        pytest.param(
            [*KEY_ONLY[:3], {"id": 1, "name": "b"}, *KEY_ONLY[3:]],
            {"batch_size_rows": 50},
            id="a key repeated within a run: the last record wins",
        ),
        pytest.param(
            [*KEY_ONLY, *KEY_ONLY[2:4]],
            {"batch_size_rows": 4},
            id="a key repeated across batches",
        ),
        pytest.param(
            [*KEY_ONLY, {"id": 2, "_sdc_deleted_at": "2024-05-01T00:00:00+00:00"}, *KEY_ONLY],
            {"hard_delete": True, "batch_size_rows": 50},
            id="a record marked deleted, hard_delete on",
        ),
        pytest.param(
            [*KEY_ONLY, {"id": 2, "_sdc_deleted_at": "2024-05-01T00:00:00+00:00"}, *KEY_ONLY],
            {"hard_delete": True, "load_method": "append-only", "batch_size_rows": 4},
            id="a record marked deleted, hard_delete on, appending",
        ),
        pytest.param(
            [*KEY_ONLY[:3], {"id": None}, *KEY_ONLY[3:]],
            {"validate_records": False},
            id="a null key, validate_records off",
        ),
        pytest.param(
            [*KEY_ONLY[:3], {"id": 3, "name": "long"}, {"name": "a"}, *KEY_ONLY[4:]],
            {"on_invalid_record": "reject"},
            id="invalid records and a missing key rejected",
        ),
    ],
)
def test_runs_and_single_lines_load_the_same_in_known_cases(records, settings):
    assert_runs_load_like_single_lines([("items", r) for r in records], settings)


def test_runs_are_staged_with_one_decode(config, query, monkeypatch):
    staged: list[int] = []
    stage_run = DuckDBSink.stage_run

    def counting(self: DuckDBSink, lines: list[bytes], first: int) -> int:
        count = stage_run(self, lines, first)
        staged.append(count)
        return count

    monkeypatch.setattr(DuckDBSink, "stage_run", counting)
    records = [record("items", {"id": n, "name": "abc"}) for n in range(300)]
    sent = [schema("items", PROPERTIES), records[0], *records[1:], state({"n": 1})]
    lines = [sdk_line(m) for m in sent]
    target = TargetDuckDB(config={**config, "batch_size_rows": 100})
    with redirect_stdout(io.StringIO()):
        target.listen(io.BytesIO(("\n".join(lines) + "\n").encode()))
    # The first record finds its stream's sink; the 299 after it come in runs.
    assert sum(staged) == 299
    assert len(staged) < 20
    assert query("SELECT count(*), count(DISTINCT id) FROM raw_test.items") == [(300, 300)]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (  # two messages on one line: each a RECORD of the stream, together not a message
            '{"type":"RECORD","stream":"items","record":{"id":8}} '
            '{"type":"RECORD","stream":"items","record":{"id":9}}',
            "malformed JSON",
        ),
        ('{"type":"RECORD","stream":"items","record":{"id":8,"name":"long"}}', "is too long"),
        ('{"type":"RECORD","stream":"items","record":{"name":"a"}}', "key property 'id'"),
        (
            b'{"type":"RECORD","stream":"items","record":{"id":8,"name":"\xff"}}',
            "not UTF-8 text (byte 0xff at column 60)",
        ),
    ],
)
def test_a_bad_line_in_a_run_is_named_as_on_its_own(config, tmp_path, bad_line, reason):
    good = [sdk_line(record("items", {"id": n})) for n in range(5)]
    lines = [sdk_line(schema("items", PROPERTIES)), *good, bad_line, *good]
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "input.singer").write_bytes(encode(lines))
    result = CliRunner().invoke(
        TargetDuckDB.cli,
        ["--config", str(tmp_path / "config.json"), "--input", str(tmp_path / "input.singer")],
    )
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("target-duckdb: line 7"), last
    assert reason in last, last
