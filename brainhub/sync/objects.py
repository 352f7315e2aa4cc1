"""What the sync engine knows of each connector's synced object: where it is loaded, its id,
its update time, how a scope reads and writes, and which settings the tap and target need.

A definition names ``connector`` and ``object``; everything else about the side comes from
here, so a definition says only what differs between syncs (the scope and the fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScopeKey:
    """One key of a side's ``scope:``: the column it filters on and what it writes."""

    read: str
    #: (value) → record fields sent with every create on the side.
    write: Callable[[str], dict[str, Any]]
    #: (value) → tap and target settings the scope needs (GitHub's ``owner``).
    settings: Callable[[str], dict[str, Any]] = lambda _value: {}
    #: What a valid value looks like, for error messages.
    form: str = "text"
    check: Callable[[str], bool] = lambda value: bool(value.strip())


@dataclass(frozen=True)
class SyncObject:
    """A connector's object a sync can keep in step."""

    connector: str
    name: str
    #: The stream the tap reads it as (loaded into ``raw_<connector>.<stream>``).
    stream: str
    #: The path of the id the target writes by (the id map's remote id).
    id: str
    #: The path of the record's last update time and the functions turning it into a timestamp.
    updated: str
    updated_apply: tuple[Any, ...]
    scope: dict[str, ScopeKey]
    #: Tap settings a sync sets for its read.
    tap_settings: dict[str, Any] = field(default_factory=dict)


def _github_repository(value: str) -> bool:
    owner, _, name = value.partition("/")
    return bool(owner and name and "/" not in name)


OBJECTS: dict[tuple[str, str], SyncObject] = {
    ("clickup", "tasks"): SyncObject(
        connector="clickup",
        name="tasks",
        stream="tasks",
        id="id",
        updated="date_updated",
        updated_apply=({"to_timestamp": "epoch_ms"},),
        scope={"list_id": ScopeKey(read="list.id", write=lambda v: {"list_id": v})},
        tap_settings={"include_closed": True},
    ),
    ("github", "issues"): SyncObject(
        connector="github",
        name="issues",
        stream="issues",
        id="number",
        updated="updated_at",
        updated_apply=("to_timestamp",),
        scope={
            "repository": ScopeKey(
                read="repository_full_name",
                write=lambda v: {"repository": v.partition("/")[2]},
                settings=lambda v: {"owner": v.partition("/")[0]},
                form="owner/name",
                check=_github_repository,
            )
        },
    ),
    ("jira", "issues"): SyncObject(
        connector="jira",
        name="issues",
        stream="issues",
        id="key",
        updated="updated",
        updated_apply=("to_timestamp",),
        scope={"project": ScopeKey(read="fields.project.key", write=lambda v: {"project_key": v})},
    ),
}


def objects_of(connector: str) -> list[str]:
    """The objects a connector can sync."""
    return [name for (service, name) in OBJECTS if service == connector]
