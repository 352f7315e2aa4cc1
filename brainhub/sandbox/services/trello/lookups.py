"""How the Trello emulator finds what a path names, and answers when it names nothing.

An id that is not a 24-hex object id (nor, for boards and cards, a short link) is a 400
``invalid id``; an id that names nothing is a 404 ``The requested resource was not
found.``; a member that is neither ``me``, an id nor a username is a 404 ``model not
found``. ``/<kind>/{id}/{field}`` answers ``{"_value": …}``; a field the object does not
have is a route Trello does not have (404 ``Cannot GET …``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import abort
from werkzeug.wrappers import Request

from brainhub.sandbox.services.trello import errors
from brainhub.sandbox.services.trello.boards import Board
from brainhub.sandbox.services.trello.select import OBJECT_ID, pick, pick_each
from brainhub.sandbox.services.trello.store import Store

Nested = Callable[[set[str]], Any]


class TrelloLookups:
    """Lookups and nesting shared by the Trello handlers (``store`` is set by ``load``)."""

    store: Store

    # ------------------------------------------------------------------ lookups

    @staticmethod
    def _found(table: Mapping[str, Any], object_id: str) -> Any:
        if not OBJECT_ID.match(object_id):
            errors.fail(errors.INVALID_ID)
        found = table.get(object_id.lower())
        if found is None:
            errors.fail(errors.NOT_FOUND)
        return found

    def _board(self, board_id: str) -> Board:
        known = self.store.short_links.get(board_id, board_id)
        return self._found(self.store.boards, known)

    def _card(self, card_id: str) -> dict[str, Any]:
        return self._found(self.store.cards, self.store.short_links.get(card_id, card_id))

    def _list(self, list_id: str) -> dict[str, Any]:
        return self._found(self.store.lists, list_id)

    def _checklist(self, checklist_id: str) -> dict[str, Any]:
        return self._found(self.store.checklists, checklist_id)

    def _action(self, action_id: str) -> dict[str, Any]:
        return self._found(self.store.actions, action_id)

    def _notification(self, notification_id: str) -> dict[str, Any]:
        return self._found(self.store.notifications, notification_id)

    def _organization(self, org: str) -> dict[str, Any]:
        by_name = next((o for o in self.store.organizations.values() if o["name"] == org), None)
        return by_name if by_name is not None else self._found(self.store.organizations, org)

    def _member(self, member: str) -> dict[str, Any]:
        person = self.store.member(member)
        if person is None:
            errors.fail(errors.MEMBER_NOT_FOUND)
        return person

    def _in(self, items: list[dict[str, Any]], object_id: str) -> dict[str, Any]:
        """The item of ``items`` with id ``object_id``."""
        return self._found({item["id"]: item for item in items}, object_id)

    def _board_of(self, obj: Mapping[str, Any]) -> Board:
        board = self.store.board_of(obj)
        if board is None:
            errors.fail(errors.NOT_FOUND)
        return board

    def _members_of(self, ids: list[str]) -> list[dict[str, Any]]:
        return [self.store.members[i] for i in ids if i in self.store.members]

    # ------------------------------------------------------------------ answers

    @staticmethod
    def _value(request: Request, obj: Mapping[str, Any], field: str) -> dict[str, Any]:
        if field not in obj:
            no_route(request)
        return {"_value": obj[field]}

    @staticmethod
    def _one(request: Request, obj: Mapping[str, Any]) -> dict[str, Any]:
        return pick(obj, request.args.get("fields"))

    @staticmethod
    def _each(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return pick_each(items, request.args.get("fields"))

    @staticmethod
    def _nest(
        args: MultiDict[str, str],
        out: dict[str, Any],
        nested: Mapping[str, tuple[str, tuple[str, ...], Nested]],
    ) -> dict[str, Any]:
        """Add the nested resources asked for (``cards=open&card_fields=name``…):
        ``nested`` maps a parameter to (its fields parameter, its values, a producer of
        the resource for the chosen values); ``none``/``false`` leave it out."""
        for name, (fields_param, valid, produce) in nested.items():
            raw = args.get(name)
            if raw is None or raw == "":
                continue
            chosen = set(raw.split(","))
            if not chosen <= set(valid):
                errors.refuse_value(name)
            if chosen & {"none", "false"}:
                continue
            value = produce(chosen)
            fields = args.get(fields_param) if fields_param else None
            if isinstance(value, list):
                out[name] = pick_each(value, fields)
            elif isinstance(value, Mapping):
                out[name] = pick(value, fields)
            else:
                out[name] = value
        return out


def no_route(request: Request) -> NoReturn:
    """Stop with Trello's answer to a path it does not route."""
    abort(errors.route_not_found(request))


#: Values of a yes/no nested resource (``organization=true``).
BOOLEAN = ("true", "false")
