"""How journalled Notion writes change the workspace: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`). A change whose database, page or parent
block is gone (removed by a later generation) is skipped.
"""

from __future__ import annotations

import copy
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.notion.workspace import Database, Workspace


class NotionChanges:
    """Applies journalled changes to one :class:`Workspace`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("page", "create"): self.create_page,
                ("page", "update"): self.update_page,
                ("blocks", "create"): self.append_blocks,
                ("comment", "create"): self.create_comment,
            }
        )

    def create_page(self, change: Change) -> None:
        database = self.workspace.find_database(str(change.data["database"]))
        if database is None or find_page(self.workspace, change.id) is not None:
            return
        _add_options(database, change.data.get("options", {}))
        page = copy.deepcopy(dict(change.data["page"]))
        database.pages.append(page)
        self.workspace.blocks[page["id"]] = copy.deepcopy(list(change.data["blocks"]))

    def update_page(self, change: Change) -> None:
        page = find_page(self.workspace, change.id)
        database = self.workspace.find_database(str(change.data["database"]))
        if page is None or database is None:
            return
        _add_options(database, change.data.get("options", {}))
        page.update(copy.deepcopy(dict(change.data["set"])))

    def append_blocks(self, change: Change) -> None:
        page = find_page(self.workspace, str(change.data["page"]))
        if page is None:
            return
        parent_id = str(change.data["parent"])
        existing = self.workspace.blocks.setdefault(parent_id, [])
        known = {b["id"] for b in existing}
        existing.extend(copy.deepcopy(b) for b in change.data["blocks"] if b["id"] not in known)
        if parent_id != page["id"]:
            for block in (b for blocks in self.workspace.blocks.values() for b in blocks):
                if block["id"] == parent_id:
                    block["has_children"] = True
                    block["last_edited_time"] = max(block["last_edited_time"], change.data["at"])
        page["last_edited_time"] = max(page["last_edited_time"], str(change.data["at"]))

    def create_comment(self, change: Change) -> None:
        comments = self.workspace.written_comments.setdefault(str(change.data["page"]), [])
        if not any(c["id"] == change.id for c in comments):
            comments.append(copy.deepcopy(dict(change.data["comment"])))


def find_page(workspace: Workspace, page_id: str) -> dict[str, Any] | None:
    """A page of a live database, in the trash or not."""
    pages = (p for db in workspace.live_databases() for p in db.pages)
    return next((p for p in pages if p["id"] == page_id), None)


def _add_options(database: Database, options: Any) -> None:
    """Select options a write added to the database's schema."""
    for name, added in dict(options).items():
        prop = database.json["properties"].get(name)
        if prop is None:
            continue
        known = prop[prop["type"]].setdefault("options", [])
        for option in added:
            if all(o["id"] != option["id"] for o in known):
                known.append(dict(option))
