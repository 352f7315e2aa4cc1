"""The Trello emulator: boards of a member, their lists, cards, checklists, members, actions."""

from brainhub.sandbox.services.trello.emulator import TrelloEmulator

EMULATOR = TrelloEmulator

__all__ = ["EMULATOR", "TrelloEmulator"]
