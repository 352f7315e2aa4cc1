"""The Notion emulator: users, databases (via search), database queries, block children."""

from brainhub.sandbox.services.notion.emulator import NotionEmulator

EMULATOR = NotionEmulator

__all__ = ["EMULATOR", "NotionEmulator"]
