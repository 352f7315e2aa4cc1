"""The Trello account an emulator serves: the token's member, boards and what is on them.

Deterministic from ``(seed, size, generation)``. Trello ids are 24-hex Mongo object ids whose
first 8 hex digits are the creation time in Unix seconds, so ids sort by creation time (the
``before``/``since`` parameters of actions accept ids as well as dates). Timestamps derive
from ``BASE`` (2026-03-01T00:00:00Z); generation ``k`` happens in the ten minutes before
``BASE + k * STEP``: cards are moved, renamed and commented on, new cards are created and
some cards are deleted (gone from every listing, their checklists with them), each with the
action Trello records for it (``deleteCard`` for a deletion), and the board's
``dateLastActivity`` moves to the change's time (see :func:`touch`).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2026, 3, 1, tzinfo=UTC)
STEP = timedelta(minutes=10)
LABEL_COLORS = ("green", "yellow", "orange", "red", "purple", "blue")
FIRST = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana")
LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kim")
BOARDS = ("Product roadmap", "Sprint board", "Marketing", "Support queue", "Hiring")
LISTS = ("To do", "Doing", "Review", "Done", "Icebox")
VERBS = ("Fix", "Ship", "Write", "Plan", "Review", "Design", "Test")
COMMENT_LIMITS = {
    "reactions": {
        "perAction": {"status": "ok", "disableAt": 900, "warnAt": 720},
        "uniquePerAction": {"status": "ok", "disableAt": 17, "warnAt": 14},
    }
}
THINGS = ("login flow", "invoice export", "onboarding email", "pricing page", "search bar")


@dataclass(frozen=True)
class TrelloSize:
    """How much data one named size holds."""

    people: int
    boards: int
    closed_boards: int
    lists_per_board: int
    cards_per_list: int
    closed_card_every: int
    checklist_every: int
    busy_board_actions: int
    updates_per_step: int
    creates_per_step: int
    deletes_per_step: int = 1


SIZES: dict[str, TrelloSize] = {
    # unit tests: the first board has more than 100 actions, so actions page
    "tiny": TrelloSize(3, 2, 1, 3, 3, 4, 3, 100, 2, 2),
    # the demo: a default sync needs ~20 requests (Trello allows 100 per 10 s per token)
    "demo": TrelloSize(6, 3, 1, 4, 5, 6, 3, 40, 4, 3),
    # benchmarks
    "large": TrelloSize(30, 20, 2, 6, 200, 20, 5, 2000, 200, 100, 20),
}


def iso(moment: datetime) -> str:
    """Trello's timestamp format: milliseconds and ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


class Ids:
    """Object ids for one account: creation second plus a counter, unique and sortable."""

    def __init__(self, seed: int) -> None:
        self.prefix = f"{seed % 256:02x}"
        self.serial = 0

    def at(self, moment: datetime) -> str:
        self.serial += 1
        return f"{int(moment.timestamp()):08x}{self.prefix}{self.serial:014x}"


def created_at(object_id: str) -> datetime:
    """The creation time Trello encodes in an object id."""
    return datetime.fromtimestamp(int(object_id[:8], 16), tz=UTC)


@dataclass
class Board:
    """A board and everything the board endpoints list."""

    json: dict[str, Any]
    members: list[dict[str, Any]]
    labels: list[dict[str, Any]] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    checklists: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    #: Cards ever created on the board (idShort is never reused after a deletion).
    cards_created: int = 0

    @property
    def id(self) -> str:
        return str(self.json["id"])


@dataclass
class Account:
    """The token's member and the boards it belongs to."""

    me: dict[str, Any]
    people: list[dict[str, Any]]
    boards: list[Board]
    cards_updated: int = 0
    cards_created: int = 0
    cards_deleted: int = 0
    checklists_deleted: int = 0
    deleted_card_ids: list[str] = field(default_factory=list)

    def open_boards(self) -> list[Board]:
        return [b for b in self.boards if not b.json["closed"]]

    def board(self, board_id: str) -> Board | None:
        return next((b for b in self.boards if b.id == board_id), None)


