"""Connector READMEs (``taps/<service>/README.md``), generated from the spec; a test checks them."""

from __future__ import annotations

import json

from brainhub.http import OVERRIDE_SETTINGS, ErrorRule
from brainhub.http.policy import PER_UNITS
from brainhub.spec.model import ENGINE_SETTINGS, ConnectorSpec, StreamSpec

HEADER = "<!-- Generated from spec.yaml by `brainhub docs --write`. Do not edit. -->\n\n"


def render_readme(spec: ConnectorSpec) -> str:
    """The connector's README as Markdown."""
    out = [f"# tap-{spec.service}: {spec.title}\n\n", HEADER]
    if spec.description:
        out.append(" ".join(spec.description.split()) + "\n\n")
    if spec.docs_url:
        out.append(f"Vendor API reference: <{spec.docs_url}>\n\n")
    out.append(_usage(spec))
    out.append("## Settings\n\n| setting | type | required | secret | default | description |\n")
    out.append("|---|---|---|---|---|---|\n")
    for s in spec.settings.values():
        out.append(
            f"| `{s.name}` | {s.type}{f' of {s.items}' if s.items else ''} | "
            f"{'yes' if s.required else ''} | {'yes' if s.secret else ''} | "
            f"{_default(s.default)} | {s.description} |\n"
        )
    engine = ", ".join(f"`{name}`" for name in ENGINE_SETTINGS)
    overrides = ", ".join(f"`{o.name}`" for o in OVERRIDE_SETTINGS)
    out.append(
        f"\nEvery brainhub tap also takes {engine} and the HTTP overrides {overrides}; "
        "`tap-" + spec.service + " --about` lists them with descriptions.\n\n"
    )
    out.append(
        "## Streams\n\n| stream | endpoint | primary key | incremental | parent | paging |\n"
    )
    out.append("|---|---|---|---|---|---|\n")
    for stream in spec.streams.values():
        out.append(_stream_row(stream))
    out.append(_http(spec))
    return "".join(out)


def _usage(spec: ConnectorSpec) -> str:
    return (
        "## Use\n\n```sh\n"
        f"meltano run tap-{spec.service} target-duckdb        # offline, against the sandbox emulator\n"
        f"tap-{spec.service} --config config.json --discover > catalog.json\n"
        f"tap-{spec.service} --config config.json --catalog catalog.json --state state.json | target-duckdb\n"
        f"brainhub sandbox serve {spec.service}   # the emulator on a free 127.0.0.1 port (printed)\n"
        "```\n\n"
    )


def _stream_row(stream: StreamSpec) -> str:
    host = f"{stream.host}: " if stream.host else ""
    paths = [f"`{stream.method} {host}{link.path}`" for link in stream.parents] or [
        f"`{stream.method} {host}{stream.path}`"
    ]
    incremental = ""
    if stream.sync_token:
        sync = stream.sync_token
        incremental = f"sync token (`{sync.token_from}` sent as `{sync.param}`)"
    if stream.incremental:
        inc = stream.incremental
        incremental = f"`{inc.cursor}` ({inc.format}"
        incremental += f", filter `{inc.param}`)" if inc.param else ", client-side)"
    elif stream.delta:
        incremental = "delta link"
    paging = stream.paginator.kind
    return (
        f"| `{stream.name}` | {'<br>'.join(paths)} | "
        f"{', '.join(f'`{k}`' for k in stream.primary_key)} | {incremental} | "
        f"{', '.join(stream.parent_names)} | {paging} |\n"
    )


def _http(spec: ConnectorSpec) -> str:
    limit = spec.http.rate_limit
    out = ["\n## Limits and errors\n\n"]
    if limit:
        out.append(
            f"Paced to at most {limit.requests} requests per {_window(limit.per)} "
            "(override with `rate_limit_requests`).\n"
        )
    else:
        out.append("No documented rate limit; throttling responses are honoured.\n")
    writes = spec.http.write_rate_limit
    if writes:
        burst = f", at most {writes.burst} at once" if writes.burst else ""
        out.append(
            f"Writes (`target-{spec.service}`) also spend a budget of {writes.requests} per "
            f"{_window(writes.per)}{burst}.\n"
        )
    for endpoint in spec.http.endpoint_limits:
        method = f"{endpoint.method} " if endpoint.method else ""
        out.append(
            f"Requests to `{method}{endpoint.path}` also spend a budget of their own: "
            f"{endpoint.requests} per {_window(endpoint.per)}.\n"
        )
    if spec.http.rate_limit_headers.bucket:
        out.append(
            f"Per-route buckets are learned from `{spec.http.rate_limit_headers.bucket}`: "
            "routes of one bucket share the budget the API reports for it.\n"
        )
    for rule in spec.http.errors:
        out.append(f"- when {_condition(rule)}: {rule.action}\n")
    return "".join(out)


def _window(seconds: float) -> str:
    units = {v: k for k, v in PER_UNITS.items()}
    return units.get(seconds) or f"{seconds:g} seconds"


def _condition(rule: ErrorRule) -> str:
    """An error rule's test in words: ``status 403 or 429 and header x-a = 0``."""
    tests = []
    if rule.statuses:
        tests.append("status " + " or ".join(str(s) for s in rule.statuses))
    tests += [f"header `{name}` = `{value}`" for name, value in rule.headers]
    if rule.body is not None:
        where = f"body `{'.'.join(rule.body.path)}`"
        if rule.body.one_of is not None:
            tests.append(f"{where} in " + ", ".join(f"`{v}`" for v in rule.body.one_of))
        elif rule.body.has_equals:
            tests.append(f"{where} = `{json.dumps(rule.body.equals)}`")
        else:
            tests.append(f"{where} is present")
    return " and ".join(tests)


def _default(value: object) -> str:
    if value is None:
        return ""
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"
