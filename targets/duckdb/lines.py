"""Input lines read in blocks: every complete line available, with one read per block."""

from __future__ import annotations

import typing as t

BLOCK_BYTES = 1024 * 1024
"""Most bytes asked for by one read."""


def read_blocks(read: t.Callable[[int], bytes]) -> t.Iterator[list[bytes]]:
    """The lines ``read`` returns, a list of complete lines (ending with ``\\n``) per read.

    ``read(size)`` must return what is available, up to ``size`` bytes, without waiting
    for more (as ``read1`` does), so that the lines of a slow writer come as they are
    written. A line longer than a block is put together from several reads; the last line
    of the input may lack its ``\\n``. Lines are split at ``\\n`` only, as ``readline``
    splits them.
    """
    pending: list[bytes] = []  # the start of a line not yet ended
    while True:
        chunk = read(BLOCK_BYTES)
        if not chunk:
            if pending:
                yield [b"".join(pending)]
            return
        end = chunk.rfind(b"\n") + 1
        if not end:
            pending.append(chunk)
            continue
        data = chunk[:end] if end < len(chunk) else chunk
        if pending:
            pending.append(data)
            data = b"".join(pending)
        pending = [chunk[end:]] if end < len(chunk) else []
        if b"\r" not in data:  # splitlines also splits at a lone \r, readline does not
            yield data.splitlines(keepends=True)
        else:
            lines = data.split(b"\n")
            lines.pop()  # empty: data ends with \n
            yield [line + b"\n" for line in lines]


def line_blocks(source: t.Any) -> t.Iterator[list[bytes]]:
    """The lines of ``source`` in blocks: its own ``blocks()``, else blocks of its ``read1``,
    else one line (encoded if text) per block."""
    blocks = getattr(source, "blocks", None)
    if blocks is not None:
        return t.cast(t.Iterator[list[bytes]], blocks())
    read1 = getattr(source, "read1", None)
    if read1 is not None:
        return read_blocks(read1)
    return ([line.encode() if isinstance(line, str) else line] for line in source)
