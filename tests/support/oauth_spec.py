"""A connector spec on Asana's API that signs in with OAuth (refresh-token grant).

The shipped ``taps/asana`` spec sends a personal access token; this one exchanges a rotating
refresh token at Asana's token endpoint (``/-/oauth_token``), as an OAuth app would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def asana_oauth_spec(folder: Path, streams: tuple[str, ...] = ("workspaces", "users")) -> Path:
    """Write the spec (with the shipped schemas) under ``folder/asana``; its path."""
    spec = yaml.safe_load((REPO / "taps" / "asana" / "spec.yaml").read_text())
    spec["settings"] = {
        "client_id": {"type": "string", "required": True},
        "client_secret": {"type": "string", "required": True, "secret": True},
        "refresh_token": {"type": "string", "required": True, "secret": True},
        "page_size": spec["settings"]["page_size"],
        "workspace_ids": spec["settings"]["workspace_ids"],
    }
    spec["auth"] = {
        "type": "oauth2_refresh_token",
        "token_url": "/-/oauth_token",
        "client_id": "{config.client_id}",
        "client_secret": "{config.client_secret}",
        "refresh_token": "{config.refresh_token}",
    }
    spec["streams"] = {name: spec["streams"][name] for name in streams}
    target = folder / "asana"
    shutil.copytree(REPO / "taps" / "asana" / "schemas", target / "schemas")
    (target / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return target / "spec.yaml"
