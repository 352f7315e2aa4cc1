"""The spec's ``auth:`` and ``paginator:`` blocks, typed once as tagged unions on ``type``.

Each kind is a frozen ``msgspec`` struct whose tag is its ``type:`` value; a bare string in
the spec (``paginator: link_header``) is the kind with its defaults. The loader validates the
YAML against the format's JSON Schema first (for its messages), then decodes these blocks;
a test keeps every kind's fields equal to its branch of the schema.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class Block(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    omit_defaults=True,
    forbid_unknown_fields=True,
    tag_field="type",
):
    """A kind of a typed block; ``kind`` is its ``type:`` value."""

    @property
    def kind(self) -> str:
        """The ``type:`` value that picked this kind."""
        return kind_of(type(self))

    def placeholders(self) -> dict[str, Any]:
        """The block's fields as plain data (for placeholder checks and rendering)."""
        data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(self))  # lists, not tuples
        data.pop("type", None)
        return data


# ---- auth ---------------------------------------------------------------------------------


class AuthBlock(Block, frozen=True):
    """How requests authenticate."""


class NoAuth(AuthBlock, frozen=True, tag="none"):
    """No credentials."""


class BearerAuth(AuthBlock, frozen=True, tag="bearer"):
    """``Authorization: Bearer <token>``."""

    token: str


class ApiKey(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A key sent in a header or the query string."""

    name: str
    value: str
    in_: Literal["header", "query"] = msgspec.field(default="header", name="in")


class ApiKeyAuth(AuthBlock, frozen=True, tag="api_key"):
    """One key in a header or the query string."""

    name: str
    value: str
    in_: Literal["header", "query"] = msgspec.field(default="header", name="in")


class ApiKeysAuth(AuthBlock, frozen=True, tag="api_keys"):
    """Several keys at once (Trello's ``key`` and ``token``)."""

    keys: tuple[ApiKey, ...]


class BasicAuth(AuthBlock, frozen=True, tag="basic"):
    """HTTP basic auth."""

    username: str
    password: str


class OAuth2RefreshTokenAuth(AuthBlock, frozen=True, tag="oauth2_refresh_token"):
    """OAuth 2 refresh-token grant."""

    token_url: str
    client_id: str
    client_secret: str
    refresh_token: str | None = None
    scopes: tuple[str, ...] = ()


class OAuth2ClientCredentialsAuth(AuthBlock, frozen=True, tag="oauth2_client_credentials"):
    """OAuth 2 client-credentials grant."""

    token_url: str
    client_id: str
    client_secret: str
    refresh_token: str | None = None
    scopes: tuple[str, ...] = ()


class ServiceAccountJwtAuth(AuthBlock, frozen=True, tag="service_account_jwt"):
    """A service account's signed JWT (RS256) exchanged for an access token (Google)."""

    key: str
    scopes: tuple[str, ...] = ()
    subject: str | None = None
    token_url: str | None = None


Auth = (
    NoAuth
    | BearerAuth
    | ApiKeyAuth
    | ApiKeysAuth
    | BasicAuth
    | OAuth2RefreshTokenAuth
    | OAuth2ClientCredentialsAuth
    | ServiceAccountJwtAuth
)

# ---- paginators ---------------------------------------------------------------------------


class Stop(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """When paging ends besides an empty page."""

    when_true: str | None = None
    when_false: str | None = None
    total: str | None = None
    short_page: bool = False


class PaginatorBlock(Block, frozen=True):
    """How a stream gets its next page.

    Kinds without a field read as its default through :meth:`option` (no page size, no stop
    rule, next URLs followed as given).
    """

    def option(self, name: str, default: Any = None) -> Any:
        """The field ``name`` of this kind, or ``default`` for a kind without it."""
        return getattr(self, name, default)


class NoPagination(PaginatorBlock, frozen=True, tag="none"):
    """One request, one page."""


class PageNumberPagination(PaginatorBlock, frozen=True, tag="page_number"):
    """``page=start, start+1, …``."""

    param: str = "page"
    start: int = 1
    size_param: str | None = None
    size: int | None = None
    stop: Stop | None = None


class OffsetPagination(PaginatorBlock, frozen=True, tag="offset"):
    """``offset=0, size, 2·size, …`` with a limit."""

    size: int
    offset_param: str = "offset"
    limit_param: str = "limit"
    start: int = 0
    stop: Stop | None = None


class CursorPagination(PaginatorBlock, frozen=True, tag="cursor"):
    """An opaque token from the body or a header, sent back as a parameter."""

    param: str
    from_body: str | None = None
    from_header: str | None = None
    in_: Literal["query", "body"] = msgspec.field(default="query", name="in")
    size_param: str | None = None
    size: int | None = None
    stop: Stop | None = None


class NextUrlPagination(PaginatorBlock, frozen=True, tag="next_url"):
    """The next page's URL in the body."""

    from_body: str
    keep_params: bool = False


class LinkHeaderPagination(PaginatorBlock, frozen=True, tag="link_header"):
    """``Link: <…>; rel="next"`` headers."""

    size_param: str | None = None
    size: int | None = None
    keep_params: bool = False


class LastRecordPagination(PaginatorBlock, frozen=True, tag="last_record"):
    """The next page starts after the last record."""

    params: dict[str, str]
    size: int
    size_param: str | None = None


class AfterIdPagination(PaginatorBlock, frozen=True, tag="after_id"):
    """The next page starts after the largest id seen so far (``after=<id>``)."""

    size: int
    param: str = "after"
    field: str = "id"
    size_param: str | None = None


Paginator = (
    NoPagination
    | PageNumberPagination
    | OffsetPagination
    | CursorPagination
    | NextUrlPagination
    | LinkHeaderPagination
    | LastRecordPagination
    | AfterIdPagination
)

AUTH_KINDS: tuple[type[AuthBlock], ...] = Auth.__args__
PAGINATOR_KINDS: tuple[type[PaginatorBlock], ...] = Paginator.__args__


def decode_auth(raw: Any) -> AuthBlock:
    """The typed auth block of a (schema-checked) ``auth:`` value or bare kind name."""
    return msgspec.convert({"type": raw} if isinstance(raw, str) else raw, Auth)


def decode_paginator(raw: Any) -> PaginatorBlock:
    """The typed paginator of a (schema-checked) ``paginator:`` value or bare kind name."""
    return msgspec.convert({"type": raw} if isinstance(raw, str) else raw, Paginator)


def kind_of(block_type: type[Block]) -> str:
    """The ``type:`` value of a kind's struct class."""
    return str(block_type.__struct_config__.tag)
