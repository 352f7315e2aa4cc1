"""Writes to the Trello account, checked like Trello checks them, as journal drafts.

``POST /cards`` (``idList`` required; ``name``, ``desc``, ``pos``, ``due``, ``start``,
``dueComplete``, ``idMembers``, ``idLabels``), ``PUT /cards/{id}`` (those and ``closed``,
``idList`` within the board, ``subscribed``), ``DELETE /cards/{id}``, ``POST
/cards/{id}/actions/comments`` (``text``), ``POST /checklists/{id}/checkItems`` (``name``,
``pos``, ``checked``) and ``PUT /cards/{idCard}/checkItem/{idCheckItem}`` (``state``,
``name``, ``pos``). Arguments come in the query string, a form or a JSON body (py-trello
sends JSON), lists comma-separated or as arrays.

Each method checks one request and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` with every value resolved (the new card or
action whole; see :mod:`.changes`); a bad value stops it with Trello's plain-text 400
``invalid value for <parameter>`` before anything changes. Every write records the action
Trello records (``createCard``, ``updateCard``, ``deleteCard``, ``commentCard``,
``updateCheckItemStateOnCard``) and stamps the card's ``dateLastActivity``, both later
than anything in the dataset, so the next incremental read (actions ``since``) picks it up.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.services.trello import errors
from brainhub.sandbox.services.trello.boards import BASE, STEP, Board, iso
from brainhub.sandbox.services.trello.select import OBJECT_ID
from brainhub.sandbox.services.trello.store import Store

MAX_NAME = 16_384
CARD_FIELDS = ("name", "desc", "closed", "idList", "due", "start", "dueComplete", "pos")


def write_arguments(request: Request) -> dict[str, Any]:
    """Query, form and JSON body arguments together (credentials left out)."""
    found: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("key", "token")}
    found.update(request.form.to_dict())
    body = request.get_json(silent=True, force=True) if request.data else None
    if isinstance(body, dict):
        found.update(body)
    return found


def new_id(moment: datetime) -> str:
    """A Trello object id: the creation second and millisecond (so ids sort by time),
    then random hex digits."""
    millisecond = moment.microsecond // 1000
    return f"{int(moment.timestamp()):08x}{millisecond:03x}{secrets.token_hex(7)[:13]}"


class TrelloWriter:
    """Builds the drafts of Trello writes on one store. Callers hold the emulator's lock."""

    def __init__(self, store: Store, generation: int, clock: Callable[[], float]) -> None:
        self.store = store
        self.generation = generation
        self.clock = clock

    # ------------------------------------------------------------------ cards

    def create_card(self, args: dict[str, Any]) -> Draft:
        list_id = str(args.get("idList") or "")
        trello_list = self.store.lists.get(list_id.lower()) if OBJECT_ID.match(list_id) else None
        if trello_list is None:
            errors.refuse_value("idList")
        board = self.store.boards[trello_list["idBoard"]]
        when = self._now()
        card_id = new_id(when)
        number = board.cards_created + 1
        name = _text(args, "name", default="")
        short = f"w{number:03d}{card_id[-4:]}"
        card = copy.deepcopy(self._template())
        card.update(
            id=card_id,
            name=name,
            desc=_text(args, "desc", default=""),
            closed=False,
            idBoard=board.id,
            idList=trello_list["id"],
            idShort=number,
            shortLink=short,
            shortUrl=f"https://trello.com/c/{short}",
            url=f"https://trello.com/c/{short}/{number}-{name.lower().replace(' ', '-')}",
            idMembers=[],
            idLabels=[],
            labels=[],
            idChecklists=[],
            idMembersVoted=[],
            checkItemStates=[],
            due=None,
            start=None,
            dueComplete=False,
            pos=self._pos(board, trello_list["id"], args.get("pos", "bottom")),
            dateLastActivity=iso(when),
            idAttachmentCover=None,
        )
        card["badges"] = {
            **card["badges"],
            "checkItems": 0,
            "checkItemsChecked": 0,
            "comments": 0,
            "attachments": 0,
            "due": None,
            "start": None,
            "dueComplete": False,
            "description": bool(card["desc"]),
        }
        card.update(self._checked(board, card, args, creating=True))
        action = self._action(
            board, "createCard", when, {"card": _ref(card), "list": _ref(trello_list)}
        )
        return Draft("create", "card", card_id, {"card": card, "action": action})

    def update_card(self, card: dict[str, Any], args: dict[str, Any]) -> Draft:
        board = self.store.boards[card["idBoard"]]
        when = self._now()
        values = self._checked(board, card, args, creating=False)
        for key in ("name", "desc"):
            if key in args:
                values[key] = _text(args, key, default="")
        if "closed" in args:
            values["closed"] = _flag(args, "closed")
        if "subscribed" in args:
            values["subscribed"] = _flag(args, "subscribed")
        if "idList" in args:
            list_id = str(args["idList"] or "")
            target = self.store.lists.get(list_id.lower()) if OBJECT_ID.match(list_id) else None
            if target is None or target["idBoard"] != board.id:
                errors.refuse_value("idList")
            values["idList"] = target["id"]
        if "pos" in args:
            values["pos"] = self._pos(board, values.get("idList", card["idList"]), args["pos"])
        values["dateLastActivity"] = iso(when)
        data: dict[str, Any] = {"card": {**_ref(card), **_shown(values)}, "old": {}}
        data["old"] = {k: card.get(k) for k in values if k != "dateLastActivity"}
        data["list"] = _ref(self.store.lists[values.get("idList", card["idList"])])
        if "idList" in values and values["idList"] != card["idList"]:
            data["listBefore"] = _ref(self.store.lists[card["idList"]])
            data["listAfter"] = _ref(self.store.lists[values["idList"]])
        action = self._action(board, "updateCard", when, data)
        return Draft("update", "card", card["id"], {"set": values, "action": action})

    def delete_card(self, card: dict[str, Any]) -> Draft:
        board = self.store.boards[card["idBoard"]]
        trello_list = self.store.lists[card["idList"]]
        data = {"card": {"id": card["id"], "idShort": card["idShort"]}, "list": _ref(trello_list)}
        action = self._action(board, "deleteCard", self._now(), data)
        return Draft("delete", "card", card["id"], {"action": action})

    def comment(self, card: dict[str, Any], args: dict[str, Any]) -> Draft:
        text = args.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_NAME:
            errors.refuse_value("text")
        board = self.store.boards[card["idBoard"]]
        trello_list = self.store.lists[card["idList"]]
        data = {"text": text, "card": _ref(card), "list": _ref(trello_list)}
        action = self._action(board, "commentCard", self._now(), data)
        return Draft("create", "action", action["id"], {"action": action, "idCard": card["id"]})

    # ------------------------------------------------------------------ check items

    def create_check_item(self, checklist: dict[str, Any], args: dict[str, Any]) -> Draft:
        name = args.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            errors.refuse_value("name")
        state = "complete" if "checked" in args and _flag(args, "checked") else "incomplete"
        items = checklist["checkItems"]
        pos = args.get("pos", "bottom")
        when = self._now()
        item = {
            "id": new_id(when),
            "name": name,
            "nameData": None,
            "pos": _position(pos, [i["pos"] for i in items], "pos"),
            "state": state,
            "due": None,
            "dueReminder": None,
            "idMember": None,
            "idChecklist": checklist["id"],
        }
        data = {"item": item, "dateLastActivity": iso(when)}
        return Draft("create", "checkItem", item["id"], data)

    def update_check_item(
        self, card: dict[str, Any], item: dict[str, Any], args: dict[str, Any]
    ) -> Draft:
        values: dict[str, Any] = {}
        if "state" in args:
            state = str(args["state"])
            state = {"true": "complete", "false": "incomplete"}.get(state, state)
            if state not in ("complete", "incomplete"):
                errors.refuse_value("state")
            values["state"] = state
        if "name" in args:
            name = args["name"]
            if not isinstance(name, str) or not name.strip():
                errors.refuse_value("name")
            values["name"] = name
        checklist = self.store.checklists[item["idChecklist"]]
        if "pos" in args:
            values["pos"] = _position(
                args["pos"], [i["pos"] for i in checklist["checkItems"]], "pos"
            )
        when = self._now()
        action = None
        if values.get("state", item["state"]) != item["state"]:
            name = values.get("name", item["name"])
            action_data = {
                "checkItem": {"id": item["id"], "name": name, "state": values["state"]},
                "checklist": {"id": checklist["id"], "name": checklist["name"]},
                "card": _ref(card),
            }
            board = self.store.boards[card["idBoard"]]
            action = self._action(board, "updateCheckItemStateOnCard", when, action_data)
        data = {
            "idCard": card["id"],
            "set": values,
            "action": action,
            "dateLastActivity": iso(when),
        }
        return Draft("update", "checkItem", item["id"], data)

    # ------------------------------------------------------------------ checks

    def _checked(
        self, board: Board, card: dict[str, Any], args: dict[str, Any], creating: bool
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key in ("due", "start"):
            if key in args:
                values[key] = _date(args[key], key)
        if "dueComplete" in args:
            values["dueComplete"] = _flag(args, "dueComplete")
        if "idMembers" in args:
            members = {m["id"] for m in board.members}
            wanted = _ids(args["idMembers"])
            if not set(wanted) <= members:
                errors.refuse_value("idMembers")
            values["idMembers"] = wanted
        if "idLabels" in args:
            labels = {label["id"]: label for label in board.labels}
            wanted = _ids(args["idLabels"])
            if not set(wanted) <= set(labels):
                errors.refuse_value("idLabels")
            values["idLabels"] = wanted
            values["labels"] = [dict(labels[i]) for i in wanted]
        badges = dict(card["badges"])
        for key in ("due", "start", "dueComplete"):
            if key in values:
                badges[key] = values[key]
        if "desc" in args:
            badges["description"] = bool(args["desc"])
        if badges != card["badges"] or creating:
            values["badges"] = badges
        return values

    def _pos(self, board: Board, list_id: str, raw: Any) -> float:
        taken = [c["pos"] for c in board.cards if c["idList"] == list_id]
        return _position(raw, taken, "pos")

    def _template(self) -> dict[str, Any]:
        """A card whose documented fields a new card starts from (every card has them)."""
        return next(iter(self.store.cards.values()))

    def _now(self) -> datetime:
        """The write's moment: the clock, after the dataset's own "now" and a millisecond
        after the newest action (so every write sorts after what came before it)."""
        dataset_now = BASE + self.generation * STEP + timedelta(seconds=1)
        newest = max((a["date"] for a in self.store.actions.values()), default=iso(BASE))
        after_newest = datetime.fromisoformat(newest.replace("Z", "+00:00"))
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        return max(now, dataset_now, after_newest + timedelta(milliseconds=1))

    def _action(
        self, board: Board, kind: str, when: datetime, data: dict[str, Any]
    ) -> dict[str, Any]:
        template = next(iter(self.store.actions.values()))
        me = self.store.account.me
        action = copy.deepcopy(template)
        action.update(
            id=new_id(when),
            idMemberCreator=me["id"],
            data={**data, "board": {k: board.json[k] for k in ("id", "name", "shortLink")}},
            type=kind,
            date=iso(when),
            limits={},
            appCreator=None,
        )
        creator = next(a for a in self.store.actions.values() if a["idMemberCreator"] == me["id"])
        action["memberCreator"] = copy.deepcopy(creator["memberCreator"])
        return action


def _ref(obj: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "idShort", "shortLink")
    return {k: obj[k] for k in keys if k in obj}


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in CARD_FIELDS}


