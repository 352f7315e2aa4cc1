"""Confluence Cloud's webhooks, as an Atlassian Connect app receives them.

Confluence Cloud sends webhooks only to apps: each ``webhooks`` module names one event and
the URL it goes to. Here an app registers its modules at run time through Connect's dynamic
modules endpoint, ``POST /wiki/rest/atlassian-connect/1/app/module/dynamic``
``{"webhooks": [{"key", "event": "page_updated", "url"}]}`` (``DELETE`` with
``?moduleKey=`` removes them). Each page, blog post or footer-comment change is delivered to
the modules of its event with Connect's payload — ``{"page"|"blogpost"|"comment": {...},
"userAccountId", "timestamp", "updateTrigger"?}`` — and ``Authorization: JWT <token>``: an
HS256 token signed with the installation's shared secret whose ``qsh`` claim hashes the
request's method, path and query (:mod:`brainhub.webhooks.schemes`). The shared secret is
the sandbox app's (``brainhub sandbox webhooks app-secret confluence``), as Connect hands it
to the app at installation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import WebhookEvent

#: Connect's dynamic modules endpoint (outside the v2 API's base path).
DYNAMIC_MODULES = "/wiki/rest/atlassian-connect/1/app/module/dynamic"
SITE = "https://octo-sandbox.atlassian.net/wiki"
#: ``(journal object, op)`` → the webhook event, by whether the content is a blog post.
EVENTS = {
    ("page", "create"): ("page_created", "blog_created"),
    ("page", "update"): ("page_updated", "blog_updated"),
    ("page", "delete"): ("page_removed", "blog_removed"),
    ("blogpost", "create"): ("blog_created", "blog_created"),
    ("blogpost", "update"): ("blog_updated", "blog_updated"),
    ("blogpost", "delete"): ("blog_removed", "blog_removed"),
    ("footer_comment", "create"): ("comment_created", "comment_created"),
    ("footer_comment", "update"): ("comment_updated", "comment_updated"),
    ("footer_comment", "delete"): ("comment_removed", "comment_removed"),
}
#: Every event a module may name here.
KNOWN_EVENTS = frozenset(name for pair in EVENTS.values() for name in pair) | {"page_trashed"}


def modules_of(body: Any) -> list[dict[str, str]] | str:
    """The ``webhooks`` modules of a registration, or what is wrong with it."""
    modules = body.get("webhooks") if isinstance(body, dict) else None
    if not isinstance(modules, list) or not modules:
        return 'give {"webhooks": [{"key", "event", "url"}, ...]}'
    found = []
    for number, module in enumerate(modules):
        if not isinstance(module, dict):
            return f"webhooks[{number}] must be an object"
        key, event, url = (module.get(name) for name in ("key", "event", "url"))
        if not isinstance(key, str) or not key:
            return f"webhooks[{number}].key is required"
        if event not in KNOWN_EVENTS:
            return f"webhooks[{number}].event must be one of {', '.join(sorted(KNOWN_EVENTS))}"
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return f"webhooks[{number}].url must be an absolute http(s) URL"
        found.append({"key": key, "event": str(event), "url": url})
    return found


def _ms(at: str) -> int:
    return int(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() * 1000)


def _content(item: Mapping[str, Any], kind: str, spaces: Mapping[str, str]) -> dict[str, Any]:
    version = item.get("version") or {}
    brief: dict[str, Any] = {
        "id": int(item["id"]),
        "title": item.get("title"),
        "creatorAccountId": item.get("authorId"),
        "lastModifierAccountId": version.get("authorId", item.get("authorId")),
        "creationDate": _ms(str(item["createdAt"])),
        "modificationDate": _ms(str(version.get("createdAt", item["createdAt"]))),
        "version": version.get("number", 1),
        "self": f"{SITE}{(item.get('_links') or {}).get('webui', '')}",
        "contentType": kind,
    }
    if "spaceId" in item:
        brief["spaceKey"] = spaces.get(str(item["spaceId"]), "")
    return brief


def event_of(
    change: Change,
    lookup: Mapping[str, Mapping[str, Mapping[str, Any]]],
    spaces: Mapping[str, str],
    account: str,
    at_ms: int,
) -> WebhookEvent | None:
    """The Connect webhook of one change; ``lookup`` holds the current ``pages``,
    ``blogposts`` and ``comments`` by id, ``spaces`` the space keys by id."""
    names = EVENTS.get((change.object, change.op))
    if names is None:
        return None
    body: dict[str, Any] = {
        "userAccountId": account,
        "accountType": "atlassian",
        "timestamp": at_ms,
    }
    if change.object == "footer_comment":
        comment = lookup["comments"].get(change.id)
        if comment is None:
            return None
        parent_id = str(comment.get("pageId") or comment.get("blogPostId") or "")
        parent_kind = "page" if parent_id in lookup["pages"] else "blogpost"
        parent = lookup["pages" if parent_kind == "page" else "blogposts"].get(parent_id)
        brief = _content(comment, "comment", spaces)
        if parent is not None:
            brief["parent"] = _content(parent, parent_kind, spaces)
        body["comment"] = brief
        return WebhookEvent(names[0], body)
    is_blog = change.object == "blogpost" or change.id in lookup["blogposts"]
    item = lookup["blogposts" if is_blog else "pages"].get(change.id)
    if item is None:
        return None
    name = names[1] if is_blog else names[0]
    if name == "page_updated" and item.get("status") == "trashed":
        name = "page_trashed"
    if change.op == "update":
        body["updateTrigger"] = "edit_page"
    body["blog" if is_blog else "page"] = _content(item, "blogpost" if is_blog else "page", spaces)
    return WebhookEvent(name, body)
