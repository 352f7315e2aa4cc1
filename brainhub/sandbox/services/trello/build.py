"""Builds the :class:`~.store.Store` of one seeded account (see :mod:`.store`)."""

from __future__ import annotations

from collections.abc import Mapping

from brainhub.sandbox.kit.surface import DocumentedOperation
from brainhub.sandbox.services.trello.attached import index_board
from brainhub.sandbox.services.trello.boards import Account
from brainhub.sandbox.services.trello.personal import (
    add_member_things,
    add_organization,
    add_plugins,
    complete_member,
)
from brainhub.sandbox.services.trello.store import Store, complete


def build_store(account: Account, shapes: Mapping[str, DocumentedOperation]) -> Store:
    """The store of ``account``; ``shapes`` is the derived surface (for completion)."""
    store = Store(account)
    for person in account.people:
        store.members[person["id"]] = person
        complete_member(person, account)
    for board in account.boards:
        index_board(store, board)
    for board in account.boards:
        add_organization(store, board)
    for person in account.people:
        boards = store.member_boards(person["id"])
        person["idBoards"] = [b.id for b in boards]
        person["idBoardsPinned"] = []
        person["idOrganizations"] = sorted({b.json["idOrganization"] for b in boards})
    add_plugins(store)
    add_member_things(store)
    complete(store, shapes)
    return store
