"""Confluence REST v2's GET operations: the ones served, and the rest left out with why.

Paths are the document's templates under ``/wiki/api/v2`` with ``-`` in parameter names
written ``_`` (``{page-id}`` → ``{page_id}``: route variables must be identifiers; the
coverage report compares templates with their parameters blanked). Handlers are methods of
:class:`~.emulator.ConfluenceEmulator` answering from the seeded site (``complete`` off).

In scope is every read of a site's content: spaces, pages, blog posts, footer and inline
comments, labels, attachments, versions, properties, children and ancestors, likes, tasks,
the permitted operations of the caller, and the other content types (folders, whiteboards,
databases, Smart Link embeds). What the seeded site does not model (inline comments, likes,
tasks, other content types and the properties of comments, attachments and spaces) is
answered ``SHAPED`` from the documented schema, for a parent that exists. Out of scope,
with the reason in :data:`OUT_OF_SCOPE`: app-defined custom content and organisation or
space administration.

The writes the target sends are extra operations: ``POST /pages``, ``PUT /pages/{id}`` and
``POST /footer-comments``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable
from brainhub.sandbox.kit.surface import normalised


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, complete=False)


#: Documented operations answered from the seeded site.
HANDLED = [
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
    _get("/attachments/{id}/versions", "list_attachment_versions"),
    _get("/attachments/{attachment_id}/versions/{version_number}", "get_attachment_version"),
    _get("/attachments/{id}/labels", "list_attachment_nothing"),
    _get("/attachments/{id}/footer-comments", "list_attachment_nothing"),
    _get("/labels/{id}/attachments", "list_label_attachments"),
]

#: Why each group of documented GET operations is out of scope (first matching pattern).
OUT_OF_SCOPE: list[tuple[str, str]] = [
    (
        r"custom-content",
        "custom content is defined by Connect and Forge apps, not by the site's users",
    ),
    (
        r"classification-level|^/data-policies",
        "classification levels and data policies are organisation admin features (Atlassian Guard)",
    ),
    (
        r"^/space-permissions|^/space-roles|/permissions$|/role-assignments$",
        "space permissions and role assignments are space administration",
    ),
]


def _identifiers(template: str) -> str:
    """``template`` with ``-`` in its parameter names written ``_``."""
    return re.sub(r"\{[^{}]+\}", lambda match: match.group(0).replace("-", "_"), template)


def _classify(handled: list[Operation]) -> tuple[list[Operation], list[LeftOut]]:
    surface = json.loads(Path(__file__).with_name("surface.json").read_text(encoding="utf-8"))
    by_path = {normalised(op.path): op for op in handled}
    served, left = [], []
    for row in surface["operations"]:
        path = normalised(row["path"])
        if row["method"] != "GET":
            continue
        reason = next((why for pattern, why in OUT_OF_SCOPE if re.search(pattern, path)), None)
        if path in by_path:
            served.append(by_path[path])
        elif reason is not None:
            left.append(LeftOut("GET", row["path"], f"out of scope: {reason}"))
        else:
            served.append(Operation("GET", _identifiers(row["path"]), SHAPED))
    return served, left


SERVED, LEFT_OUT = _classify(HANDLED)
OPERATIONS = OperationTable(
    served=SERVED,
    left_out=LEFT_OUT,
    extra=[
        Operation("POST", "/pages", "create_page", complete=False),
        Operation("PUT", "/pages/{id}", "update_page", complete=False),
        Operation("POST", "/footer-comments", "create_comment", complete=False),
    ],
)
