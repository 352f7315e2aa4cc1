"""Derive a vendor's documented read surface (our own table) from its OpenAPI document.

    python scripts/derive_surface.py clickup ../shared/apis/clickup/clickup-api-v2-reference.json
    python scripts/derive_surface.py slack ../shared/apis/slack/slack_web_openapi_v2.json
    python scripts/derive_surface.py gitlab ../shared/apis/gitlab/gitlab-openapi_v2.yaml
    python scripts/derive_surface.py google-workspace ../shared/apis/google-calendar/calendar.v3.discovery.json \
        ../shared/apis/gmail/gmail.v1.discovery.json ../shared/apis/google-drive/drive.v3.discovery.json \
        ../shared/apis/google-docs/docs.v1.discovery.json
    python scripts/derive_surface.py microsoft365 ../shared/apis/microsoft-graph/msgraph-v1.0-subset.openapi.json

writes ``brainhub/sandbox/services/<service>/surface.json``: paths, query parameters and
response shapes (names, types, enums) of every documented GET operation. The document
itself stays outside the repository. Google's APIs are described by discovery documents,
not OpenAPI: a service named in ``DISCOVERY`` takes one or more of them (one emulator serves
them all) and the surface is read by :func:`derive_discovery_surface`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from brainhub.sandbox.kit.surface import (
    derive_discovery_surface,
    derive_surface,
    unwrap_odata_functions,
)

#: The prefix of the emulator's paths inside each document (an empty prefix: the document's
#: paths already carry the version, or its server URL does).
PREFIXES = {
    "asana": "",
    "bitbucket": "",
    "clickup": "/v2",
    "confluence": "",
    "discord": "",
    "github": "",
    "gitlab": "/api/v4",
    "notion": "/v1",
    "trello": "",
}

#: Slack's Swagger 2.0 document names its methods at the root (``/conversations.list``,
#: base path ``/api``); its ids have documented patterns (``^[UW][A-Z0-9]{2,}$``) that
#: shaped answers must follow.
PREFIXES["slack"] = ""
PATTERNS = {"slack"}
#: Discord's snowflakes (``^(0|[1-9][0-9]*)$``) and Graph's times are documented patterns too.
PATTERNS |= {"discord", "microsoft365"}
#: Services described by Google API discovery documents (several, served on one root).
DISCOVERY = {"google-workspace"}

#: Microsoft Graph's documents (generated from its CSDL) write functions as
#: ``/users/microsoft.graph.delta()``; the wire form is ``/users/delta``.
PREFIXES["microsoft365"] = ""
#: Graph's objects nest identity sets, facets and settings many levels deep; the shapes
#: keep the levels a client reads.
MAX_DEPTHS = {"microsoft365": 7}
#: Bitbucket's definitions are recursive (a comment's ``parent`` is a comment, a commit's
#: ``parents`` are commits): past the depth its shapes leave objects out rather than
#: write them as strings, so every shaped answer stays valid against the document.
OMIT_DEEP = {"bitbucket"}
ODATA_FUNCTIONS = {"microsoft365"}


def wire_paths(service: str, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its paths in the form clients send (OData functions unwrapped)."""
    return unwrap_odata_functions(document) if service in ODATA_FUNCTIONS else document


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] in DISCOVERY:
        return _discovery(argv[0], argv[1:])
    if len(argv) != 2 or argv[0] not in PREFIXES:
        print(
            f"usage: derive_surface.py <{'|'.join(PREFIXES)}> <openapi.json|openapi.yaml>",
            file=sys.stderr,
        )
        return 2
    service, source = argv
    try:
        text = Path(source).read_text(encoding="utf-8")
        document = yaml.safe_load(text) if source.endswith((".yaml", ".yml")) else json.loads(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"{source}: cannot read an OpenAPI (JSON or YAML) document: {exc}", file=sys.stderr)
        return 2
    document = wire_paths(service, document)
    surface = derive_surface(
        document,
        PREFIXES[service],
        patterns=service in PATTERNS,
        max_depth=MAX_DEPTHS.get(service, 14),
        omit_deep=service in OMIT_DEEP,
    )
    return _write(service, surface)


def _discovery(service: str, sources: list[str]) -> int:
    documents = []
    for source in sources:
        try:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{source}: cannot read a discovery document: {exc}", file=sys.stderr)
            return 2
        if not isinstance(document, dict) or "resources" not in document:
            print(f"{source}: not a discovery document (no resources)", file=sys.stderr)
            return 2
        documents.append(document)
    return _write(service, derive_discovery_surface(documents))


def _write(service: str, surface: dict) -> int:
    package = service.replace("-", "_")
    target = Path(__file__).resolve().parents[1] / "brainhub/sandbox/services" / package
    out = target / "surface.json"
    out.write_text(json.dumps(surface, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(surface['operations'])} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