class AccountBuilder:
    """Builds an :class:`Account` for one seed, size and generation."""

    def __init__(self, rng_for: Any, size: TrelloSize, seed: int) -> None:
        self.rng_for = rng_for
        self.size = size
        self.ids = Ids(seed)

    def build(self, generation: int) -> Account:
        rng = self.rng_for("account")
        joined = BASE - timedelta(days=700)
        people = []
        for index in range(self.size.people):
            first, last = FIRST[index % len(FIRST)], LAST[rng.randrange(len(LAST))]
            people.append(
                {
                    "id": self.ids.at(joined + timedelta(days=index)),
                    "fullName": f"{first} {last}",
                    "username": f"{first.lower()}{last.lower()}{index}",
                }
            )
        account = Account(me=people[0], people=people, boards=[])
        for number in range(self.size.boards + self.size.closed_boards):
            board = self._board(rng, number, account)
            account.boards.append(board)
        for step in range(1, generation + 1):
            self._mutate(account, step)
        return account

    def action(
        self, board: Board, kind: str, when: datetime, creator: dict[str, Any], data: Any
    ) -> dict[str, Any]:
        """Record an action on ``board`` (newest first is how Trello lists them)."""
        action = {
            "id": self.ids.at(when),
            "idMemberCreator": creator["id"],
            "data": {**data, "board": _board_ref(board.json)},
            "appCreator": None,
            "type": kind,
            "date": iso(when),
            "limits": COMMENT_LIMITS if kind == "commentCard" else {},
            "memberCreator": {
                "id": creator["id"],
                "activityBlocked": False,
                "avatarHash": creator["id"][::-1][:32],
                "avatarUrl": f"https://trello-members.s3.amazonaws.com/{creator['id']}",
                "fullName": creator["fullName"],
                "idMemberReferrer": None,
                "initials": "".join(part[0] for part in creator["fullName"].split()),
                "nonPublic": {},
                "nonPublicAvailable": True,
                "username": creator["username"],
            },
        }
        board.actions.append(action)
        return action

    def _board(self, rng: random.Random, number: int, account: Account) -> Board:
        created = BASE - timedelta(days=300 - number * 7, minutes=rng.randrange(600))
        board_id = self.ids.at(created)
        short = f"b{number:02d}{board_id[-5:]}"
        name = BOARDS[number % len(BOARDS)] + ("" if number < len(BOARDS) else f" {number}")
        others = rng.sample(account.people[1:], min(2, len(account.people) - 1))
        members = [account.me, *others]
        board = Board(
            {
                "id": board_id,
                "name": name,
                "desc": f"Where the team tracks {name.lower()}.",
                "descData": None,
                "closed": number >= self.size.boards,
                "idOrganization": f"{int(created.timestamp()) - 86400:08x}{'0' * 16}",
                "idEnterprise": None,
                "pinned": False,
                "url": f"https://trello.com/b/{short}/{name.lower().replace(' ', '-')}",
                "shortUrl": f"https://trello.com/b/{short}",
                "shortLink": short,
                "prefs": {"permissionLevel": "org", "voting": "disabled", "selfJoin": True},
                "labelNames": dict.fromkeys(LABEL_COLORS, ""),
                "starred": number == 0,
                "dateLastActivity": iso(BASE - timedelta(hours=number + 1)),
                "dateLastView": iso(BASE - timedelta(hours=number + 2)),
                "idMemberCreator": account.me["id"],
            },
            members=members,
        )
        for member in members:
            self.action(board, "addMemberToBoard", created, account.me, {"idMember": member["id"]})
        labels = [
            {"id": self.ids.at(created), "idBoard": board_id, "name": c.title(), "color": c}
            for c in LABEL_COLORS
        ]
        board.json["labelNames"] = {label["color"]: label["name"] for label in labels}
        board.labels = labels
        for list_no in range(self.size.lists_per_board + 1):
            opened = created + timedelta(hours=list_no + 1)
            trello_list = {
                "id": self.ids.at(opened),
                "name": LISTS[list_no % len(LISTS)],
                "closed": list_no == self.size.lists_per_board,
                "color": None,
                "idBoard": board_id,
                "pos": 16384 * (list_no + 1),
                "subscribed": False,
                "softLimit": None,
                "type": None,
                "datasource": {"filter": False},
            }
            board.lists.append(trello_list)
            self.action(board, "createList", opened, account.me, {"list": _ref(trello_list)})
            for _ in range(self.size.cards_per_list):
                when = opened + timedelta(days=rng.randrange(1, 200), seconds=rng.randrange(86400))
                self._card(rng, board, trello_list, labels, when)
        busy = self.size.busy_board_actions if number == 0 else 0
        for _ in range(busy):
            card = rng.choice(board.cards)
            when = created + timedelta(days=rng.randrange(200, 290), seconds=rng.randrange(86400))
            self._comment(rng, board, card, when)
        board.actions.sort(key=lambda action: action["id"])
        return board

    def _card(
        self,
        rng: random.Random,
        board: Board,
        trello_list: dict[str, Any],
        labels: list[dict[str, Any]],
        when: datetime,
    ) -> dict[str, Any]:
        card_id = self.ids.at(when)
        board.cards_created += 1
        number = board.cards_created
        name = f"{rng.choice(VERBS)} {rng.choice(THINGS)}"
        short = f"c{number:03d}{card_id[-4:]}"
        chosen = rng.sample(labels, rng.randrange(0, 3))
        members = rng.sample(board.members, rng.randrange(0, 2))
        due = when + timedelta(days=rng.randrange(3, 30)) if rng.random() < 0.5 else None
        card = {
            "id": card_id,
            "badges": {
                "votes": 0,
                "viewingMemberVoted": False,
                "subscribed": False,
                "checkItems": 0,
                "checkItemsChecked": 0,
                "comments": 0,
                "attachments": 0,
                "description": True,
                "due": iso(due) if due else None,
                "start": None,
                "dueComplete": False,
            },
            "checkItemStates": [],
            "closed": number % self.size.closed_card_every == 0,
            "dueComplete": False,
            "dateLastActivity": iso(when),
            "desc": f"{name} for the {board.json['name'].lower()} board.",
            "descData": {"emoji": {}},
            "due": iso(due) if due else None,
            "dueReminder": None,
            "idBoard": board.id,
            "idChecklists": [],
            "idList": trello_list["id"],
            "idMembers": [m["id"] for m in members],
            "idMembersVoted": [],
            "idShort": number,
            "idAttachmentCover": None,
            "idLabels": [label["id"] for label in chosen],
            "labels": [dict(label, uses=1) for label in chosen],
            "manualCoverAttachment": False,
            "name": name,
            "pos": 16384 * number,
            "shortLink": short,
            "shortUrl": f"https://trello.com/c/{short}",
            "start": None,
            "subscribed": False,
            "url": f"https://trello.com/c/{short}/{number}-{name.lower().replace(' ', '-')}",
            "cover": {"idAttachment": None, "color": None, "size": "normal", "brightness": "dark"},
            "isTemplate": False,
            "cardRole": None,
        }
        board.cards.append(card)
        creator = members[0] if members else board.members[0]
        self.action(
            board, "createCard", when, creator, {"card": _card_ref(card), "list": _ref(trello_list)}
        )
        if number % self.size.checklist_every == 0:
            self._checklist(rng, board, card)
        return card

    def _checklist(self, rng: random.Random, board: Board, card: dict[str, Any]) -> None:
        checklist_id = self.ids.at(datetime.fromisoformat(card["dateLastActivity"]))
        items = []
        for index in range(rng.randrange(2, 5)):
            items.append(
                {
                    "id": _item_id(checklist_id, index),
                    "name": f"Step {index + 1}",
                    "nameData": None,
                    "pos": 16384 * (index + 1),
                    "state": "complete" if rng.random() < 0.4 else "incomplete",
                    "due": None,
                    "dueReminder": None,
                    "idMember": None,
                    "idChecklist": checklist_id,
                }
            )
        board.checklists.append(
            {
                "id": checklist_id,
                "name": "Checklist",
                "idBoard": board.id,
                "idCard": card["id"],
                "pos": 16384,
                "checkItems": items,
            }
        )
        card["idChecklists"].append(checklist_id)
        card["badges"]["checkItems"] = len(items)
        card["badges"]["checkItemsChecked"] = sum(i["state"] == "complete" for i in items)

    def _comment(
        self, rng: random.Random, board: Board, card: dict[str, Any], when: datetime
    ) -> None:
        author = rng.choice(board.members)
        text = rng.choice(("Looks good", "Blocked on review", "Moved to next sprint", "Done?"))
        self.action(board, "commentCard", when, author, {"text": text, "card": _card_ref(card)})
        card["badges"]["comments"] += 1
        card["dateLastActivity"] = max(card["dateLastActivity"], iso(when))

    def _mutate(self, account: Account, step: int) -> None:
        rng = self.rng_for("step", step)
        end = BASE + step * STEP
        boards = account.open_boards()

        def moment() -> datetime:
            return end - timedelta(
                milliseconds=rng.randrange(1000, int(STEP.total_seconds()) * 1000)
            )

        for _ in range(self.size.updates_per_step):
            board = rng.choice(boards)
            card = rng.choice([c for c in board.cards if not c["closed"]])
            when = moment()
            before = next(x for x in board.lists if x["id"] == card["idList"])
            after = rng.choice([x for x in board.lists if not x["closed"]])
            card["idList"], card["dateLastActivity"] = after["id"], iso(when)
            data = {
                "card": {**_card_ref(card), "idList": after["id"]},
                "old": {"idList": before["id"]},
                "listBefore": _ref(before),
                "listAfter": _ref(after),
            }
            self.action(board, "updateCard", when, board.members[0], data)
            commented = moment()
            self._comment(rng, board, card, commented)
            touch(board, max(when, commented))
            account.cards_updated += 1
        for _ in range(self.size.creates_per_step):
            board = rng.choice(boards)
            target = rng.choice([x for x in board.lists if not x["closed"]])
            when = moment()
            self._card(rng, board, target, board.labels, when)
            touch(board, when)
            account.cards_created += 1
        created_by_step = iso(end - STEP)
        for _ in range(self.size.deletes_per_step):
            board = rng.choice(boards)
            older = [c for c in board.cards if iso(created_at(c["id"])) < created_by_step]
            if older:
                doomed, when = rng.choice(older), moment()
                self._delete_card(account, board, doomed, when)
                touch(board, when)
        for board in boards:
            board.actions.sort(key=lambda action: action["id"])

    def _delete_card(
        self, account: Account, board: Board, card: dict[str, Any], when: datetime
    ) -> None:
        """Delete ``card`` and its checklists; Trello records a ``deleteCard`` action."""
        board.cards.remove(card)
        gone = [c for c in board.checklists if c["idCard"] == card["id"]]
        board.checklists[:] = [c for c in board.checklists if c["idCard"] != card["id"]]
        trello_list = next(x for x in board.lists if x["id"] == card["idList"])
        data = {"card": {"id": card["id"], "idShort": card["idShort"]}, "list": _ref(trello_list)}
        self.action(board, "deleteCard", when, board.members[0], data)
        account.cards_deleted += 1
        account.checklists_deleted += len(gone)
        account.deleted_card_ids.append(card["id"])


def touch(board: Board, when: datetime | str) -> None:
    """Move the board's ``dateLastActivity`` up to ``when``: Trello moves it whenever
    something on the board changes (a card created, moved, commented on, deleted…)."""
    moment = when if isinstance(when, str) else iso(when)
    board.json["dateLastActivity"] = max(str(board.json["dateLastActivity"]), moment)


def _ref(trello_list: dict[str, Any]) -> dict[str, Any]:
    return {"id": trello_list["id"], "name": trello_list["name"]}


def _card_ref(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": card["id"],
        "name": card["name"],
        "idShort": card["idShort"],
        "shortLink": card["shortLink"],
    }


def _board_ref(board: dict[str, Any]) -> dict[str, Any]:
    return {"id": board["id"], "name": board["name"], "shortLink": board["shortLink"]}


def _item_id(checklist_id: str, index: int) -> str:
    """The id of a checklist's ``index``-th item: created with the checklist, unique
    (ids made from a counter use the seed's byte after the time; these a digest)."""
    digest = hashlib.blake2b(f"{checklist_id}:{index}".encode(), digest_size=8).hexdigest()
    return checklist_id[:8] + digest
