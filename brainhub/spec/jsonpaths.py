"""Paths into response bodies, as specs write them: JSONPath (``$.tasks[*]``,
``$['@odata.nextLink']``) or, for a single value, a dotted path (``next_page.offset``).

A dotted path cannot name a key that itself contains a dot; JSONPath's bracket form can. Both
are checked when a spec loads (:func:`path_problem`), so a typo fails there, with the spec's
file and line, and not in the middle of a sync.
"""

from __future__ import annotations

from typing import Any

from singer_sdk.helpers.jsonpath import extract_jsonpath

from brainhub.spec.placeholders import dig


def is_jsonpath(path: str) -> bool:
    """Whether ``path`` is JSONPath (starts at the root, ``$``) rather than dotted."""
    return path.startswith("$")


def jsonpath_problem(path: str) -> str | None:
    """Why ``path`` is not a usable JSONPath, or None when it is."""
    if not is_jsonpath(path):
        return f"{path!r} is not a JSONPath (it starts at the root: $.items[*], $['a.b'])"
    try:
        list(extract_jsonpath(path, {}))
    except Exception as exc:  # the parser raises several unrelated types
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return f"{path!r} is not a valid JSONPath ({reason})"
    return None


def path_problem(path: str) -> str | None:
    """Why a body path (JSONPath or dotted) is unusable, or None when it is fine."""
    if is_jsonpath(path):
        return jsonpath_problem(path)
    if not path or any(not part for part in path.split(".")):
        return (
            f"{path!r} is not a dotted path (write a.b.c, or JSONPath such as "
            "$['key.with.dots'] for keys that contain dots)"
        )
    return None


def body_value(body: Any, path: str) -> Any:
    """The value at ``path`` in a parsed body (the first match for JSONPath), or None."""
    if not is_jsonpath(path):
        return dig(body, path)
    if not isinstance(body, dict | list):
        return None
    return next(iter(extract_jsonpath(path, body)), None)
