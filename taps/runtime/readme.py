"""Connector READMEs (``taps/<service>/README.md``), generated from the spec; a test checks them."""

from __future__ import annotations

from brainhub.http import OVERRIDE_SETTINGS
from brainhub.spec.model import ENGINE_SETTINGS, ConnectorSpec, StreamSpec

HEADER = "<!-- Generated from spec.yaml by `brainhub docs --write`. Do not edit. -->\n\n"


def render_readme(spec: ConnectorSpec) -> str:
    """The connector's README as Markdown."""
    out = [f"# tap-{spec.name}: {spec.title}\n\n", HEADER]
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
        "`tap-" + spec.name + " --about` lists them with descriptions.\n\n"
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
        f"meltano run tap-{spec.name} target-duckdb        # offline, against the sandbox emulator\n"
        f"tap-{spec.name} --config config.json --discover > catalog.json\n"
        f"tap-{spec.name} --config config.json --catalog catalog.json --state state.json | target-duckdb\n"
        f"brainhub sandbox serve {spec.name} --port 8765   # the emulator on 127.0.0.1\n"
        "```\n\n"
    )


def _stream_row(stream: StreamSpec) -> str:
    paths = [f"`{stream.method} {link.path}`" for link in stream.parents] or [
        f"`{stream.method} {stream.path}`"
    ]
    incremental = ""
    if stream.incremental:
        inc = stream.incremental
        incremental = f"`{inc.cursor}` ({inc.format}"
        incremental += f", filter `{inc.param}`)" if inc.param else ", client-side)"
    paging = stream.paginator["type"]
    return (
        f"| `{stream.name}` | {'<br>'.join(paths)} | "
        f"{', '.join(f'`{k}`' for k in stream.primary_key)} | {incremental} | "
        f"{', '.join(stream.parent_names)} | {paging} |\n"
    )


def _http(spec: ConnectorSpec) -> str:
    limit = (spec.http or {}).get("rate_limit")
    out = ["\n## Limits and errors\n\n"]
    if limit:
        out.append(
            f"Paced to at most {limit['requests']} requests per {limit['per']} "
            "(override with `rate_limit_requests`).\n"
        )
    else:
        out.append("No documented rate limit; throttling responses are honoured.\n")
    for rule in spec.errors:
        out.append(f"- when {rule['when']}: {rule['action']}\n")
    return "".join(out)


def _default(value: object) -> str:
    if value is None:
        return ""
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"
