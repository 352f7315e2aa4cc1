"""Input read in blocks gives exactly the lines ``readline`` gives, however the reads fall."""

from __future__ import annotations

import io

import pytest

from targets.duckdb import lines
from targets.duckdb.lines import line_blocks, read_blocks


def reads_of(data: bytes, sizes: list[int]):
    """A ``read1`` that returns pieces of the given sizes (as a pipe might), then the rest."""
    source = io.BytesIO(data)
    pending = list(sizes)

    def read(size: int) -> bytes:
        return source.read(min(size, pending.pop(0)) if pending else size)

    return read


CASES = {
    "lines within one read": (b'{"a":1}\n{"b":2}\n', []),
    "a line split across reads": (b'{"a":1}\n{"b":22222}\n{"c":3}\n', [3, 9, 2, 1]),
    "no newline at the end": (b'{"a":1}\n{"b":2}', [5]),
    "a lone carriage return stays in its line": (b'{"a":"x\ry"}\n{"b":2}\r\n', [4]),
    "empty lines": (b"\n\n{}\n\n", [1, 1]),
    "nothing": (b"", []),
}


@pytest.mark.parametrize(("data", "sizes"), CASES.values(), ids=CASES.keys())
def test_blocks_hold_the_lines_readline_reads(data, sizes):
    blocks = list(read_blocks(reads_of(data, sizes)))
    assert [line for block in blocks for line in block] == io.BytesIO(data).readlines()
    assert all(blocks)  # no empty block


def test_a_line_longer_than_a_block_is_put_together(monkeypatch):
    monkeypatch.setattr(lines, "BLOCK_BYTES", 4)
    data = b'{"long":"' + b"x" * 50 + b'"}\n{}\n'
    blocks = list(read_blocks(io.BytesIO(data).read1))
    assert [line for block in blocks for line in block] == io.BytesIO(data).readlines()


def test_text_input_is_read_line_by_line_as_bytes():
    assert list(line_blocks(io.StringIO("{}\n{}\n"))) == [[b"{}\n"], [b"{}\n"]]
