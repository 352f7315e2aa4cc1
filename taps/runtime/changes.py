"""What a stream remembers between runs to skip what did not change.

- :class:`EtagStore`: the ``ETag`` of each single-page request a stream made, sent back as
  ``If-None-Match``; a ``304 Not Modified`` means "no change, no records".
- :class:`ChangedParents`: the highest change time of the parent records a child stream was
  read for, so the next run reads it only for parents that changed since.

Both live in the stream's state (``bookmarks.<stream>.etags`` and
``bookmarks.<stream>.parents_changed_since``) and are written when the stream finishes, so a
run that fails halfway leaves the previous run's values in place.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any
from urllib.parse import urlencode

from brainhub.spec.placeholders import dig, parse_time
from taps.runtime.ids import id_number

ETAGS_KEY = "etags"
CHANGED_SINCE_KEY = "parents_changed_since"
REQUESTS_KEY = "requests_last_run"


def request_key(path: str, params: dict[str, Any]) -> str:
    """A short, secret-free name of one request: a hash of its path and sorted query."""
    query = urlencode(sorted((str(k), str(v)) for k, v in params.items()), doseq=True)
    return hashlib.sha256(f"{path}?{query}".encode()).hexdigest()[:24]


class EtagStore:
    """ETags of the last run (sent) and of this run (kept), by :func:`request_key`."""

    def __init__(self, previous: Any) -> None:
        self.previous: dict[str, str] = dict(previous) if isinstance(previous, dict) else {}
        self.current: dict[str, str] = {}
        self.unchanged = 0  # requests answered 304
        self.changed = 0  # conditional requests answered with data
        self._lock = threading.Lock()

    def etag_for(self, key: str) -> str | None:
        """The ETag to send as ``If-None-Match`` for this request, if one is known."""
        return self.previous.get(key)

    def not_modified(self, key: str) -> None:
        """The request was answered 304: its ETag stays valid."""
        with self._lock:
            self.unchanged += 1
            self.current[key] = self.previous[key]

    def modified(self, key: str, etag: str | None) -> None:
        """The request was answered with data (in one page): remember its new ETag."""
        with self._lock:
            self.changed += 1
            if etag:
                self.current[key] = etag

    @property
    def partly_unchanged(self) -> bool:
        """Some requests answered 304 while others changed, or the set of requests changed.

        Rows of a stream read whole cannot be retired (``ACTIVATE_VERSION``) then: what was
        answered 304 was not re-sent.
        """
        return self.unchanged > 0 and (self.changed > 0 or set(self.current) != set(self.previous))


class ChangedParents:
    """Which parent records changed since the child stream was last read.

    ``since`` is the highest parent change time the last run saw; a parent at or above it
    (or without the field) is read. :meth:`seen` raises the mark for the next run.
    """

    def __init__(self, field: str, previous: Any) -> None:
        self.field = field
        self.since = previous if isinstance(previous, str | int | float) else None
        self.highest: Any = self.since
        self._lock = threading.Lock()

    def changed(self, parent: dict[str, Any]) -> bool:
        """Whether ``parent`` changed since the last run (and note its change time)."""
        value = dig(parent, self.field)
        if value is None:
            return True
        with self._lock:
            if self.highest is None or _later(value, self.highest):
                self.highest = value
        return self.since is None or not _later(self.since, value)


def _later(a: Any, b: Any) -> bool:
    """Whether change time ``a`` is after ``b`` (times in any format parse_time reads;
    time-ordered ids such as Discord's snowflakes, too large for a time, as whole numbers)."""
    try:
        return parse_time(a) > parse_time(b)
    except (TypeError, ValueError, OverflowError):
        first, second = id_number(a), id_number(b)
        if first is not None and second is not None:
            return first > second
        return str(a) > str(b)
