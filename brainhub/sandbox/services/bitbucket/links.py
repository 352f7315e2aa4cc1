"""Bitbucket's ``links`` on every object: absolute API URLs (``self``, ``pullrequests``,
``comments``…) a client follows, plus ``html`` pages on bitbucket.org.

The store keeps objects without links; :func:`linked` adds them to an answer for the
host that asked, so a client of the emulator follows links back to it.
"""

from __future__ import annotations

from typing import Any

WEB = "https://bitbucket.org"

_WORKSPACE = ("repositories", "projects", "members", "snippets")
# the link names Bitbucket's document allows on each object (it allows no others)
_REPOSITORY = ("pullrequests", "commits", "forks", "watchers", "downloads", "hooks")
_PULL = ("commits", "comments", "activity", "diffstat", "diff", "approve", "merge", "decline")


def _href(url: str) -> dict[str, str]:
    # Bitbucket writes the braces of a UUID in a URL percent-encoded
    return {"href": url.replace("{", "%7B").replace("}", "%7D")}


def _links(api: str, obj: dict[str, Any], repo: str | None) -> dict[str, Any] | None:
    kind = obj.get("type")
    if kind == "workspace" and obj.get("slug"):
        base = f"{api}/workspaces/{obj['slug']}"
        links = {name: _href(f"{base}/{name}") for name in _WORKSPACE}
        links["repositories"] = _href(f"{api}/repositories/{obj['slug']}")
        return {"self": _href(base), "html": _href(f"{WEB}/{obj['slug']}/"), **links}
    if kind == "repository" and obj.get("full_name"):
        base = f"{api}/repositories/{obj['full_name']}"
        links = {name: _href(f"{base}/{name}") for name in _REPOSITORY}
        return {"self": _href(base), "html": _href(f"{WEB}/{obj['full_name']}"), **links}
    if kind == "pullrequest" and repo and "id" in obj:
        base = f"{api}/repositories/{repo}/pullrequests/{obj['id']}"
        links = {name: _href(f"{base}/{name}") for name in _PULL}
        html = f"{WEB}/{repo}/pull-requests/{obj['id']}"
        return {"self": _href(base), "html": _href(html), **links}
    if kind == "commit" and repo and obj.get("hash"):
        base = f"{api}/repositories/{repo}/commit/{obj['hash']}"
        html = f"{WEB}/{repo}/commits/{obj['hash']}"
        return {"self": _href(base), "html": _href(html), "comments": _href(f"{base}/comments")}
    if kind == "issue" and repo and "id" in obj:
        base = f"{api}/repositories/{repo}/issues/{obj['id']}"
        html = f"{WEB}/{repo}/issues/{obj['id']}"
        return {"self": _href(base), "html": _href(html), "comments": _href(f"{base}/comments")}
    if kind == "pipeline" and repo and obj.get("uuid"):
        base = f"{api}/repositories/{repo}/pipelines/{obj['uuid']}"
        kind = {"type": "pipelines_links_section_href"}
        return {
            "type": "pipelines_pipeline_links",
            "self": {**kind, **_href(base)},
            "steps": {**kind, **_href(f"{base}/steps")},
        }
    if kind == "user" and obj.get("uuid"):
        return {"self": _href(f"{api}/users/{obj['uuid']}"), "html": _href(f"{WEB}/{obj['uuid']}/")}
    return None


def _repository_of(obj: dict[str, Any]) -> str | None:
    for path in (("repository",), ("destination", "repository")):
        value: Any = obj
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict) and value.get("full_name"):
            return str(value["full_name"])
    return None


def linked(body: Any, api: str, repo: str | None = None) -> Any:
    """A copy of ``body`` whose objects carry their links under ``api`` (the API root
    the request reached, e.g. ``http://127.0.0.1:8080/2.0``); ``repo`` is the full name
    of the repository the request names, for objects that do not say it themselves."""
    if isinstance(body, list):
        return [linked(item, api, repo) for item in body]
    if not isinstance(body, dict):
        return body
    own = _repository_of(body) or repo
    # an unset field is left out, as the document's schemas (not nullable) describe it
    out = {key: linked(value, api, own) for key, value in body.items() if value is not None}
    links = _links(api, body, own)
    if links is not None and "links" not in body:
        out["links"] = links
    return out
