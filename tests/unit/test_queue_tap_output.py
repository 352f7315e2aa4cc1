"""The queue taps' Singer output: records reach the target with the STATE after them (one
flush per STATE, not per record), in order and as strict JSON; tap-kafka's record fields
(value, key, headers, timestamp) as the client library hands them over."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime

import pytest

from taps.queues import kafka_tap, singer_io


class CountingOutput(io.StringIO):
    """A stdout that counts its flushes and remembers what each flush delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[str] = []

    def flush(self) -> None:
        self.delivered.append(self.getvalue())


def test_records_are_delivered_with_the_state_after_them(monkeypatch) -> None:
    out = CountingOutput()
    monkeypatch.setattr("sys.stdout", out)
    singer_io.write_schema("s", {"type": "object"}, ["id"])
    for n in range(3):
        singer_io.write_record("s", {"id": n}, "2024-01-01T00:00:00+00:00")
    singer_io.write_state({"bookmarks": {"s": 3}})
    # one flush for the SCHEMA, one for the STATE with every record before it
    assert len(out.delivered) == 2
    lines = [json.loads(line) for line in out.delivered[-1].splitlines()]
    assert [m["type"] for m in lines] == ["SCHEMA", "RECORD", "RECORD", "RECORD", "STATE"]
    assert [m["record"]["id"] for m in lines if m["type"] == "RECORD"] == [0, 1, 2]
    assert lines[1]["time_extracted"] == "2024-01-01T00:00:00+00:00"


def test_messages_are_strict_json(monkeypatch) -> None:
    out = CountingOutput()
    monkeypatch.setattr("sys.stdout", out)
    record = {"nan": math.nan, "inf": -math.inf, "when": datetime(2024, 5, 1, tzinfo=UTC)}
    singer_io.write_record("s", {**record, "text": "Grüße 🚀"})
    singer_io.write_state({})
    line = out.getvalue().splitlines()[0]

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    parsed = json.loads(line, parse_constant=refuse)["record"]
    assert parsed == {
        "nan": None,
        "inf": None,
        "when": "2024-05-01T00:00:00Z",
        "text": "Grüße 🚀",
    }
    assert "Grüße 🚀" in line  # UTF-8, not escaped


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"n": 1, "items": [{"qty": 2.5}], "big": 123456789012345678901234567890}',
         {"n": 1, "items": [{"qty": 2.5}], "big": 123456789012345678901234567890}),
        (b"plain text", "plain text"),
        (b"42", 42),
        (b'"Gr\xc3\xbc\xc3\x9fe"', "Grüße"),
        (b'{"s": "caf\xe9"}', {"s": "caf\ufffd"}),  # not UTF-8: read as Python would
        (b"\xff\xfe", "\ufffd\ufffd"),
        (None, None),
    ],
)  # fmt: skip
def test_kafka_values_parse_as_json_else_text(raw, value) -> None:
    assert kafka_tap.decode_value(raw) == value


@pytest.mark.parametrize(
    "milliseconds",
    [0, 1, 999, 1000, 1_733_500_000_000, 1_733_500_000_123, 1_733_500_000_999, -1500],
)
def test_kafka_timestamps_are_written_as_isoformat_writes_them(milliseconds) -> None:
    expected = datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat()
    assert kafka_tap.timestamp_iso(milliseconds) == expected


class Message:
    """What confluent-kafka's consumer hands over for one message."""

    def __init__(self, key, value, headers, timestamp) -> None:
        self._key, self._value, self._headers, self._timestamp = key, value, headers, timestamp

    def topic(self) -> str:
        return "orders"

    def partition(self) -> int:
        return 1

    def offset(self) -> int:
        return 7

    def key(self):
        return self._key

    def value(self):
        return self._value

    def headers(self):
        return self._headers

    def timestamp(self):
        return self._timestamp


def test_kafka_record_fields() -> None:
    message = Message(b"order-7", b'{"n": 7}', [("source", b"shop"), ("empty", None)], (1, 1500))
    assert kafka_tap.record_of(message) == {
        "topic": "orders",
        "partition": 1,
        "offset": 7,
        "key": "order-7",
        "value": {"n": 7},
        "headers": {"source": "shop", "empty": None},
        "timestamp": "1970-01-01T00:00:01.500000+00:00",
    }
    bare = kafka_tap.record_of(Message(None, None, None, (0, 0)))
    assert (bare["key"], bare["value"], bare["headers"], bare["timestamp"]) == (
        None,
        None,
        None,
        None,
    )
