"""Streams read by the API's sync token (``incremental: {type: sync_token}``).

The first run reads the stream whole and keeps the token the API gives for "everything up to
now": the last page's ``token_from`` field (Calendar's ``nextSyncToken``), or, with a
``start`` request, what that request answered before the read began (Drive's
``startPageToken``, Gmail's profile ``historyId``). Every later run sends the token as
``param`` to the resumed read (``path``/``params``, by default the stream's own) and keeps the
token its last page gives. The API answers only what changed — deletions included: records
that pass the stream's ``deleted:`` conditions, or that sit at ``deleted_records``, get
``_sdc_deleted_at``.

A token the API no longer accepts (an ``expired`` status: Calendar's 410, Gmail's 404) is
forgotten and the stream is read whole again in the same run. The token is saved in the
partition's state (``sync_token``) only once its read reached the last page, so a run that
fails halfway starts again from the previous token.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import requests

from brainhub.http import skip_verdict
from brainhub.spec.jsonpaths import body_value
from brainhub.spec.model import SyncToken
from brainhub.spec.placeholders import MissingValueError, render
from taps.runtime.paging import new_paginator
from taps.runtime.records import record_extractor, response_json

if TYPE_CHECKING:
    from taps.runtime.stream import SpecStream

#: Where a partition's token is kept in the stream's state.
SYNC_TOKEN_KEY = "sync_token"  # noqa: S105 - a state key, not a token
#: The key a record at ``deleted_records`` is marked with before ``_sdc_deleted_at`` is set.
DELETED_MARK = "__sync_deleted"


class ExpiredTokenError(Exception):
    """The API refused the saved token: the stream must be read whole."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class SyncTokenRead:
    """One partition's read: resumed from a token, or whole; ``token`` is what to save next."""

    def __init__(self, stream: SpecStream, scopes: dict[str, Any], path: str) -> None:
        self.stream = stream
        self.sync: SyncToken = stream.spec.sync_token  # type: ignore[assignment]
        self.scopes = scopes
        self.path = path
        #: The token the next run starts from; None until the read reached its end.
        self.token: str | None = None

    def records(self, saved: str | None) -> Iterator[dict[str, Any]]:
        """Every record of the read: what changed since ``saved``, or all of them."""
        stream, sync = self.stream, self.sync
        if saved:
            try:
                yield from self._resumed(saved)
                return
            except ExpiredTokenError as expired:
                stream.logger.info(
                    "stream %s: the sync token is no longer accepted (%s); reading it whole",
                    stream.name,
                    expired,
                )
        start = None
        if sync.start is not None:
            response = self._get(
                render(sync.start.path, self.scopes), render(sync.start.params, self.scopes)
            )
            start = _token(response, sync.start.token_from) if response is not None else None
        last = yield from self._pages(self.path, render(stream.spec.params, self.scopes), None)
        self.token = start or last

    def _resumed(self, saved: str) -> Iterator[dict[str, Any]]:
        sync, spec = self.sync, self.stream.spec
        path = render(sync.path, self.scopes) if sync.path else self.path
        params = render(sync.params if sync.params is not None else spec.params, self.scopes)
        params[sync.param] = saved
        self.token = yield from self._pages(path, params, sync)

    def _pages(
        self, path: str, params: dict[str, Any], resumed: SyncToken | None
    ) -> Generator[dict[str, Any], None, str | None]:
        """Read every page; returns the token the last page gives."""
        stream = self.stream
        extract = record_extractor(
            resumed.records if resumed and resumed.records else stream.spec.records
        )
        deletions = (
            record_extractor(resumed.deleted_records)
            if resumed and resumed.deleted_records
            else None
        )
        paginator = new_paginator(stream.spec.paginator)
        page = paginator.first_request()
        while True:
            response = self._get(path, {**params, **page.params}, resumed=resumed is not None)
            if response is None:
                return None  # the spec's skip rules: nothing here
            body = response_json(response)
            records = extract(body)
            paginator.observe(records)
            for record in records:
                if resumed is not None:
                    record = _resumed_record(record, resumed)
                yield record
            for record in deletions(body) if deletions else ():
                yield {**record, DELETED_MARK: True}
            stream.pages += 1
            paginator.advance(response)
            if paginator.finished:
                return _token(response, self.sync.token_from)
            page = paginator.request_for(paginator.current_value)

    def _get(
        self, path: str, params: dict[str, Any], *, resumed: bool = False
    ) -> requests.Response | None:
        """One request; None when the spec's rules say "nothing here".

        Raises:
            ExpiredTokenError: a resumed read was answered with an ``expired`` status.
        """
        response = self.stream.send_raw(self.stream.url_base + path, params)
        if skip_verdict(response) is None:
            return response
        if resumed and response.status_code in self.sync.expired:
            raise ExpiredTokenError(response.status_code)
        return None


def _token(response: requests.Response | None, where: str) -> str | None:
    if response is None:
        return None
    value = body_value(response_json(response), where)
    return None if value in (None, "") else str(value)


def _resumed_record(record: dict[str, Any], sync: SyncToken) -> dict[str, Any]:
    """A resumed read's record with its object unwrapped and ``add_fields`` filled in."""
    if sync.unwrap:
        record = _unwrapped(record, sync.unwrap)
    for name, template in sync.add_fields.items():
        try:
            record[name] = render(template, {"record": record})
        except MissingValueError:
            record.setdefault(name, None)
    return record


def _unwrapped(record: dict[str, Any], field: str) -> dict[str, Any]:
    inner = record.get(field)
    if not isinstance(inner, dict):
        return record
    merged = {k: v for k, v in record.items() if k != field}
    merged.update(inner)
    return merged
