"""REST API version 2 beside version 3: the same resources, rich text as wiki markup.

Jira serves every ``/rest/api/3`` resource at ``/rest/api/2`` too; the only difference in
the bodies is that v3 writes descriptions, comment bodies and worklog comments as
Atlassian Document Format and v2 as wiki-markup strings, and that ``self`` links name
the version asked. :func:`as_v2` turns a v3 answer into the v2 one.
"""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.jira.render import API, SITE, adf_paragraphs

API_V2 = f"{SITE}/rest/api/2"


def is_adf(value: Any) -> bool:
    """Whether ``value`` is an Atlassian Document Format document."""
    return isinstance(value, dict) and value.get("type") == "doc" and "content" in value


def wiki(document: dict[str, Any]) -> str:
    """The wiki markup of an ADF document (its paragraphs, a blank line between)."""
    return "\n\n".join(adf_paragraphs(document))


def as_v2(value: Any) -> Any:
    """``value`` (a v3 answer) as v2 answers it: ADF as wiki markup, v2 ``self`` links."""
    if is_adf(value):
        return wiki(value)
    if isinstance(value, dict):
        return {key: as_v2(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_v2(item) for item in value]
    if isinstance(value, str) and value.startswith(API + "/"):
        return API_V2 + value[len(API) :]
    return value