def _text(args: dict[str, Any], key: str, default: str) -> str:
    value = args.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > MAX_NAME:
        errors.refuse_value(key)
    return value


def _flag(args: dict[str, Any], key: str) -> bool:
    value = args.get(key)
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text not in ("true", "false"):
        errors.refuse_value(key)
    return text == "true"


def _date(value: Any, key: str) -> str | None:
    """A date Trello takes (ISO 8601, or epoch milliseconds), as Trello stores it; ``None``
    for null or ``""``."""
    if value is None or value == "" or value == "null":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(value / 1000, tz=UTC)
        else:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        errors.refuse_value(key)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment)


def _ids(value: Any) -> list[str]:
    """Object ids as an array or comma-separated text, in order, without repeats."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    ids: list[str] = []
    for item in items:
        text = str(item).strip().lower()
        if text and text not in ids:
            ids.append(text)
    return ids


def _position(raw: Any, taken: list[float], key: str) -> float:
    """``top``, ``bottom`` or a positive number, as a position among ``taken``."""
    if raw == "top":
        return min(taken, default=32768.0) / 2
    if raw == "bottom" or raw is None:
        return max(taken, default=0.0) + 16384
    try:
        number = float(raw)
    except (TypeError, ValueError):
        errors.refuse_value(key)
    if not number > 0 or number != number or number == float("inf"):
        errors.refuse_value(key)
    return number
