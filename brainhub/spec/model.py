"""The typed model of a connector spec: what the loader builds and the engine reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brainhub.http.policy import HttpPolicy
from brainhub.spec.blocks import AuthBlock, NoAuth, NoPagination, PaginatorBlock
from brainhub.spec.placeholders import placeholders_in as _placeholders
from brainhub.spec.writes import WriteObject

#: Settings the engine adds to every tap (besides HTTP overrides); specs may use them.
ENGINE_SETTINGS = ("base_url", "start_date", "max_workers")
#: The incremental ``format`` of a cursor that is a record id, compared as a whole number.
ID_FORMAT = "id"


@dataclass(frozen=True)
class Setting:
    """One tap setting, as declared in the spec's ``settings`` block."""

    name: str
    type: str
    required: bool = False
    secret: bool = False
    description: str = ""
    default: Any = None
    enum: tuple[Any, ...] | None = None
    items: str | None = None


@dataclass(frozen=True)
class ParentLink:
    """A parent stream and the path requested once per parent record."""

    stream: str
    path: str


@dataclass(frozen=True)
class Incremental:
    """Incremental sync on a cursor field."""

    cursor: str
    format: str = "iso8601"
    param: str | None = None
    param_format: str | None = None
    #: Query text the filter value is written into (``{cursor}``), e.g. a JQL clause.
    param_template: str | None = None
    client_filter: bool = False
    #: Merged into a POST body only when there is a starting cursor (``{cursor}`` inside).
    body: dict[str, Any] | None = None
    #: Records come newest change first: paging stops at the first record older than the bookmark.
    newest_first: bool = False
    #: Start this many seconds before the bookmark (re-reading late arrivals); id cursors
    #: need ``id_epoch_ms`` to turn seconds into ids.
    lookback: float | None = None
    #: ``format: id`` with time-ordered ids: ``(id >> id_time_shift) + id_epoch_ms`` is the
    #: record's creation time in epoch ms, so ``start_date`` and ``lookback`` become ids.
    id_epoch_ms: int | None = None
    id_time_shift: int = 22

    @property
    def by_id(self) -> bool:
        """Whether the cursor is a record id compared as a whole number (``format: id``)."""
        return self.format == ID_FORMAT


@dataclass(frozen=True)
class SyncTokenStart:
    """The request made before a whole read for the token later reads resume from."""

    path: str
    token_from: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncToken:
    """Incremental sync by a token the API hands out (``incremental: {type: sync_token}``).

    A whole read saves the token its last page (or ``start``) gives; the next run sends it as
    ``param`` and gets only what changed since, deletions included. An answer of an
    ``expired`` status means the token is too old: the stream is read whole again.
    """

    param: str
    token_from: str
    start: SyncTokenStart | None = None
    #: Path and params of a resumed read, when they differ from the stream's.
    path: str | None = None
    params: dict[str, Any] | None = None
    #: Records of a resumed read (default: the stream's ``records``).
    records: str | None = None
    #: Records of a resumed read that are deletions (they get ``_sdc_deleted_at``).
    deleted_records: str | None = None
    #: A field of a resumed record holding the object itself, whose fields are merged up.
    unwrap: str | None = None
    #: Fields set on resumed records from their own (``{record.fileId}``), after ``unwrap``.
    add_fields: dict[str, str] = field(default_factory=dict)
    expired: tuple[int, ...] = (410,)


@dataclass(frozen=True)
class Resync:
    """The answer that means a saved delta link expired: read the partition whole again."""

    statuses: tuple[int, ...]
    #: Dotted path of the error code in the body, and the codes that mean "resync"
    #: (none listed: every response of ``statuses`` does).
    code_at: str | None = None
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeltaLink:
    """Incremental sync by a link the API hands out after a whole read (``@odata.deltaLink``).

    The link is the partition's bookmark; the next run starts from it and reads only changes.
    """

    #: Where the link is in the last page's body (dotted path or JSONPath).
    from_body: str
    resync: Resync | None = None


@dataclass(frozen=True)
class Variant:
    """One pass of a stream's requests with extra params, enabled by a boolean setting."""

    params: dict[str, Any]
    when: str | None = None


