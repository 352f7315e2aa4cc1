"""What connectors exist and what they can do, for ``brainhub connectors``."""

from __future__ import annotations

from typing import Any

from taps.runtime.registry import load_connector, services

TAP_CAPABILITIES = ("catalog", "discover", "state", "about", "stream-maps", "schema-flattening")


def connector_summaries() -> list[dict[str, Any]]:
    """One summary per connector: executable, title, capabilities, streams."""
    summaries = []
    for service in services():
        spec = load_connector(service)
        summaries.append(
            {
                "name": spec.name,
                "executable": f"tap-{spec.service}",
                "title": spec.title,
                "capabilities": ["read", *TAP_CAPABILITIES],
                "streams": [
                    {
                        "name": stream.name,
                        "cursor": stream.incremental.cursor if stream.incremental else None,
                        "parent": ", ".join(stream.parent_names) or None,
                        "primary_key": list(stream.primary_key),
                    }
                    for stream in spec.streams.values()
                ],
            }
        )
    return summaries
