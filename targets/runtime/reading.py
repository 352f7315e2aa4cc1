"""Reading Singer input: bad lines raise one clear error, without a logged traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from singer_sdk.singerlib.encoding.simple import SimpleSingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

MESSAGE_TYPES = ("SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION", "BATCH")


class QuietSingerReader(SimpleSingerReader):
    """The SDK's reader, saying what is wrong with a line instead of logging a traceback."""

    def deserialize_json(self, line: str) -> dict:
        try:
            decoded: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputLine(
                f"not valid JSON (column {exc.colno}: {exc.msg}); each line must be one "
                "Singer message"
            ) from None
        if not isinstance(decoded, dict):
            raise InvalidInputLine(
                f"a Singer message is a JSON object, not {type(decoded).__name__}"
            )
        return decoded

    def _process_unknown_message(self, message_dict: dict) -> None:
        raise InvalidInputLine(
            f"unknown message type {message_dict.get('type')!r} (valid: {', '.join(MESSAGE_TYPES)})"
        )


class CountedLines:
    """Iterates the input's lines and counts them, so that an error can name its line."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.number += 1
            yield line