@dataclass(frozen=True)
class StreamSpec:
    """One stream of a connector."""

    name: str
    path: str
    schema_file: Path
    description: str = ""
    method: str = "GET"
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    records: str = "$[*]"
    primary_key: tuple[str, ...] = ()
    paginator: PaginatorBlock = field(default_factory=NoPagination)
    incremental: Incremental | None = None
    #: Incremental sync by delta links instead of a cursor (``incremental: {type: delta_link}``).
    delta: DeltaLink | None = None
    parents: tuple[ParentLink, ...] = ()
    add_fields: dict[str, str] = field(default_factory=dict)
    filter: dict[str, str] | None = None
    variants: tuple[Variant, ...] = ()
    selected_by_default: bool = True
    skip_on: tuple[int, ...] = ()
    #: Read only for parent records passing this test (see :mod:`taps.runtime.conditions`).
    parent_filter: dict[str, Any] | None = None
    #: Read only for parents whose field (``True``: the parent's cursor) grew since the last run.
    only_changed_parents: bool | str = False
    #: Send ``If-None-Match`` with the ETag of a partition's last (single-page) response.
    conditional_requests: bool = False
    #: Records passing any of these tests are deleted at the source (``_sdc_deleted_at``).
    deleted: tuple[dict[str, Any], ...] = ()
    #: The declared host (``hosts:``) whose URL the path is appended to; None: ``base_url``.
    host: str | None = None
    #: Incremental sync by the API's sync token instead of a cursor field.
    sync_token: SyncToken | None = None

    @property
    def parent_names(self) -> tuple[str, ...]:
        """Names of the streams this one is read for."""
        return tuple(link.stream for link in self.parents)

    def request_parts(self) -> list[Any]:
        """Every templated part of a request besides the path: params, body, added fields."""
        return [
            self.params,
            self.body,
            self.add_fields,
            [v.params for v in self.variants],
            self.incremental.body if self.incremental else None,
            self.sync_token.params if self.sync_token else None,
            self.sync_token.start.params if self.sync_token and self.sync_token.start else None,
        ]

    def parent_fields(self, link: ParentLink) -> list[str]:
        """Fields of the parent record (``{parent.x}``) a request for ``link`` needs."""
        parts = [link.path, self.request_parts()]
        return sorted({name for scope, name in _placeholders(parts) if scope == "parent" and name})


@dataclass(frozen=True)
class CheckRequest:
    """The spec's ``check:`` block: one cheap authenticated request telling the API works."""

    path: str
    method: str = "GET"
    #: Response headers with the budget left and the window's size, when they differ from
    #: the ``http.rate_limit.headers`` names.
    remaining_header: str | None = None
    limit_header: str | None = None


@dataclass(frozen=True)
class ConnectorSpec:
    """A whole connector: settings, how to talk to the API, its streams and its writes."""

    name: str
    base_url: str
    streams: dict[str, StreamSpec]
    source: Path
    title: str = ""
    description: str = ""
    docs_url: str = ""
    settings: dict[str, Setting] = field(default_factory=dict)
    auth: AuthBlock = field(default_factory=NoAuth)
    headers: dict[str, str] = field(default_factory=dict)
    #: The ``http:`` and ``errors:`` blocks: timeouts, retries, rate limit, breaker, rules.
    http: HttpPolicy = field(default_factory=HttpPolicy)
    #: What a target writes, by object type (the ``writes:`` section).
    writes: dict[str, WriteObject] = field(default_factory=dict)
    #: The request ``brainhub check`` sends (the ``check:`` block), if the spec declares one.
    check: CheckRequest | None = None
    #: Further API roots by name (``hosts:``), for streams and writes that name one.
    hosts: dict[str, str] = field(default_factory=dict)
    #: Hosts besides the base URL's (and the ``hosts``') that next-page and delta links may
    #: point to (``link_hosts:``).
    link_hosts: tuple[str, ...] = ()

    @property
    def service(self) -> str:
        """The name executables and the sandbox use: ``google_workspace`` → ``google-workspace``."""
        return self.name.replace("_", "-")

    @property
    def secret_settings(self) -> tuple[str, ...]:
        """Names of the settings that must never be shown."""
        return tuple(name for name, s in self.settings.items() if s.secret)
