"""Confluence REST v2's GET operations: the ones served, and the rest left out with why.

Paths are the document's templates under ``/wiki/api/v2`` with ``-`` in parameter names
written ``_`` (``{page-id}`` → ``{page_id}``: route variables must be identifiers; the
coverage report compares templates with their parameters blanked). Handlers are methods of
:class:`~.emulator.ConfluenceEmulator`; every answer comes from the seeded site (none is
shaped), so ``complete`` is off. The writes the target sends are extra operations:
``POST /pages``, ``PUT /pages/{id}`` and ``POST /footer-comments``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from brainhub.sandbox.kit import LeftOut, Operation, OperationTable
from brainhub.sandbox.kit.surface import normalised


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, complete=False)


SERVED = [
    # Spaces
    _get("/spaces", "list_spaces"),
    _get("/spaces/{id}", "get_space"),
    _get("/spaces/{id}/pages", "list_space_pages"),
    _get("/spaces/{id}/blogposts", "list_space_blogposts"),
    _get("/spaces/{id}/labels", "list_space_labels"),
    _get("/spaces/{id}/content/labels", "list_space_content_labels"),
    _get("/spaces/{space_id}/properties", "list_space_properties"),
    # Pages
    _get("/pages", "list_pages"),
    _get("/pages/{id}", "get_page"),
    _get("/pages/{id}/children", "list_children"),
    _get("/pages/{id}/ancestors", "list_ancestors"),
    _get("/pages/{id}/footer-comments", "list_page_comments"),
    _get("/pages/{id}/labels", "list_page_labels"),
    _get("/pages/{id}/attachments", "list_page_attachments"),
    _get("/pages/{id}/versions", "list_page_versions"),
    _get("/pages/{page_id}/versions/{version_number}", "get_page_version"),
    _get("/pages/{page_id}/properties", "list_page_properties"),
    _get("/pages/{page_id}/properties/{property_id}", "get_page_property"),
    # Blog posts
    _get("/blogposts", "list_blogposts"),
    _get("/blogposts/{id}", "get_blogpost"),
    _get("/blogposts/{id}/footer-comments", "list_blogpost_comments"),
    _get("/blogposts/{id}/labels", "list_blogpost_labels"),
    _get("/blogposts/{id}/attachments", "list_blogpost_attachments"),
    _get("/blogposts/{id}/versions", "list_blogpost_versions"),
    _get("/blogposts/{blogpost_id}/versions/{version_number}", "get_blogpost_version"),
    _get("/blogposts/{blogpost_id}/properties", "list_blogpost_properties"),
    _get("/blogposts/{blogpost_id}/properties/{property_id}", "get_blogpost_property"),
    # Footer comments
    _get("/footer-comments", "list_comments"),
    _get("/footer-comments/{comment_id}", "get_comment"),
    _get("/footer-comments/{id}/children", "list_comment_children"),
    _get("/footer-comments/{id}/versions", "list_comment_versions"),
    # Labels and attachments
    _get("/labels", "list_labels"),
    _get("/labels/{id}/pages", "list_label_pages"),
    _get("/labels/{id}/blogposts", "list_label_blogposts"),
    _get("/attachments", "list_attachments"),
    _get("/attachments/{id}", "get_attachment"),
]

#: Why each group of documented GET operations is not served (first matching pattern).
REASONS: list[tuple[str, str]] = [
    (
        r"^/inline-comments|/inline-comments$",
        "inline comments hang off editor selections the "
        "seeded storage bodies do not mark; no stream reads them",
    ),
    (r"custom-content", "custom content is defined by Connect and Forge apps"),
    (
        r"^/(databases|embeds|folders|whiteboards)/",
        "databases, Smart Links, folders and "
        "whiteboards are content types the seeded site does not hold",
    ),
    (
        r"classification-level|^/data-policies",
        "classification levels and data policies are organisation admin features (Atlassian Guard)",
    ),
    (
        r"^/space-permissions|^/space-roles|/permissions$|/role-assignments$",
        "space permissions and roles are administration; no stream reads them",
    ),
    (
        r"/operations$",
        "permitted operations depend on the calling user's permissions, which "
        "the sandbox's single account does not model",
    ),
    (r"/likes/", "likes are social data the seeded site does not hold"),
    (r"^/tasks", "inline tasks live inside storage bodies the seeded site does not mark"),
    (
        r"/properties",
        "content properties are served for pages and blog posts only; the "
        "seeded comments, attachments and spaces carry none beyond an empty list",
    ),
    (
        r"^/attachments/|^/labels/\{\}/attachments",
        "attachment versions, labels and comments "
        "are not modelled: each seeded attachment has one version and nothing attached",
    ),
    (
        r"^/footer-comments/\{\}/(likes|versions/\{\})",
        "comment likes and single versions are not modelled",
    ),
]


def _left_out(served: list[Operation]) -> list[LeftOut]:
    surface = json.loads(Path(__file__).with_name("surface.json").read_text(encoding="utf-8"))
    done = {normalised(op.path) for op in served}
    left = []
    for row in surface["operations"]:
        path = normalised(row["path"])
        if row["method"] != "GET" or path in done:
            continue
        reason = next((why for pattern, why in REASONS if re.search(pattern, path)), None)
        if reason is None:
            raise ValueError(f"GET {row['path']}: neither served nor given a reason")
        left.append(LeftOut("GET", row["path"], reason))
    return left


OPERATIONS = OperationTable(
    served=SERVED,
    left_out=_left_out(SERVED),
    extra=[
        Operation("POST", "/pages", "create_page", complete=False),
        Operation("PUT", "/pages/{id}", "update_page", complete=False),
        Operation("POST", "/footer-comments", "create_comment", complete=False),
    ],
)
