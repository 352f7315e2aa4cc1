"""Property-based conformance with GitLab's own REST description (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters from
GitLab's OpenAPI (Swagger 2.0) document; path ids are real ones of the seeded instance (a
generated id names nothing). Each answer must have a documented status, the documented
content type and a body valid against the documented schema, and never a 5xx.

GitLab's document is generated from its API code and types some fields otherwise than
GitLab sends them. Each such place is one row of :data:`ERRATA`, with what GitLab really
sends and why we know; the document is patched there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from brainhub.sandbox.services.gitlab import GitLabEmulator
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.gitlab_ids import real_path_values

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared/apis/gitlab/gitlab-openapi_v2.yaml"
PREFIX = "/api/v4"
pytestmark = pytest.mark.skipif(
    not DOCUMENT.exists(), reason="GitLab's REST description is kept outside the repository"
)

#: Where GitLab's document differs from what GitLab sends, one row each:
#: ``(kind, where, what, why)``; the document is patched there and nowhere else.
#:
#: - ``list``: an operation's 200 answer is an array of the documented object;
#: - ``text``: an operation answers ``text/plain``;
#: - ``field``: every definition's property of that name typed ``string`` (or, for a
#:   list, as one object) has the JSON type given instead;
#: - ``nullable``: every definition's property of that name may be ``null``;
#: - ``group id``: the ``id`` of a definition describing a group (it has ``full_path``);
#: - ``text type``: properties typed ``text``, which no JSON schema knows.
LIST = "GitLab's REST reference documents a list and GitLab answers an array"
NULL = "GitLab sends null while the value is unset (Swagger 2.0 cannot say nullable)"
ENTITY_LIST = "an entity exposed as a list (Grape's is_array) is described as one object"
COUNT = "a count, id or access level: GitLab sends an integer"
FLAG = "a flag: GitLab sends a boolean"
ERRATA: list[tuple[str, str, Any, str]] = [
    *(
        ("list", path, None, LIST)
        for path in (
            "/groups/{id}/merge_requests",
            "/groups/{id}/users",
            "/merge_requests",
            "/projects/{id}/events",
            "/projects/{id}/merge_requests",
            "/projects/{id}/merge_requests/{merge_request_iid}/closes_issues",
            "/projects/{id}/merge_requests/{merge_request_iid}/commits",
            "/projects/{id}/merge_requests/{merge_request_iid}/context_commits",
            "/projects/{id}/merge_requests/{merge_request_iid}/diffs",
            "/projects/{id}/merge_requests/{merge_request_iid}/participants",
            "/projects/{id}/merge_requests/{merge_request_iid}/pipelines",
            "/projects/{id}/merge_requests/{merge_request_iid}/reviewers",
            "/projects/{id}/repository/contributors",
            "/projects/{id}/repository/tree",
            "/topics",
            "/user/emails",
            "/user/gpg_keys",
            "/user/keys",
            "/users",
            "/users/{id}/followers",
            "/users/{id}/following",
            "/users/{id}/gpg_keys",
            "/users/{user_id}/keys",
        )
    ),
    *(
        ("text", path, None, "raw files, diffs, snippets and job logs are sent as plain text")
        for path in (
            "/projects/{id}/jobs/{job_id}/trace",
            "/projects/{id}/merge_requests/{merge_request_iid}/raw_diffs",
            "/projects/{id}/repository/blobs/{sha}/raw",
            "/projects/{id}/repository/files/{file_path}/raw",
            "/projects/{id}/snippets/{snippet_id}/files/{ref}/{file_path}/raw",
            "/projects/{id}/snippets/{snippet_id}/raw",
            "/snippets/{id}/files/{ref}/{file_path}/raw",
            "/snippets/{id}/raw",
        )
    ),
    *(
        ("field", name, "list", ENTITY_LIST)
        for name in (
            "assignees",
            "changes",
            "evidences",
            "links",
            "milestones",
            "reviewers",
            "sources",
        )
    ),
    *(
        ("field", name, {"type": "integer"}, COUNT)
        for name in (
            "access_level",
            "downvotes",
            "source_project_id",
            "target_project_id",
            "upvotes",
            "user_notes_count",
        )
    ),
    *(
        ("field", name, {"type": "boolean"}, FLAG)
        for name in (
            "draft",
            "force_remove_source_branch",
            "merge_when_pipeline_succeeds",
            "squash",
            "work_in_progress",
        )
    ),
    ("field", "labels", {"type": "array", "items": {"type": "string"}}, "label names"),
    (
        "field",
        "task_completion_status",
        {"type": "object", "properties": {"count": {"type": "integer"}}},
        "an object of task counts",
    ),
    ("group id", "id", {"type": "integer"}, "group and namespace ids are integers"),
    ("text type", "text", {"type": "string"}, "'text' is no JSON type: GitLab sends a string"),
    *(
        ("nullable", name, None, NULL)
        for name in (
            "approvals_before_merge",
            "assignee",
            "avatar_url",
            "closed_at",
            "closed_by",
            "coverage",
            "discussion_locked",
            "expires_at",
            "human_time_estimate",
            "human_total_time_spent",
            "merge_commit_sha",
            "merge_user",
            "merged_at",
            "merged_by",
            "milestone",
            "parent_id",
            "should_remove_source_branch",
            "squash_commit_sha",
            "status",
        )
    ),
]


def load_document() -> dict[str, Any]:
    """GitLab's document (with libyaml when there is one: it is 5 MB of YAML)."""
    text = DOCUMENT.read_text(encoding="utf-8")
    if hasattr(yaml, "CSafeLoader"):
        return dict(yaml.load(text, Loader=yaml.CSafeLoader))
    return dict(yaml.safe_load(text))


