"""Errors of the transform stage, grouped by what the caller does next.

::

    ConfigError (brainhub.errors)
    └── MappingError            a mapping or .sql model is wrong: names file and line, fix the file
        └── MappingCycleError   outputs depend on each other in a circle
    BrainhubError (brainhub.errors)
    ├── WarehouseError          the warehouse cannot be opened or lacks what a mapping reads
    ├── TransformRunError       a run stopped on purpose: a row failed a rule or a conversion
    │                           with the setting ``fail``, or DuckDB refused a statement
    └── SingerInputError        mapper-duckdb's input has a malformed line: names the line
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from brainhub.errors import BrainhubError, ConfigError


@dataclass(frozen=True)
class Location:
    """Where something was written: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class MappingError(ConfigError):
    """A mapping file or SQL model is invalid; the message starts with ``file:line:``."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.location = location
        self.detail = message
        super().__init__(f"{location}: {message}" if location else message)


class MappingCycleError(MappingError):
    """Outputs depend on each other in a circle, so no run order exists."""


class WarehouseError(BrainhubError):
    """The warehouse cannot be opened, or lacks a table or column a mapping reads."""


class TransformRunError(BrainhubError):
    """A run stopped: a rule or conversion failed with ``fail``, or DuckDB refused a statement."""


class SingerInputError(BrainhubError):
    """A line of mapper-duckdb's Singer input is malformed; the message starts with
    ``input line N:``."""


def suggest(word: str, valid: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` when a close valid word exists, else an empty string."""
    close = difflib.get_close_matches(word, list(valid), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
