"""The sandbox page, ``docs/sandbox.md``, generated from the emulators' own code.

Per service: the coverage line and the left-out operations by reason (from
:func:`brainhub.sandbox.kit.coverage.coverage`, the data of ``brainhub sandbox coverage``),
the clients tested against it (:data:`brainhub.sandbox.clients.TESTED`), the HTTP manners
read from the emulator class and declared beside the clients, and how to point a client at
it. A test keeps the committed page equal to this module's output.
"""

from __future__ import annotations

from collections.abc import Mapping

from brainhub.sandbox.clients import TESTED, Tested
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit.coverage import Coverage, coverage
from brainhub.sandbox.kit.emulator import KitEmulator
from brainhub.sandbox.kit.oauth import CLIENT_ID, CLIENT_SECRET
from brainhub.sandbox.registry import emulator_class, services

HEADER = """# Sandbox emulators

<!-- Generated from the emulators' code by `brainhub docs --write`. Do not edit. -->

Every connector has an offline emulator of its vendor's API in
`brainhub/sandbox/services/<service>/`, listening on 127.0.0.1 only. Emulators on the
emulator kit (`brainhub/sandbox/kit`) declare every documented GET operation of the
vendor's API document as served (by a handler over the seeded data, or shaped from the
documented response schema) or left out with a reason; the figures below are what
`brainhub sandbox coverage <service> --json` reports from the emulator's own routing.

## Pointing a client at an emulator

```sh
.venv/bin/brainhub sandbox serve <service> [--port N] [--size tiny|demo|large] [--rate-limit N]
```

prints one JSON line, then serves until interrupted:

```json
{"service": "<service>", "base_url": "http://127.0.0.1:<port><base path>", "credentials": {"<setting>": "…"}, "seed": 1, "size": "demo", "generation": 1, "rate_limit": 100, "rate_window_s": 60.0}
```

Give the client `base_url` as its API root and the `credentials` as the vendor expects them
(header, query or body; each service below names them). A tap needs no credentials at all:
its `base_url` setting `sandbox://<service>?size=demo&seed=1` starts the emulator itself.

"""


def render_sandbox_page(titles: Mapping[str, str] | None = None) -> str:
    """The whole page as Markdown; ``titles`` names services for people (else their key)."""
    titles = titles or {}
    reports = {service: coverage(service, emulator_class(service)) for service in services()}
    out = [HEADER, "## Services\n\n"]
    out.append("| service | on the kit | documented GET operations | tested with |\n")
    out.append("|---|---|---|---|\n")
    for service, report in reports.items():
        tested = TESTED.get(service)
        clients = ", ".join(c.name for c in tested.clients) if tested else "(none declared)"
        out.append(
            f"| [{titles.get(service, service)}](#{service}) | "
            f"{'yes' if _on_kit(emulator_class(service)) else 'not yet'} | "
            f"{_coverage_cell(report)} | {clients} |\n"
        )
    for service, report in reports.items():
        out.append("\n")
        out.append(_service_section(service, titles.get(service, service), report))
    return "".join(out)


def _on_kit(cls: type[Emulator]) -> bool:
    return issubclass(cls, KitEmulator)


def _coverage_cell(report: Coverage) -> str:
    if not report.described:
        return f"not described ({len(report.routes)} GET routes)"
    return (
        f"{len(report.served)} of {report.documented} served, {len(report.left_out)} left "
        f"out, {len(report.missing)} missing"
    )