def patched_document(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every row of :data:`ERRATA` applied."""
    for row in ERRATA:
        apply_erratum(document, row)
    return document


def apply_erratum(document: dict[str, Any], row: tuple[str, str, Any, str]) -> int:
    """Apply one row of :data:`ERRATA` to ``document``; how many places it changed."""
    kind, where, what, _why = row
    if kind in ("list", "text"):
        ok = document["paths"][PREFIX + where]["get"]["responses"]["200"]
        if kind == "text":
            document["paths"][PREFIX + where]["get"]["produces"] = ["text/plain; charset=utf-8"]
            ok.pop("schema", None)
            return 1
        if ok.get("schema", {}).get("type") == "array":
            return 0
        ok["schema"] = {"type": "array", "items": ok["schema"]}
        return 1
    changed = 0
    for properties in _property_maps(document["definitions"]):
        if kind == "text type":
            for name, schema in properties.items():
                if isinstance(schema, dict) and schema.get("type") == where:
                    properties[name] = {**schema, **what}
                    changed += 1
            continue
        schema = properties.get(where)
        if not isinstance(schema, dict):
            continue
        before = properties[where]
        if kind == "nullable":
            properties[where] = {"anyOf": [schema, {"type": "null"}]}
        elif kind == "group id":
            if "full_path" in properties and schema.get("type") == "string":
                properties[where] = what
        elif what == "list":
            if "$ref" in schema:
                properties[where] = {"type": "array", "items": schema}
        elif schema.get("type") == "string" and not (where == "labels" and "self" in properties):
            properties[where] = what
        changed += properties[where] is not before
    return changed


def _property_maps(node: Any) -> Iterator[dict[str, Any]]:
    """Every ``properties`` map of every definition, nested ones too."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield node["properties"]
        for value in node.values():
            yield from _property_maps(value)
    elif isinstance(node, list):
        for value in node:
            yield from _property_maps(value)


def real_query(query: dict[str, Any]) -> dict[str, Any]:
    """``query`` with names a generated value cannot satisfy made real: a ref and a
    directory that exist (a generated one names nothing), and a value for required names
    left empty (GitLab answers 400 to an empty one)."""
    always = {"ref": "main", "path": "src"}
    when_empty = {"from": "main", "to": "develop", "refs": "main"}
    when_empty |= {"email": "ada1@example.com", "version": "1.0.0"}
    chosen = {k: when_empty.get(k, v) if v in ("", None) else v for k, v in query.items()}
    return {**chosen, **{k: v for k, v in always.items() if k in query}}


EMULATOR = GitLabEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema(
        "gitlab",
        GitLabEmulator,
        patched_document(load_document()),
        PREFIX,
        EXAMPLES_PER_OPERATION,
    )
    if DOCUMENT.exists()
    else None
)


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        template = case.operation.path[len(PREFIX) :]
        real = real_path_values(EMULATOR, template)
        case.path_parameters = {
            name: real.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        case.query = real_query(case.query or {})
        case.headers = {**(case.headers or {}), "PRIVATE-TOKEN": EMULATOR.credentials["api_token"]}
        case.call_and_validate(base_url=served.root_url, session=session, checks=CHECKS)


def test_every_erratum_corrects_something_the_document_says():
    """No row is a blanket loosening: each one changes the document where it points."""
    document = load_document()
    assert [row for row in ERRATA if apply_erratum(document, row) == 0] == []
    assert all(why for *_row, why in ERRATA)
