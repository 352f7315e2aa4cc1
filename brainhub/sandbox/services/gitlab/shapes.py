"""GitLab's answers shaped as GitLab sends them where its description says otherwise.

GitLab's OpenAPI description is generated from its API entities and loses some of what
they expose: a list of entities (``assignees``, a release's ``evidences``) is described as
one object, and many counts, flags and ids are typed ``string``. Shaped answers follow
what GitLab sends: the fields below take their real JSON type whenever the description
types them as a string (or a single object), wherever they appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brainhub.sandbox.kit.shapes import Shape, Shaper

#: Fields GitLab sends as a list of the object the description names.
LISTS = frozenset(
    {"assignees", "changes", "evidences", "links", "milestones", "reviewers", "sources"}
)
#: Fields GitLab sends as integers (counts, ids, access levels).
INTEGERS = frozenset(
    {
        "access_level",
        "downvotes",
        "source_project_id",
        "target_project_id",
        "upvotes",
        "user_notes_count",
    }
)
#: Fields GitLab sends as booleans.
BOOLEANS = frozenset(
    {
        "draft",
        "force_remove_source_branch",
        "merge_when_pipeline_succeeds",
        "squash",
        "work_in_progress",
    }
)


class GitLabShaper(Shaper):
    """A :class:`Shaper` that corrects GitLab's description where GitLab differs."""

    def _value(
        self, shape: Shape, name: str, parent: str, context: Mapping[str, Any], path: str
    ) -> Any:
        if name in LISTS and "o" in shape:
            return [super()._value(shape, name, parent, context, path + "[]")]
        if shape.get("t") == "string" and parent != "_links" and not path.endswith("[]"):
            if name in INTEGERS:
                return super()._value({"t": "integer"}, name, parent, context, path)
            if name in BOOLEANS:
                return False
            if name == "labels":
                return [str(super()._value(shape, name, parent, context, path))]
            if name == "task_completion_status":
                return {"count": 0, "completed_count": 0}
        return super()._value(shape, name, parent, context, path)

    def _object(
        self, fields: Mapping[str, Shape], name: str, context: Mapping[str, Any], path: str
    ) -> dict[str, Any]:
        if "full_path" in fields and fields.get("id", {}).get("t") == "string":
            fields = {**fields, "id": {"t": "integer"}}  # a group's or namespace's id
        return super()._object(fields, name, context, path)