def _service_section(service: str, title: str, report: Coverage) -> str:
    cls = emulator_class(service)
    tested = TESTED.get(service)
    out = [f'<a id="{service}"></a>\n\n## {title} (`{service}`)\n\n']
    out.append("**Coverage.** ")
    if report.described:
        out.append(report.text().splitlines()[0].removeprefix(f"{service}: ") + ".")
        for title_, rows in (
            ("Claimed served but not routed", report.unrouted),
            ("Served but not in the vendor's document", report.undocumented),
        ):
            if rows:
                out.append(f" {title_}: {', '.join(f'`{row}`' for row in rows)}.")
        out.append("\n")
        out.append(_left_out(report))
    else:
        on_kit = "On the emulator kit" if _on_kit(cls) else "Not yet on the emulator kit"
        out.append(
            f"{on_kit}: no operation table derived from the vendor's document yet. It serves "
            f"these {len(report.routes)} GET routes:\n\n"
        )
        out.extend(f"- `{route}`\n" for route in report.routes)
    out.append("\n### Clients tested against it\n\n")
    if tested is None:
        out.append("None declared in `brainhub/sandbox/clients.py`.\n")
    else:
        for client in tested.clients:
            package = f" (`{client.package}` on PyPI)" if client.package else ""
            out.append(
                f"- {client.name}{package}, pointed at the emulator by {client.pointed_by}: "
                f"`{client.proof}`\n"
            )
    out.append("\n### HTTP manners\n\n")
    out.append(_manners(cls, tested))
    out.append("\n### Pointing a client at it\n\n")
    credentials = ", ".join(f"`{name}`" for name in sorted(_credential_names(cls)))
    out.append(
        f"`brainhub sandbox serve {service}` prints `base_url` "
        f"`http://127.0.0.1:<port>{cls.base_path}` and `credentials` {credentials}; "
        f"sizes {', '.join(f'`{size}`' for size in cls.size_names)}.\n"
    )
    oauth = getattr(cls, "oauth", None)
    if oauth is not None:
        out.append(
            f"\nOAuth: `POST {oauth.endpoint}` answers the refresh-token grant (form or JSON "
            f"body; client `{CLIENT_ID}` / `{CLIENT_SECRET}` in the body or as basic auth) "
            "with a new access token and a new refresh token, and refuses a spent refresh "
            f"token with `invalid_grant` (HTTP {oauth.error_status}). Access tokens expire "
            "after the `oauth_ttl_s` option (default an hour); the dataset's first refresh "
            "token is `emulator.oauth_credentials()['refresh_token']`.\n"
        )
        if oauth.client_credentials:
            scope = f" with scope `{oauth.scope}`" if oauth.scope else ""
            out.append(
                f"\nIt also answers the client-credentials grant{scope} (client "
                f"`{CLIENT_ID}` and the `client_secret` credential): an app-only access "
                "token, no refresh token.\n"
            )
    return "".join(out)


def _left_out(report: Coverage) -> str:
    by_reason: dict[str, list[str]] = {}
    for key, reason in report.left_out.items():
        by_reason.setdefault(reason, []).append(key)
    out = ["\n### Left out, by reason\n\n"]
    if not by_reason:
        out.append("Nothing: every documented GET operation is served.\n")
    for reason, keys in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
        out.append(f"- {reason} ({len(keys)}): {', '.join(f'`{key}`' for key in keys)}\n")
    if report.missing:
        out.append(f"\nMissing ({len(report.missing)}): ")
        out.append(", ".join(f"`{key}`" for key in report.missing) + "\n")
    return "".join(out)


def _manners(cls: type[Emulator], tested: Tested | None) -> str:
    """The manners read from the class, then the declared ones, each with its proof."""
    proof = f" (`{tested.manners_proof}`)" if tested and tested.manners_proof else ""
    rows: list[str] = []
    if issubclass(cls, KitEmulator):
        manners = cls.manners
        rows.append(f"JSON sent as `{manners.json_content_type}`")
        if manners.gzip_when_asked:
            rows.append(
                f"gzip when the client sends `Accept-Encoding: gzip` (bodies of "
                f"{manners.gzip_min_bytes:,} bytes or more), with `Vary: Accept-Encoding`"
            )
        else:
            rows.append("no compression, even when asked")
        rows.append("`HEAD` on every `GET` route: the same status and headers, no body")
    rows.append("`//` in a path read as `/`" if cls.merges_slashes else "`//` in a path not merged")
    rows.append(_rate_limit(cls))
    out = [f"- {row}{proof}\n" for row in rows]
    for manner in tested.manners if tested else ():
        out.append(f"- {manner.text} (`{manner.proof}`)\n")
    return "".join(out)


def _rate_limit(cls: type[Emulator]) -> str:
    if cls.make_rate_limiter is not Emulator.make_rate_limiter:
        text = (
            "the vendor's documented rate limits, counted per method tier and credential "
            "(`--rate-limit N` gives every tier N)"
        )
    else:
        window = cls.rate_limit_window_s
        span = f"{window / 3600:g} h" if window >= 3600 else f"{window:g} s"
        text = (
            f"the vendor's documented rate limit, {cls.default_rate_limit:,} requests per "
            f"{span} per credential (`--rate-limit` changes it)"
        )
    if cls.rate_limit_headers is not Emulator.rate_limit_headers:
        text += "; rate-limit headers on answers"
    return text + "; over it, the vendor's own throttled answer"


def _credential_names(cls: type[Emulator]) -> list[str]:
    """The names of the settings ``serve`` prints (never their values)."""
    return list(cls(size=cls.size_names[0], generation=1).credentials)
