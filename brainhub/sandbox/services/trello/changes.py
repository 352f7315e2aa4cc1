"""How journalled Trello writes change the store: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`). Each applier keeps the board's lists
and the store's indexes in step (cards, short links, actions, check items and their
states, badges). A change whose card or checklist is gone (deleted by a later
generation or an earlier change) is skipped.
"""

from __future__ import annotations

import copy
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.trello.boards import touch
from brainhub.sandbox.services.trello.store import Store


class TrelloChanges:
    """Applies journalled changes to one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("card", "create"): self.create_card,
                ("card", "update"): self.update_card,
                ("card", "delete"): self.delete_card,
                ("action", "create"): self.create_comment,
                ("checkItem", "create"): self.create_check_item,
                ("checkItem", "update"): self.update_check_item,
            }
        )

    def create_card(self, change: Change) -> None:
        card = copy.deepcopy(dict(change.data["card"]))
        board = self.store.boards.get(card["idBoard"])
        if (
            board is None
            or card["idList"] not in self.store.lists
            or card["id"] in self.store.cards
        ):
            return
        _place(board.cards, card)
        board.cards_created = max(board.cards_created, card["idShort"])
        store = self.store
        store.cards[card["id"]] = card
        store.short_links[card["shortLink"]] = card["id"]
        for table in (
            store.attachments,
            store.stickers,
            store.field_items,
            store.check_item_states,
        ):
            table[card["id"]] = []
        self._act(change.data.get("action"))

    def update_card(self, change: Change) -> None:
        card = self.store.cards.get(change.id)
        if card is None:
            return
        values = copy.deepcopy(dict(change.data["set"]))
        card.update(values)
        if "pos" in values or "idList" in values:
            board = self.store.boards[card["idBoard"]]
            board.cards.remove(card)
            _place(board.cards, card)
        self._act(change.data.get("action"))

    def delete_card(self, change: Change) -> None:
        store = self.store
        card = store.cards.pop(change.id, None)
        if card is None:
            return
        board = store.boards[card["idBoard"]]
        board.cards.remove(card)
        store.short_links.pop(card["shortLink"], None)
        for checklist in [c for c in board.checklists if c["idCard"] == card["id"]]:
            board.checklists.remove(checklist)
            store.checklists.pop(checklist["id"], None)
            for item in checklist["checkItems"]:
                store.check_items.pop(item["id"], None)
        store.account.deleted_card_ids.append(card["id"])
        self._act(change.data.get("action"))

    def create_comment(self, change: Change) -> None:
        card = self.store.cards.get(str(change.data["idCard"]))
        if card is None:
            return
        action = self._act(change.data["action"])
        if action is None:
            return
        card["badges"]["comments"] += 1
        card["dateLastActivity"] = max(card["dateLastActivity"], action["date"])

    def create_check_item(self, change: Change) -> None:
        item = copy.deepcopy(dict(change.data["item"]))
        checklist = self.store.checklists.get(item["idChecklist"])
        if checklist is None or item["id"] in self.store.check_items:
            return
        checklist["checkItems"].append(item)
        checklist["checkItems"].sort(key=lambda i: i["pos"])
        self.store.check_items[item["id"]] = item
        self._recount(checklist["idCard"], str(change.data["dateLastActivity"]))

    def update_check_item(self, change: Change) -> None:
        item = self.store.check_items.get(change.id)
        card = self.store.cards.get(str(change.data["idCard"]))
        if item is None or card is None:
            return
        item.update(copy.deepcopy(dict(change.data["set"])))
        checklist = self.store.checklists[item["idChecklist"]]
        checklist["checkItems"].sort(key=lambda i: i["pos"])
        self._act(change.data.get("action"))
        self._recount(card["id"], str(change.data["dateLastActivity"]))

    # ------------------------------------------------------------------ helpers

    def _act(self, action: Any) -> dict[str, Any] | None:
        """Record ``action`` on its board (actions are listed by id, newest last)."""
        if not action:
            return None
        board = self.store.boards.get(action["data"]["board"]["id"])
        if board is None or action["id"] in self.store.actions:
            return None
        recorded = copy.deepcopy(dict(action))
        board.actions.append(recorded)
        board.actions.sort(key=lambda a: a["id"])
        touch(board, str(recorded["date"]))
        self.store.actions[recorded["id"]] = recorded
        return recorded

    def _recount(self, card_id: str, when: str) -> None:
        """A card's check item badge and states, from its checklists."""
        card = self.store.cards.get(card_id)
        if card is None:
            return
        board = self.store.boards[card["idBoard"]]
        items = [i for c in board.checklists if c["idCard"] == card_id for i in c["checkItems"]]
        card["badges"]["checkItems"] = len(items)
        card["badges"]["checkItemsChecked"] = sum(i["state"] == "complete" for i in items)
        self.store.check_item_states[card_id] = [
            {"idCheckItem": i["id"], "state": "complete"} for i in items if i["state"] == "complete"
        ]
        card["dateLastActivity"] = max(card["dateLastActivity"], when)
        touch(board, when)


def _place(cards: list[dict[str, Any]], card: dict[str, Any]) -> None:
    """Put ``card`` before the first card of its list with a higher ``pos`` (lists are
    read in ``pos`` order), else last."""
    index = next(
        (
            i
            for i, other in enumerate(cards)
            if other["idList"] == card["idList"] and other["pos"] > card["pos"]
        ),
        len(cards),
    )
    cards.insert(index, card)
