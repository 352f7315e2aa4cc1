"""The typed spec model and the format's JSON Schema describe the same blocks.

The schema validates specs (and gives their error messages, editor completion and the
reference page); the model is what the engine reads. Per block and per kind, a key in one and
not the other — or a different default or set of valid values — fails here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec
import pytest

from brainhub.http.policy import (
    Backoff,
    CircuitBreakerPolicy,
    EndpointLimit,
    HttpPolicy,
    RateLimit,
    RateLimitHeaders,
    RetryPolicy,
    ThrottleBody,
    Timeouts,
)
from brainhub.http.rules import BodyCondition, ErrorRule
from brainhub.spec.blocks import AUTH_KINDS, PAGINATOR_KINDS, ApiKey, Block, Stop, kind_of
from brainhub.spec.validation import spec_schema
from brainhub.spec.writes import (
    IDENTITY_KINDS,
    ValueLookup,
    WriteCall,
    WriteObject,
    WriteOperation,
    WriteOperations,
)

SCHEMA = spec_schema()
DEFS = SCHEMA["$defs"]


def _branches(union: str) -> dict[str, dict[str, Any]]:
    """Each kind of a tagged ``oneOf`` with its object branch (``{}`` for bare strings only)."""
    kinds: dict[str, dict[str, Any]] = {}
    for branch in DEFS[union]["oneOf"]:
        for name in branch.get("enum", ()):
            kinds.setdefault(name, {})
        tag = branch.get("properties", {}).get("type", {})
        for name in [tag["const"]] if "const" in tag else tag.get("enum", ()):
            kinds[name] = branch
    return kinds


def _struct_fields(cls: type[msgspec.Struct]) -> dict[str, Any]:
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    return {f.encode_name: f for f in info.fields}


def _compare_struct(cls: type[msgspec.Struct], node: dict[str, Any], where: str) -> None:
    fields = _struct_fields(cls)
    properties = {k: v for k, v in node.get("properties", {}).items() if k != "type"}
    assert set(fields) == set(properties), (
        f"{where}: only in the model: {sorted(set(fields) - set(properties))}; "
        f"only in the schema: {sorted(set(properties) - set(fields))}"
    )
    required = {name for name, f in fields.items() if f.required}
    assert required == set(node.get("required", ())) - {"type"}, f"{where}: required keys differ"
    for name, prop in properties.items():
        field = fields[name]
        if "default" in prop:
            assert msgspec.to_builtins(field.default) == prop["default"], f"{where}.{name} default"
        if isinstance(field.type, msgspec.inspect.LiteralType):
            assert set(field.type.values) == set(prop.get("enum", ())), f"{where}.{name} values"


@pytest.mark.parametrize(
    ("union", "kinds"),
    [("auth", AUTH_KINDS), ("paginator", PAGINATOR_KINDS), ("identity", IDENTITY_KINDS)],
)
def test_every_kind_is_in_both_the_model_and_the_schema(
    union: str, kinds: tuple[type[Block], ...]
) -> None:
    assert sorted(kind_of(k) for k in kinds) == sorted(_branches(union))


@pytest.mark.parametrize(
    ("union", "kind"),
    [("auth", k) for k in AUTH_KINDS]
    + [("paginator", k) for k in PAGINATOR_KINDS]
    + [("identity", k) for k in IDENTITY_KINDS],
    ids=lambda v: v if isinstance(v, str) else kind_of(v),
)
def test_each_kinds_keys_defaults_and_values_match(union: str, kind: type[Block]) -> None:
    _compare_struct(kind, _branches(union)[kind_of(kind)], f"{union} {kind_of(kind)}")


@pytest.mark.parametrize(
    ("cls", "node", "where"),
    [
        (ApiKey, _branches("auth")["api_keys"]["properties"]["keys"]["items"], "api_keys.keys"),
        (Stop, DEFS["stop"], "stop"),
        (WriteObject, DEFS["write_object"], "writes.<object>"),
        (WriteOperations, DEFS["write_object"]["properties"]["operations"], "operations"),
        (WriteOperation, DEFS["write_operation"], "operations.<operation>"),
        (WriteCall, DEFS["write_call"], "operations.<operation>.then"),
        (ValueLookup, DEFS["write_call"]["properties"]["lookup"], "then.<call>.lookup"),
    ],
)
def test_nested_blocks_match(cls: type[msgspec.Struct], node: dict[str, Any], where: str) -> None:
    _compare_struct(cls, node, where)


HTTP = DEFS["http"]["properties"]
RATE_LIMIT = HTTP["rate_limit"]
RULE = DEFS["error_rule"]


@pytest.mark.parametrize(
    ("cls", "node", "renamed"),
    [
        # dataclass field → where the spec writes it (outside the block, or under another key)
        (
            HttpPolicy,
            DEFS["http"],
            {
                "rate_limit_headers": None,
                "errors": None,
                "write_rate_limit": None,
                "max_response_bytes": None,  # $BRAINHUB_MAX_RESPONSE_BYTES, not the spec
                "throttle_body": None,  # under rate_limit, as body
                "endpoint_limits": None,  # under rate_limit, as endpoints
            },
        ),
        (Timeouts, HTTP["timeout"]["oneOf"][1], {}),
        (RetryPolicy, HTTP["retry"], {}),
        (Backoff, HTTP["retry"]["properties"]["backoff"], {}),
        (RateLimit, RATE_LIMIT, {}),
        (RateLimitHeaders, RATE_LIMIT["properties"]["headers"], {}),
        (ThrottleBody, RATE_LIMIT["properties"]["body"], {}),
        (EndpointLimit, RATE_LIMIT["properties"]["endpoints"]["items"], {}),
        (CircuitBreakerPolicy, HTTP["circuit_breaker"], {}),
        (ErrorRule, RULE, {"statuses": "when", "headers": "when", "body": "when"}),
        (BodyCondition, RULE["properties"]["when"]["properties"]["body"], {"one_of": "in"}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_http_and_error_blocks_match(cls: type, node: dict[str, Any], renamed: dict) -> None:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    spelled = {renamed.get(name, name) for name in fields} - {None}
    properties = set(node.get("properties", {}))
    if cls is RateLimit:
        spelled.add("headers")  # kept beside the policy as rate_limit_headers
        spelled.add("writes")  # kept beside the policy as write_rate_limit
        spelled.add("body")  # kept beside the policy as throttle_body
        spelled.add("endpoints")  # kept beside the policy as endpoint_limits
    assert spelled == properties, (
        f"{cls.__name__}: only in the model: {sorted(spelled - properties)}; "
        f"only in the schema: {sorted(properties - spelled)}"
    )
    if cls is ErrorRule:
        when = set(RULE["properties"]["when"]["properties"])
        assert when == {"status", "headers", "body"}
    for name, field in fields.items():
        prop = node.get("properties", {}).get(renamed.get(name, name) or "", {})
        if "default" in prop and field.default is not dataclasses.MISSING:
            default = field.default
            expected = prop["default"]
            assert (list(default) if isinstance(default, tuple) else default) == expected, (
                f"{cls.__name__}.{name}: default {default!r}, schema says {expected!r}"
            )
